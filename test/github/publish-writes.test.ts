/**
 * How few writes a publication takes (GitHub's throttle spaces writes about 1 s apart): the
 * running app over HTTP, signed webhooks, the contract-checked fake GitHub, a real database.
 *
 * - A result that comes within the in-progress window: each check run created completed, the
 *   gate first, no update.
 * - A slower one: the runs shown in progress, then completed.
 * - The same commit analysed again without anyone asking for a re-run: check runs that would
 *   show the same are not written; a re-run asked for gets new ones.
 * - A sticky comment that would read the same is not edited; one edited or deleted by hand is
 *   put back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/store/db.ts";
import { createTestDatabase, describeEachDatabase, type TestDatabase } from "../harness/db.ts";
import type { RecordedRequest } from "../harness/fake-github/index.ts";
import {
  type AppHarness,
  pullRequestEvent,
  pushEvent,
  startAppHarness,
  TEST_ANALYSIS_OPTIONS,
} from "./app-harness.ts";
import {
  commitOnBranch,
  type FixtureRepo,
  fixtureRepo,
  INSTALLATION,
  LAYER_VIOLATION,
} from "./fixture-repo.ts";

const CREATE = "POST /repos/{owner}/{repo}/check-runs";
const UPDATE = "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}";
const EDIT_COMMENT = "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}";
const READ_COMMENT = "GET /repos/{owner}/{repo}/issues/comments/{comment_id}";
const POST_COMMENT = "POST /repos/{owner}/{repo}/issues/{issue_number}/comments";
const GATE_FIRST = ["Maestro gate", "Maestro ACC", "Maestro BDV", "Maestro DDE"];
const ZERO_SHA = "0".repeat(40);

type Body = { name?: string; status?: string; conclusion?: string; output?: { annotations?: unknown[] } };
const body = (r: RecordedRequest) => r.body as Body;

function prEvent(repo: FixtureRepo, number: number, headRef: string, headSha: string) {
  return pullRequestEvent("opened", {
    owner: repo.owner,
    repo: repo.name,
    repoId: repo.id,
    number,
    headRef,
    headSha,
    baseSha: repo.baseSha,
    installationId: INSTALLATION,
  });
}

function rerequested(repo: FixtureRepo, headSha: string, checkRunId: number) {
  return {
    event: "check_run" as const,
    action: "rerequested",
    installationId: INSTALLATION,
    repository: { owner: repo.owner, name: repo.name, id: repo.id, defaultBranch: "main" },
    patch: { check_run: { id: checkRunId, name: "Maestro gate", head_sha: headSha, pull_requests: [] } },
  };
}

async function storedRuns(db: Db, repository: string, headSha: string) {
  return db
    .selectFrom("check_runs")
    .select(["name", "check_run_id", "status", "output_digest"])
    .where("repository", "=", repository)
    .where("head_sha", "=", headSha)
    .orderBy("name")
    .execute();
}

async function publications(db: Db, repository: string) {
  const rows = await db
    .selectFrom("audit_events")
    .select("data")
    .where("kind", "=", "publication")
    .where("repository", "=", repository)
    .orderBy("seq")
    .execute();
  return rows.map((row) => row.data as { inProgress?: string[]; reused?: string[]; comment?: unknown });
}

describeEachDatabase("publication: a quick analysis", (getDb) => {
  let h: AppHarness;

  beforeAll(async () => {
    // A window no analysis here reaches: every result is "quick".
    h = await startAppHarness(getDb(), {
      workers: 2,
      analysis: { ...TEST_ANALYSIS_OPTIONS, inProgressAfterMs: 60_000 },
    });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(() => {
    expect(h.gh.unexpectedViolations()).toEqual([]);
  });

  it("creates the four check runs completed, the gate first, and never updates them", async () => {
    const repo = fixtureRepo(h.gh, "quick");
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    h.gh.addPullRequest({ owner: "acme", repo: "quick", number: 1, head: "feature", base: "main" });
    h.gh.resetRecording();
    expect((await h.deliver(prEvent(repo, 1, "feature", head))).jobState).toBe("completed");

    const creates = h.gh.requestsTo(CREATE);
    expect(creates.map((r) => body(r).name)).toEqual(GATE_FIRST);
    expect(creates.map((r) => body(r).status)).toEqual(["completed", "completed", "completed", "completed"]);
    expect(h.gh.requestCount(UPDATE)).toBe(0);
    const acc = creates.find((r) => body(r).name === "Maestro ACC")!;
    expect(body(acc)).toMatchObject({ conclusion: "failure" });
    expect(body(acc).output?.annotations).toHaveLength(1);

    const runs = h.gh.checkRuns({ owner: "acme", repo: "quick", headSha: head });
    expect(runs.map((r) => [r.name, r.status, r.updates]).sort()).toEqual([
      ["Maestro ACC", "completed", 0],
      ["Maestro BDV", "completed", 0],
      ["Maestro DDE", "completed", 0],
      ["Maestro gate", "completed", 0],
    ]);
    expect(runs.find((r) => r.name === "Maestro gate")).toMatchObject({
      conclusion: "failure",
      output: { title: "ARCHITECTURAL_EROSION" },
      actions: [expect.objectContaining({ identifier: "rerun" })],
    });
    // What the database keeps matches GitHub: the runs' ids, completed, with what they show.
    const stored = await storedRuns(getDb().store.db, repo.fullName, head);
    expect(stored.map((r) => [r.name, r.check_run_id, r.status])).toEqual(
      runs.map((r) => [r.name, r.id, "completed"]).sort(),
    );
    for (const row of stored) expect(row.output_digest).toMatch(/^[0-9a-f]{64}$/);
    expect(await publications(getDb().store.db, repo.fullName)).toEqual([
      expect.objectContaining({
        inProgress: [],
        reused: [],
        comment: expect.objectContaining({ action: "created" }),
      }),
    ]);

    // Re-run asked for: four new runs (created completed); the comment reads the same, so it is
    // read once and not edited.
    h.gh.resetRecording();
    const gate = runs.find((r) => r.name === "Maestro gate")!;
    expect((await h.deliver(rerequested(repo, head, gate.id))).jobState).toBe("completed");
    expect(h.gh.requestsTo(CREATE).map((r) => body(r).status)).toEqual([
      "completed",
      "completed",
      "completed",
      "completed",
    ]);
    expect(h.gh.requestCount(UPDATE)).toBe(0);
    expect(h.gh.checkRuns({ owner: "acme", repo: "quick", headSha: head })).toHaveLength(8);
    const [comment] = h.gh.issueComments({ owner: "acme", repo: "quick", issueNumber: 1 });
    expect(comment?.edits).toBe(0);
    expect(h.gh.requestCount(READ_COMMENT)).toBe(1);
    expect(h.gh.requestCount(EDIT_COMMENT)).toBe(0);
    expect((await publications(getDb().store.db, repo.fullName)).at(-1)).toMatchObject({
      comment: { action: "unchanged", id: comment?.id },
    });

    // Edited by hand: put back. Deleted: posted again.
    const original = comment!.body;
    comment!.body = `${original}\n(edited by hand)`;
    h.gh.resetRecording();
    expect((await h.deliver(rerequested(repo, head, gate.id))).jobState).toBe("completed");
    expect(h.gh.requestCount(EDIT_COMMENT)).toBe(1);
    expect(h.gh.issueComments({ owner: "acme", repo: "quick", issueNumber: 1 })[0]?.body).toBe(original);
    expect(h.gh.deleteComment(comment!.id)).toBe(true);
    h.gh.expectRefusal(READ_COMMENT, 404);
    h.gh.resetRecording();
    expect((await h.deliver(rerequested(repo, head, gate.id))).jobState).toBe("completed");
    expect(h.gh.requestCount(EDIT_COMMENT)).toBe(0);
    expect(h.gh.requestCount(POST_COMMENT)).toBe(1);
    const after = h.gh.issueComments({ owner: "acme", repo: "quick", issueNumber: 1 });
    expect(after).toHaveLength(1);
    expect(after[0]?.body).toBe(original);
  });

  it("resumes a publication that failed midway: each run created once, each batch of 50 annotations sent once", async () => {
    const repo = fixtureRepo(h.gh, "resumed");
    const files: Record<string, string> = {};
    for (let i = 0; i < 70; i++)
      files[`src/data/bad${String(i).padStart(2, "0")}.ts`] =
        'import { page } from "../ui/page";\nexport const x = page;\n';
    const head = commitOnBranch(repo, "many", files);
    h.gh.addPullRequest({ owner: "acme", repo: "resumed", number: 4, head: "many", base: "main" });
    // The ACC run's second batch fails beyond Octokit's own retries: the attempt fails, the next resumes.
    const fault = h.gh.inject({ method: "PATCH", path: UPDATE.split(" ")[1]!, status: 500, times: 4 });
    h.gh.resetRecording();
    expect((await h.deliver(prEvent(repo, 4, "many", head))).jobState).toBe("completed");
    expect(fault.hits).toBe(4);
    const runs = h.gh.checkRuns({ owner: "acme", repo: "resumed", headSha: head });
    expect(runs.map((r) => r.name).sort()).toEqual([...GATE_FIRST].sort());
    const acc = runs.find((r) => r.name === "Maestro ACC")!;
    expect(acc).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "70 new findings" },
    });
    expect(acc.annotations).toHaveLength(70);
    expect(new Set(acc.annotations.map((a) => a.path)).size).toBe(70);
    expect(h.gh.requestsTo(CREATE).filter((r) => r.status === 201)).toHaveLength(4);
    expect(h.gh.requestsTo(UPDATE).filter((r) => r.status === 200)).toHaveLength(1);
  });

  it("does not write check runs again for a commit whose runs already show the result", async () => {
    // A branch pushed, then its pull request opened: the same commit against the same base.
    const repo = fixtureRepo(h.gh, "pushed-first");
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    const pushed = await h.deliver(
      pushEvent({
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        installationId: INSTALLATION,
        ref: "feature",
        before: ZERO_SHA,
        after: head,
      }),
    );
    expect(pushed.jobState).toBe("completed");
    const runs = h.gh.checkRuns({ owner: "acme", repo: "pushed-first", headSha: head });
    expect(runs).toHaveLength(4);
    expect(h.gh.issueComments({ owner: "acme", repo: "pushed-first" })).toHaveLength(0);

    h.gh.addPullRequest({ owner: "acme", repo: "pushed-first", number: 2, head: "feature", base: "main" });
    h.gh.resetRecording();
    expect((await h.deliver(prEvent(repo, 2, "feature", head))).jobState).toBe("completed");
    expect(h.gh.requestCount(CREATE)).toBe(0);
    expect(h.gh.requestCount(UPDATE)).toBe(0);
    expect(h.gh.requestCount(POST_COMMENT)).toBe(1);
    expect(h.gh.checkRuns({ owner: "acme", repo: "pushed-first", headSha: head })).toEqual(runs);
    const publication = (await publications(getDb().store.db, repo.fullName)).at(-1);
    expect(publication).toMatchObject({ reused: GATE_FIRST, inProgress: [] });
    // The runs the pull request shows are the ones recorded.
    const stored = await storedRuns(getDb().store.db, repo.fullName, head);
    expect(stored.map((r) => r.check_run_id).sort()).toEqual(runs.map((r) => r.id).sort());
  });
});

describe("publication: a slow analysis", () => {
  let database: TestDatabase;
  let h: AppHarness;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    // In progress after 1 ms: any analysis is "slow".
    h = await startAppHarness(database, {
      workers: 1,
      analysis: { ...TEST_ANALYSIS_OPTIONS, inProgressAfterMs: 1 },
    });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    await h?.stop();
    await database?.close();
  });

  it("shows the runs in progress, gate first, then completes them", async () => {
    const repo = fixtureRepo(h.gh, "slow");
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    h.gh.addPullRequest({ owner: "acme", repo: "slow", number: 3, head: "feature", base: "main" });
    // The snapshot takes a while: long enough to see the runs in progress meanwhile.
    const stall = h.gh.inject({ path: /\/repos\/acme\/slow\/tarball\//, delayMs: 3000, times: 1 });
    h.gh.resetRecording();
    const sent = await h.send(prEvent(repo, 3, "feature", head));
    // Shown in progress on GitHub, and recorded so (a retried or superseded job closes them).
    await expect
      .poll(async () => (await storedRuns(database.store.db, repo.fullName, head)).map((r) => r.status), {
        timeout: 30_000,
        interval: 20,
      })
      .toEqual(Array(4).fill("in_progress"));
    const shown = h.gh.checkRuns({ owner: "acme", repo: "slow", headSha: head });
    expect(shown.map((r) => r.status)).toEqual(Array(4).fill("in_progress"));
    const stored = await storedRuns(database.store.db, repo.fullName, head);
    expect(stored.map((r) => r.check_run_id).sort()).toEqual(shown.map((r) => r.id).sort());
    expect(stored.map((r) => r.output_digest)).toEqual(Array(4).fill(null));
    expect(await h.waitForJob(sent.deliveryId)).toBe("completed");
    expect(stall.hits).toBe(1);

    const creates = h.gh.requestsTo(CREATE);
    expect(creates.map((r) => body(r).name)).toEqual(GATE_FIRST);
    expect(creates.map((r) => body(r).status)).toEqual(Array(4).fill("in_progress"));
    const updates = h.gh.requestsTo(UPDATE);
    expect(updates.map((r) => body(r).status)).toEqual(Array(4).fill("completed"));
    const runs = h.gh.checkRuns({ owner: "acme", repo: "slow", headSha: head });
    expect(runs).toHaveLength(4);
    expect(updates[0]?.path.endsWith(`/${runs.find((r) => r.name === "Maestro gate")?.id}`)).toBe(true);
    for (const run of runs) expect(run).toMatchObject({ status: "completed", updates: 1 });
    expect(runs.find((r) => r.name === "Maestro ACC")).toMatchObject({
      conclusion: "failure",
      output: { title: "1 new finding" },
    });
    const completed = await storedRuns(database.store.db, repo.fullName, head);
    for (const row of completed) {
      expect(row.status).toBe("completed");
      expect(row.output_digest).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(await publications(database.store.db, repo.fullName)).toEqual([
      expect.objectContaining({ inProgress: GATE_FIRST, reused: [] }),
    ]);
    expect(h.gh.unexpectedViolations()).toEqual([]);
  });
});
