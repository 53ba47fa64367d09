/**
 * Two app processes on one PostgreSQL database take 500 deliveries between them — several
 * events per commit (pull_request opened / synchronize / reopened, push), sent in a
 * shuffled order to either process. Every (repository, head SHA) is analysed exactly once:
 * one analysis row, four check runs, one comment; every job completes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET } from "../github/app-harness.ts";
import { deliveryMix } from "../github/delivery-mix.ts";
import { INSTALLATION } from "../github/fixture-repo.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { type PostgresServer, startPostgresServer } from "../harness/postgres-server.ts";
import { sendWebhook } from "../harness/webhooks.ts";
import { BOUNDS, expectWithin } from "./bounds.ts";
import { type AppProcess, jobStates, killApp, query, spawnApp, until } from "./helpers.ts";

const REPOS = 25;
const DELIVERIES = 500;
const CHECKS = ["Maestro ACC", "Maestro BDV", "Maestro DDE", "Maestro gate"];

describe("two app processes, one database", () => {
  let server: PostgresServer;
  let databaseUrl: string;
  let gh: FakeGitHub;
  const apps: AppProcess[] = [];
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    server = await startPostgresServer();
    databaseUrl = await server.createDatabase("replicas");
    gh = await startFakeGitHub();
    gh.addInstallation({ id: INSTALLATION, account: "acme" });
    // One process first (it creates the schema and queue), then the second.
    // This test is about two processes sharing one queue, not about faults: GitHub timeouts and
    // job heartbeats long enough that a loaded machine (CI runs several suites at once) does not
    // turn a slow request or a blocked event loop into a retried job.
    const extraEnv = { TEST_GITHUB_TIMEOUT_MS: "15000", TEST_HEARTBEAT_SECONDS: "60" };
    apps.push(await spawnApp({ databaseUrl, gh, workers: 2, extraEnv }));
    apps.push(await spawnApp({ databaseUrl, gh, workers: 2, extraEnv }));
  });
  afterAll(async () => {
    for (const app of apps) {
      if (app.child.exitCode !== null || app.child.signalCode !== null)
        console.log(
          `[app died] ${app.child.exitCode ?? app.child.signalCode}\n${app.stderr().slice(0, 3000)}`,
        );
    }
    for (const app of apps) await killApp(app);
    await gh?.close();
    server?.destroy();
    console.log(`[figures] ${JSON.stringify(figures)}`);
  });

  it("analyses every (repository, head SHA) once, loses no job, duplicates no check run or comment", {
    timeout: 600_000,
  }, async () => {
    const mix = deliveryMix(gh, {
      prefix: "replica",
      repositories: REPOS,
      perRepository: DELIVERIES / REPOS,
    });
    const targets = mix.heads;
    const deliveries = mix.byRepository.flat();
    // A fixed shuffle, so a failure reproduces.
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = deliveries.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j]!, deliveries[i]!];
    }

    const started = Date.now();
    const ids: string[] = [];
    const statuses: number[] = [];
    let next = 0;
    const sender = async () => {
      while (next < deliveries.length) {
        const index = next++;
        const app = apps[index % 2]!;
        const result = await sendWebhook({ ...deliveries[index]!, url: app.hook, secret: SECRET });
        ids.push(result.deliveryId);
        statuses.push(result.status);
      }
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    figures.acceptSeconds = (Date.now() - started) / 1000;
    expectWithin(BOUNDS.twoProcessesAccepted, figures.acceptSeconds);
    expect(statuses.filter((s) => s !== 202)).toEqual([]);
    expect(new Set(ids).size).toBe(DELIVERIES);

    const states = await until(
      "all 500 jobs to complete",
      () => jobStates(databaseUrl, ids),
      (s) => [...s.values()].every((state) => state === "completed" || state === "failed"),
      480_000,
      1_000,
    );
    figures.allJobsSeconds = (Date.now() - started) / 1000;
    figures.jobsPerSecond = DELIVERIES / figures.allJobsSeconds;
    expectWithin(BOUNDS.twoProcessesCompleted, figures.allJobsSeconds);
    const byState = new Map<string, number>();
    for (const state of states.values()) byState.set(state, (byState.get(state) ?? 0) + 1);
    expect(Object.fromEntries(byState)).toEqual({ completed: DELIVERIES });

    // Both processes did work.
    for (const app of apps)
      expect(app.logs.filter((l) => l.msg === "job completed").length).toBeGreaterThan(0);
    const recorded = await query<{ n: number }>(databaseUrl, "select count(*)::int as n from deliveries");
    expect(recorded[0]?.n).toBe(DELIVERIES);
    const runs = await query<{ repository: string; head_sha: string; status: string }>(
      databaseUrl,
      "select repository, head_sha, status from analysis_runs order by repository",
    );
    expect(runs).toHaveLength(REPOS);
    for (const run of runs) expect(run.status).toBe("completed");
    // The fixture repositories are reproducible, so their heads share one SHA: group by repository too.
    const analysed = await query<{ repository: string; n: number }>(
      databaseUrl,
      "select repository, count(*)::int as n from audit_events where kind = 'analysis.completed' group by repository, subject",
    );
    expect(analysed).toHaveLength(REPOS);
    for (const row of analysed) expect(row.n).toBe(1);
    const retried = apps.flatMap((app) =>
      app.logs.filter((l) => l.msg === "job failed" || Number(l.level) >= 50).map((l) => JSON.stringify(l)),
    );
    for (const t of targets) {
      const checkRuns = gh.checkRuns({ owner: t.owner, repo: t.name, headSha: t.head });
      expect(checkRuns.map((r) => r.name).sort(), `${t.fullName}; failures: ${retried.join("\n")}`).toEqual(
        [...CHECKS].sort(),
      );
      for (const run of checkRuns) expect(run.status).toBe("completed");
      expect(gh.issueComments({ owner: t.owner, repo: t.name, issueNumber: 1 }), t.fullName).toHaveLength(1);
    }
    expect(gh.unexpectedViolations()).toEqual([]);
  });
});
