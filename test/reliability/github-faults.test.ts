/**
 * GitHub misbehaving: 500, 502, a request that never answers, and the secondary rate limit
 * (403 with retry-after). The app runs with production retry timing (plugin-retry's 1 s / 4 s /
 * 9 s; our rate-limit wait honours retry-after), so the waits are asserted from the times the
 * fake GitHub received each request. A failure that does not go away completes the checks
 * with the reason instead of leaving them spinning.
 */
import { pino } from "pino";
import { ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env/app-env.ts";
import { HandlerRegistry, registerDefaultHandlers } from "../../src/jobs/handlers.ts";
import { DELIVERY_QUEUE, jobIdForDelivery } from "../../src/jobs/queue.ts";
import { type RunningApp, startApp } from "../../src/server/app.ts";
import { fakeGitHubAppEnv, pullRequestEvent, SECRET } from "../github/app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION } from "../github/fixture-repo.ts";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";
import type { RecordedRequest as RequestRecord } from "../harness/fake-github/index.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { sendWebhook } from "../harness/webhooks.ts";
import { BOUNDS, expectWithin } from "./bounds.ts";
import { until } from "./helpers.ts";

/** Production retries (plugin-retry at its real 1 s base); throttling off so writes are not spaced 1 s apart. */
const ProductionRetryOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  throttle: { ...(options.throttle as object), enabled: false },
}));

const CHECKS = ["Maestro ACC", "Maestro BDV", "Maestro DDE", "Maestro gate"];

