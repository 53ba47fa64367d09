/**
 * The app process dying or being stopped: SIGKILL in the middle of an analysis (the queue
 * re-runs the job after its heartbeat lapses; the check runs end completed, once each), and
 * SIGTERM (no new job is taken, the running one finishes, exit 0). Real PostgreSQL server of
 * our own, the app as a child process, the fake GitHub in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pullRequestEvent, SECRET } from "../github/app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION } from "../github/fixture-repo.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { type PostgresServer, startPostgresServer } from "../harness/postgres-server.ts";
import { sendWebhook } from "../harness/webhooks.ts";
import { BOUNDS, expectWithin } from "./bounds.ts";
import { type AppProcess, jobStates, killApp, query, spawnApp, until } from "./helpers.ts";

const CHECKS = ["Maestro ACC", "Maestro BDV", "Maestro DDE", "Maestro gate"];

describe("app process faults", () => {
  let server: PostgresServer;
  let databaseUrl: string;
  let gh: FakeGitHub;
  const apps: AppProcess[] = [];
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    server = await startPostgresServer();
    databaseUrl = await server.createDatabase("faults");
    gh = await startFakeGitHub();
    gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    for (const app of apps) await killApp(app);
    await gh?.close();
    server?.destroy();
    console.log(`[figures] ${JSON.stringify(figures)}`);
  });

  async function start(extraEnv: Record<string, string> = {}): Promise<AppProcess> {
    const app = await spawnApp({ databaseUrl, gh, extraEnv });
    apps.push(app);
    return app;
  }

  function pullRequest(name: string, number: number) {
    const repo = fixtureRepo(gh, name);
    const head = commitOnBranch(repo, "feature", {
      "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows: number[] = [];\n',
    });
    gh.addPullRequest({ owner: repo.owner, repo: repo.name, number, head: "feature", base: "main" });
    const event = pullRequestEvent("opened", {
      owner: repo.owner,
      repo: repo.name,
      repoId: repo.id,
      number,
      headRef: "feature",
      headSha: head,
      baseSha: repo.baseSha,
      installationId: INSTALLATION,
    });
    return { repo, head, event };
  }

  /** Every run completed; per check name exactly one that is not a "Superseded" leftover. */
  function expectPublishedOnce(owner: string, repo: string, headSha: string) {
    const runs = gh.checkRuns({ owner, repo, headSha });
    for (const run of runs) expect(run.status, `${run.name} #${run.id}`).toBe("completed");
    const real = runs.filter((run) => run.output.title !== "Superseded");
    expect(real.map((run) => run.name).sort()).toEqual([...CHECKS].sort());
    expect(real.find((run) => run.name === "Maestro ACC")?.conclusion).toBe("failure");
    expect(real.find((run) => run.name === "Maestro gate")?.output.title).toBe("ARCHITECTURAL_EROSION");
    return runs;
  }

  it("re-runs a job whose process was SIGKILLed mid-analysis; the check runs end completed once", async () => {
    // A long timeout in the first process, so the stalled tarball request holds the job.
    const first = await start({ TEST_GITHUB_TIMEOUT_MS: "120000" });
    const { repo, head, event } = pullRequest("crash", 1);
    const stall = gh.inject({
      method: "GET",
      path: "/repos/{owner}/{repo}/tarball/{ref}",
      delayMs: 60_000,
      times: 1,
    });
    const sent = await sendWebhook({ ...event, url: first.hook, secret: SECRET });
    expect(sent.status).toBe(202);
    await until(
      "the job to stall on the tarball",
      async () => stall.hits,
      (hits) => hits >= 1,
      60_000,
    );
    // The analysis outlasts the in-progress window: its check runs are shown in progress.
    const inProgress = await until(
      "the check runs to be shown in progress",
      async () => gh.checkRuns({ owner: repo.owner, repo: repo.name, headSha: head }),
      (runs) => runs.length === 4,
      30_000,
      50,
    );
    expect(inProgress.map((r) => r.status)).toEqual([
      "in_progress",
      "in_progress",
      "in_progress",
      "in_progress",
    ]);

    first.child.kill("SIGKILL");
    const killedAt = Date.now();
    expect((await first.exited).signal).toBe("SIGKILL");
    expect((await jobStates(databaseUrl, [sent.deliveryId])).get(sent.deliveryId)).toBe("active");

    const second = await start();
    await until(
      "the killed job to be re-run and completed",
      () => jobStates(databaseUrl, [sent.deliveryId]),
      (states) => states.get(sent.deliveryId) === "completed",
      120_000,
      250,
    );
    figures.sigkillRerunSeconds = (Date.now() - killedAt) / 1000;
    expectWithin(BOUNDS.sigkillRerun, figures.sigkillRerunSeconds);

    const runs = expectPublishedOnce(repo.owner, repo.name, head);
    // The crashed attempt's runs were closed as superseded by the re-run, not left spinning.
    expect(
      runs
        .filter((r) => r.output.title === "Superseded")
        .map((r) => r.id)
        .sort(),
    ).toEqual(inProgress.map((r) => r.id).sort());
    expect(gh.issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 1 })).toHaveLength(1);
    const rows = await query<{ status: string }>(
      databaseUrl,
      "select status from analysis_runs where repository = $1 and head_sha = $2",
      [repo.fullName, head],
    );
    expect(rows).toEqual([{ status: "completed" }]);
    const audits = await query<{ kind: string }>(
      databaseUrl,
      "select kind from audit_events where subject = $1 and kind = 'analysis.completed'",
      [`commit:${head}`],
    );
    expect(audits).toHaveLength(1);
    // Structured logs of the second process name the delivery and the job on the job's lines.
    const jobLines = second.logs.filter((l) => l.msg === "job completed");
    expect(jobLines).toContainEqual(
      expect.objectContaining({ deliveryId: sent.deliveryId, jobId: expect.any(String) }),
    );
    await killApp(second);
    expect(gh.unexpectedViolations()).toEqual([]);
  });

  it("on SIGTERM finishes the running job, takes no new one, and exits 0; the next process runs it", async () => {
    const app = await start();
    const a = pullRequest("term-a", 2);
    const b = pullRequest("term-b", 3);
    const slow = gh.inject({
      method: "GET",
      path: `/repos/acme/term-a/tarball/${a.head}`,
      delayMs: 1_500,
      times: 1,
    });
    const sentA = await sendWebhook({ ...a.event, url: app.hook, secret: SECRET });
    await until(
      "job A to be in the middle of its work",
      async () => slow.hits,
      (hits) => hits >= 1,
      60_000,
      20,
    );
    const sentB = await sendWebhook({ ...b.event, url: app.hook, secret: SECRET });
    expect([sentA.status, sentB.status]).toEqual([202, 202]);

    const signalledAt = Date.now();
    app.child.kill("SIGTERM");
    const exit = await app.exited;
    figures.sigtermStopSeconds = (Date.now() - signalledAt) / 1000;
    expectWithin(BOUNDS.sigtermStop, figures.sigtermStopSeconds);
    expect(exit.code).toBe(0);
    expect(app.logs.some((l) => l.msg === "stopped")).toBe(true);

    const states = await jobStates(databaseUrl, [sentA.deliveryId, sentB.deliveryId]);
    expect(states.get(sentA.deliveryId)).toBe("completed");
    expect(states.get(sentB.deliveryId)).toBe("created");
    expectPublishedOnce(a.repo.owner, a.repo.name, a.head);
    expect(gh.checkRuns({ owner: b.repo.owner, repo: b.repo.name, headSha: b.head })).toEqual([]);

    const next = await start();
    await until(
      "job B to run in the next process",
      () => jobStates(databaseUrl, [sentB.deliveryId]),
      (s) => s.get(sentB.deliveryId) === "completed",
      60_000,
    );
    expectPublishedOnce(b.repo.owner, b.repo.name, b.head);
    expect(next.logs.some((l) => l.deliveryId === sentB.deliveryId)).toBe(true);
    expect(gh.unexpectedViolations()).toEqual([]);
  });
});
