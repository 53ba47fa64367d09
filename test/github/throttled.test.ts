/**
 * The app with the Octokit it ships with — Probot's throttling and retries as in production, not the
 * tests' FastOctokit — against the fake GitHub: what GitHub (and its secondary rate limit) sees is
 * writes at least 1 s apart, comments at least 3 s apart, and a 502 retried after about 1 s.
 * (publish-writes.test.ts: how few writes one publication takes.) The
 * bounds are generous on the slow side (a shared machine), strict on the side the throttle guarantees.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";
import type { RecordedRequest } from "../harness/fake-github/index.ts";
import { type AppHarness, commentEvent, pullRequestEvent, startAppHarness } from "./app-harness.ts";
import {
  commitOnBranch,
  type FixtureRepo,
  fixtureRepo,
  INSTALLATION,
  LAYER_VIOLATION,
} from "./fixture-repo.ts";

/** Arrival times at the fake: the throttle spaces request starts, the network adds a little either way. */
const SLACK_MS = 100;
/** Over a whole run only the first and last arrival's jitter count. */
const SPAN_SLACK_MS = 500;
/** A request let go on time can still leave late when the event loop is busy (a shared 2-core machine). */
const JITTER_MS = 500;
const CHECK_RUN_CREATE = "POST /repos/{owner}/{repo}/check-runs";
const COMMENT = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";

describe("production throttling and retries", () => {
  let database: TestDatabase;
  let h: AppHarness;
  let repo: FixtureRepo;
  let head: string;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    // Every analysis here counts as quick (a loaded machine must not turn it into a slow one):
    // each check run is one write.
    h = await startAppHarness(database, {
      workers: 2,
      octokit: "production",
      env: { MAESTRO_CHECKS_IN_PROGRESS_AFTER_MS: "60000" },
    });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
    repo = fixtureRepo(h.gh, "throttled");
    head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 4, head: "feature", base: "main" });
    // The commenters are not collaborators: their commands are refused, with a reply comment each.
    h.gh.expectRefusal("GET /repos/{owner}/{repo}/collaborators/{username}/permission", 404);
  });
  afterAll(async () => {
    await h?.stop();
    await database?.close();
  });

  it("publishes an analysis with writes at least 1 s apart, and retries a 502 after about 1 s", async () => {
    const fault = h.gh.inject({
      method: "POST",
      path: "/repos/{owner}/{repo}/check-runs",
      status: 502,
      times: 1,
    });
    h.gh.resetRecording();
    const opened = await h.deliver(
      pullRequestEvent("opened", {
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        number: 4,
        headRef: "feature",
        headSha: head,
        baseSha: repo.baseSha,
        installationId: INSTALLATION,
      }),
    );
    expect(opened.jobState).toBe("completed");

    // What the user sees: four completed check runs and the sticky summary.
    const runs = h.gh.checkRuns({ owner: repo.owner, repo: repo.name, headSha: head });
    expect(runs.map((r) => [r.name, r.status]).sort()).toEqual([
      ["Maestro ACC", "completed"],
      ["Maestro BDV", "completed"],
      ["Maestro DDE", "completed"],
      ["Maestro gate", "completed"],
    ]);
    expect(h.gh.issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 4 })).toHaveLength(1);

    // A quick analysis: each check run created completed (one write each), then the comment.
    const writes = writesSeen();
    expect(writes.map((r) => r.operation)).toEqual([...Array(5).fill(CHECK_RUN_CREATE), COMMENT]);
    expectAtMostOneWriteASecond(writes);

    expect(fault.hits).toBe(1);
    const creates = h.gh.requestsTo(CHECK_RUN_CREATE);
    const nameOf = (r: RecordedRequest | undefined) => (r?.body as { name?: string } | undefined)?.name;
    const failed = creates.findIndex((r) => r.status === 502);
    const retried = creates.slice(failed + 1).find((r) => nameOf(r) === nameOf(creates[failed]));
    const retryWait = (retried?.at ?? Number.POSITIVE_INFINITY) - (creates[failed]?.at ?? 0);
    expect(retried?.status).toBe(201);
    expect(retryWait).toBeGreaterThanOrEqual(1000 - SLACK_MS);
    expect(retryWait).toBeLessThan(5000);
  }, 120_000);

  it("keeps comments at least 3 s apart when two commands are answered at once", async () => {
    h.gh.resetRecording();
    const sent = [];
    for (const author of ["drive-by", "passer-by"]) {
      const comment = h.gh.addComment({
        owner: repo.owner,
        repo: repo.name,
        issueNumber: 4,
        body: "/maestro recheck",
        author,
      });
      sent.push(await h.send(commentEvent({ repo, number: 4, comment, installationId: INSTALLATION })));
    }
    for (const delivery of sent) expect(await h.waitForJob(delivery.deliveryId, 120_000)).toBe("completed");
    const replies = writesSeen().filter((r) => r.operation === COMMENT);
    expect(replies).toHaveLength(2);
    expect(intervals(replies)[0]).toBeGreaterThanOrEqual(3000 - SLACK_MS);
    // Both jobs' writes together: at most one a second. (A comment, held 3 s by the notification
    // limit after its 1 s write slot, can land just before the next write: upstream behaviour.)
    const writes = writesSeen();
    const span = (writes.at(-1)?.at ?? 0) - (writes[0]?.at ?? 0);
    expect(span).toBeGreaterThanOrEqual((writes.length - 1) * 1000 - SPAN_SLACK_MS);
  }, 120_000);

  function writesSeen(): RecordedRequest[] {
    return h.gh
      .requestsTo()
      .filter(
        (r) =>
          r.method !== "GET" && r.operation !== "POST /app/installations/{installation_id}/access_tokens",
      )
      .sort((a, b) => a.at - b.at);
  }
});

/** At most one write a second over the run, and no two closer than the jitter allows (no burst). */
function expectAtMostOneWriteASecond(writes: readonly RecordedRequest[]): void {
  const gaps = intervals(writes);
  const span = (writes.at(-1)?.at ?? 0) - (writes[0]?.at ?? 0);
  const described = `gaps between writes: ${gaps.join(", ")} ms`;
  expect(span, described).toBeGreaterThanOrEqual((writes.length - 1) * 1000 - SPAN_SLACK_MS);
  expect(Math.min(...gaps), described).toBeGreaterThanOrEqual(1000 - JITTER_MS);
}

/** Milliseconds between consecutive requests, in arrival order. */
function intervals(requests: readonly RecordedRequest[]): number[] {
  const times = requests.map((r) => r.at).sort((a, b) => a - b);
  return times.slice(1).map((at, i) => at - (times[i] ?? at));
}