describe("GitHub faults", () => {
  let database: TestDatabase;
  let gh: FakeGitHub;
  let app: RunningApp;
  const figures: Record<string, number[]> = {};
  let nextPr = 1;

  beforeAll(async () => {
    database = await createTestDatabase(process.env.DATABASE_URL ? "postgres" : "pglite");
    gh = await startFakeGitHub();
    gh.addInstallation({ id: INSTALLATION, account: "acme" });
    const env = loadEnv({
      ...fakeGitHubAppEnv(gh),
      MAESTRO_WORKERS: "1",
      MAESTRO_QUEUE_SCHEMA: database.bossSchema,
    });
    app = await startApp(env, {
      store: database.store,
      boss: await database.queue(),
      log: pino({ level: "silent" }),
      registry: registerDefaultHandlers(new HandlerRegistry(), {
        analysis: { retry: { attempts: 2, baseDelayMs: 100, maxRateLimitWaitMs: 10_000 } },
      }),
      probot: { Octokit: ProductionRetryOctokit, requestTimeoutMs: 1_000 },
      pollingIntervalSeconds: 0.5,
    });
  });
  afterAll(async () => {
    await app?.stop();
    await gh?.close();
    await database?.close();
    console.log(`[figures] ${JSON.stringify(figures)}`);
  });
  afterEach(() => {
    expect(gh.unexpectedViolations()).toEqual([]);
    gh.clearFaults();
  });

  async function analysePullRequest(name: string) {
    const repo = fixtureRepo(gh, name);
    const head = commitOnBranch(repo, "feature", {
      "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows: number[] = [];\n',
    });
    const number = nextPr++;
    gh.addPullRequest({ owner: repo.owner, repo: repo.name, number, head: "feature", base: "main" });
    const send = async () => {
      const sent = await sendWebhook({
        ...pullRequestEvent("opened", {
          owner: repo.owner,
          repo: repo.name,
          repoId: repo.id,
          number,
          headRef: "feature",
          headSha: head,
          baseSha: repo.baseSha,
          installationId: INSTALLATION,
        }),
        url: `${app.url}/api/github/webhooks`,
        secret: SECRET,
      });
      expect(sent.status).toBe(202);
      const boss = await database.queue();
      return until(
        "the job to settle",
        async () => (await boss.getJobById(DELIVERY_QUEUE, jobIdForDelivery(sent.deliveryId)))?.state,
        (state) => state === "completed" || state === "failed",
        120_000,
        100,
      );
    };
    return { repo, head, number, send };
  }

  function requestsTo(method: string, path: string): RequestRecord[] {
    return gh.requests.filter((r) => r.method === method && r.path === path);
  }

  function gaps(records: RequestRecord[]): number[] {
    return records.slice(1).map((r, i) => r.at - (records[i] as RequestRecord).at);
  }

  function expectPublished(owner: string, repo: string, head: string, number: number) {
    const runs = gh.checkRuns({ owner, repo, headSha: head });
    expect(runs.map((r) => r.name).sort()).toEqual([...CHECKS].sort());
    for (const run of runs) expect(run.status).toBe("completed");
    expect(runs.find((r) => r.name === "Maestro gate")?.output.title).toBe("ARCHITECTURAL_EROSION");
    expect(gh.issueComments({ owner, repo, issueNumber: number })).toHaveLength(1);
  }

  it("retries a 500 on creating a check run after plugin-retry's 1 s wait", async () => {
    const pr = await analysePullRequest("fault-500");
    const path = `/repos/acme/fault-500/check-runs`;
    const fault = gh.inject({ method: "POST", path, status: 500, times: 1 });
    expect(await pr.send()).toBe("completed");
    expect(fault.hits).toBe(1);
    const posts = requestsTo("POST", path);
    expect(posts.map((r) => r.status)).toEqual([500, 201, 201, 201, 201]);
    const [wait] = gaps(posts);
    figures.retryAfter500Ms = [wait ?? -1];
    expectWithin(BOUNDS.retryAfter500, (wait ?? -1) / 1000);
    expectPublished("acme", "fault-500", pr.head, pr.number);
  });

  // plugin-retry waits retryCount² seconds, but keeps retryCount on the request options that
  // every request of one Octokit instance shares (upstream behaviour, cf. octokit/plugin-throttling.js#462),
  // so within one job a later retry may start at 4 s: the waits are asserted within its 1/4/9 s schedule.
  it("retries 502s on the tarball with plugin-retry's waits", async () => {
    const pr = await analysePullRequest("fault-502");
    const path = `/repos/acme/fault-502/tarball/${pr.head}`;
    gh.inject({ method: "GET", path, status: 502, times: 2 });
    expect(await pr.send()).toBe("completed");
    const gets = requestsTo("GET", path);
    expect(gets.map((r) => r.status)).toEqual([502, 502, 302]);
    const waits = gaps(gets);
    figures.retryAfter502Ms = waits;
    for (const wait of waits) expectWithin(BOUNDS.retryAfter502, wait / 1000);
    expectPublished("acme", "fault-502", pr.head, pr.number);
  });

  it("gives up on a request that does not answer within the timeout and retries it", async () => {
    const pr = await analysePullRequest("fault-timeout");
    const path = `/repos/acme/fault-timeout/tarball/${pr.head}`;
    gh.inject({ method: "GET", path, delayMs: 5_000, times: 1 });
    const started = Date.now();
    expect(await pr.send()).toBe("completed");
    const gets = requestsTo("GET", path);
    expect(gets).toHaveLength(2);
    const [wait] = gaps(gets);
    figures.retryAfterTimeoutMs = [wait ?? -1];
    // The 1 s timeout, then plugin-retry's wait (1 s or 4 s, see above).
    expectWithin(BOUNDS.retryAfterTimeout, (wait ?? -1) / 1000);
    expect(Date.now() - started).toBeLessThan(30_000);
    expectPublished("acme", "fault-timeout", pr.head, pr.number);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/maestro_github_requests_total\{method="GET",status="0"\} [1-9]/);
  });

  it("waits out a secondary rate limit for as long as retry-after says", async () => {
    const pr = await analysePullRequest("fault-secondary");
    const path = `/repos/acme/fault-secondary/issues/${pr.number}/comments`;
    gh.inject({ method: "POST", path, rateLimit: "secondary", retryAfter: 2, times: 1 });
    expect(await pr.send()).toBe("completed");
    const posts = requestsTo("POST", path);
    expect(posts.map((r) => r.status)).toEqual([403, 201]);
    const [wait] = gaps(posts);
    figures.waitAfterSecondaryRateLimitMs = [wait ?? -1];
    expectWithin(BOUNDS.waitAfterSecondaryRateLimit, (wait ?? -1) / 1000);
    expectPublished("acme", "fault-secondary", pr.head, pr.number);
  });

  it("completes the checks with the reason when GitHub keeps failing", async () => {
    const pr = await analysePullRequest("fault-down");
    gh.inject({ method: "GET", path: `/repos/acme/fault-down/tarball/${pr.head}`, status: 502 });
    gh.inject({ method: "GET", path: /^\/repos\/acme\/fault-down\/git\/trees\//, status: 502 });
    expect(await pr.send()).toBe("completed");
    const runs = gh.checkRuns({ owner: "acme", repo: "fault-down", headSha: pr.head });
    expect(runs.map((r) => r.name).sort()).toEqual([...CHECKS].sort());
    for (const run of runs) {
      expect(run.status).toBe("completed");
      expect(run.conclusion).toBe("failure");
      expect(run.output.title).toBe("Analysis failed");
      expect(run.output.summary).toMatch(/502/);
    }
    const row = await database.store.db
      .selectFrom("analysis_runs")
      .select(["status", "error"])
      .where("repository", "=", "acme/fault-down")
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    expect(row.error).toMatch(/502/);
    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/maestro_github_requests_total\{method="GET",status="502"\} [1-9]/);
    expect(metrics).toMatch(/maestro_github_rate_limit_remaining\{resource="core"\} \d+/);
  });
});
