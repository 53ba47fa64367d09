/**
 * The GitHub app end to end on a 5,000-file TypeScript repository: the running app (PGlite,
 * pg-boss, workers), signed webhooks over HTTP, the contract-checked fake GitHub.
 *
 * 1. Without throttling (the tests' Octokit): the first pull request of a never-analysed
 *    repository (cold: tarballs of base and head), then WARM_ROUNDS (BENCH_ROUNDS, default 3)
 *    changing 50 other files each (warm: trees plus only the 50 new blobs, the extraction cache
 *    preloaded). From webhook to the job done (four check runs completed, the comment posted).
 * 2. With the Octokit the app ships (Probot's throttling — writes of an installation ≥ 1 s
 *    apart, comments ≥ 3 s — and retries, exactly as production configures them), pointed at
 *    the fake: after a cold pull request, WARM_ROUNDS warm ones (50 other files each), from
 *    webhook to the gate check run completed (what branch protection waits for) and to all
 *    four, with the workers' production poll interval (2 s; the recorded delivery wakes them, the
 *    poll is only the backstop). Measured twice in the same run: as the app publishes (check runs created completed
 *    when the result comes within MAESTRO_CHECKS_IN_PROGRESS_AFTER_MS) and with that window 0
 *    (runs shown in progress at once, then completed — close to the publication before issue 17,
 *    which created all four in progress and completed them after, 8 writes; with window 0 the runs
 *    not created yet when the result comes are created completed, so 6–8), for the ratio.
 *
 * Targets: warm < 3 s and ≤ 50 + 15 GitHub requests (1.); cold ≤ 10 requests to read the
 * repository (config, merge base, files, snapshots); publishing (check runs, the comment) is
 * counted separately; with production throttling, warm webhook → gate completed ≤ 5 s (median).
 */

import {
  type AppHarness,
  type HarnessOptions,
  pullRequestEvent,
  startAppHarness,
} from "../test/github/app-harness.ts";
import { createTestDatabase } from "../test/harness/db.ts";
import type { RecordedRequest } from "../test/harness/fake-github/index.ts";
import { GitRepo } from "../test/harness/git-repo.ts";
import { bigRepositoryFiles, changedServices } from "./lib/big-repository.ts";
import { describeSpread, finish, rounds, spread, verdict } from "./lib/measure.ts";

const INSTALLATION = 7;
const CHANGED = 50;
const WARM_ROUNDS = rounds(3);
const GATE = "Maestro gate";
const PUBLISH_OPERATIONS = new Set([
  "POST /repos/{owner}/{repo}/check-runs",
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
]);
const TOKEN = "POST /app/installations/{installation_id}/access_tokens";

interface PullRequestCase {
  readonly label: string;
  readonly number: number;
  readonly headRef: string;
  readonly headSha: string;
}

interface Figure {
  readonly label: string;
  /** Webhook sent → the job done (runs completed, comment posted, run recorded). */
  readonly ms: number;
  /** Webhook sent → the request completing the gate check run / the last of the four reached GitHub. */
  readonly gateMs: number;
  readonly allMs: number;
  /** Webhook sent → the job's first GitHub request (its installation token): queue pick-up. */
  readonly pickupMs: number;
  readonly total: number;
  readonly read: number;
  readonly publish: number;
  readonly writes: number;
  readonly blobs: number;
  readonly byOperation: Map<string, number>;
}

/** A repository with a base, a cold branch and `warm` warm branches, as pull requests 1, 2, … */
function setUp(h: AppHarness, warm: number): { cases: PullRequestCase[]; base: string } {
  h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
  const git = GitRepo.create({ defaultBranch: "main", worktree: false });
  const base = git.commit("initial", bigRepositoryFiles());
  h.gh.addRepo({ owner: "acme", name: "big", git, installationId: INSTALLATION });
  const cases: PullRequestCase[] = [];
  git.branch("cold", "main");
  cases.push({
    label: "cold",
    number: 1,
    headRef: "cold",
    headSha: git.commit("cold", changedServices(0, "cold", CHANGED)),
  });
  for (let i = 0; i < warm; i++) {
    const ref = `warm${i + 1}`;
    git.branch(ref, "main");
    const headSha = git.commit(ref, changedServices(100 + i * 2 * CHANGED, ref, CHANGED));
    cases.push({ label: warm === 1 ? "warm" : ref, number: i + 2, headRef: ref, headSha });
  }
  for (const c of cases)
    h.gh.addPullRequest({ owner: "acme", repo: "big", number: c.number, head: c.headRef, base: "main" });
  return { cases, base };
}

/** When the request that completed a check run reached the fake (a create with status completed, or the completing update). */
function completedAt(
  requests: readonly RecordedRequest[],
  run: { id: number; name: string },
  headSha: string,
) {
  const completing = requests.find((r) => {
    const body = r.body as { status?: string; name?: string; head_sha?: string; conclusion?: string };
    const completes = body?.status === "completed" || body?.conclusion !== undefined;
    if (!completes || r.status >= 300) return false;
    if (r.operation === "POST /repos/{owner}/{repo}/check-runs")
      return body.name === run.name && body.head_sha === headSha;
    return (
      r.operation === "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}" && r.path.endsWith(`/${run.id}`)
    );
  });
  if (!completing) throw new Error(`no request completed ${run.name} #${run.id}`);
  return completing.at;
}

async function deliverCase(h: AppHarness, c: PullRequestCase, base: string): Promise<Figure> {
  h.gh.resetRecording();
  const sentAt = Date.now();
  const started = performance.now();
  const pr = { owner: "acme", repo: "big", repoId: 42, baseSha: base, installationId: INSTALLATION };
  const delivered = await h.deliver(
    pullRequestEvent("opened", { ...pr, number: c.number, headRef: c.headRef, headSha: c.headSha }),
  );
  const ms = Math.round(performance.now() - started);
  const runs = h.gh.checkRuns({ owner: "acme", repo: "big", headSha: c.headSha });
  if (delivered.jobState !== "completed" || runs.length !== 4 || runs.some((r) => r.status !== "completed")) {
    throw new Error(`${c.label}: the analysis did not complete (${delivered.jobState})`);
  }
  const recorded = [...h.gh.requests].sort((a, b) => a.at - b.at);
  const done = runs.map((run) => ({ name: run.name, at: completedAt(recorded, run, c.headSha) }));
  const gate = done.find((d) => d.name === GATE)!;
  const requests = recorded.filter((r) => r.operation !== TOKEN);
  const publish = requests.filter((r) => PUBLISH_OPERATIONS.has(r.operation ?? ""));
  const byOperation = new Map<string, number>();
  for (const r of requests)
    byOperation.set(r.operation ?? r.path, (byOperation.get(r.operation ?? r.path) ?? 0) + 1);
  return {
    label: c.label,
    ms,
    gateMs: gate.at - sentAt,
    allMs: Math.max(...done.map((d) => d.at)) - sentAt,
    pickupMs: (recorded[0]?.at ?? sentAt) - sentAt,
    total: requests.length,
    read: requests.length - publish.length,
    publish: publish.length,
    writes: requests.filter((r) => r.method !== "GET").length,
    blobs: byOperation.get("GET /repos/{owner}/{repo}/git/blobs/{file_sha}") ?? 0,
    byOperation,
  };
}

function printFigure(f: Figure, what: string): void {
  console.log(
    `${f.label.padEnd(6)} webhook → ${what}: ${String(f.ms).padStart(6)} ms · gate completed ${f.gateMs} ms · all four ${f.allMs} ms · queue pick-up ${f.pickupMs} ms · GitHub requests ${f.total} (read ${f.read}, of which blobs ${f.blobs}; publish ${f.publish}; writes ${f.writes})`,
  );
  for (const [operation, count] of [...f.byOperation].sort())
    console.log(`         ${String(count).padStart(3)} ${operation}`);
}

/** One app on a fresh database: the cold pull request, then the warm ones, one after the other. */
async function scenario(options: HarnessOptions, warm: number, quietMs = 0): Promise<Figure[]> {
  const database = await createTestDatabase("pglite");
  const h = await startAppHarness(database, { workers: 1, ...options });
  try {
    const { cases, base } = setUp(h, warm);
    const figures: Figure[] = [];
    for (const c of cases) {
      figures.push(await deliverCase(h, c, base));
      // Let the throttle's write and comment slots of the previous pull request pass, as between real PRs.
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
    if (h.gh.violations.length > 0)
      throw new Error(`requests GitHub would refuse: ${JSON.stringify(h.gh.violations)}`);
    if (options.octokit !== "production") {
      const audits = await database.store.db
        .selectFrom("audit_events")
        .select("data")
        .where("kind", "=", "analysis.completed")
        .orderBy("seq")
        .execute();
      for (const [i, audit] of audits.entries()) {
        const data = audit.data as { timings?: Record<string, number>; snapshots?: unknown[] };
        const timings = data.timings ?? {};
        console.log(`${figures[i]?.label ?? i} snapshots: ${JSON.stringify(data.snapshots)}`);
        console.log(
          `${figures[i]?.label ?? i} phases (ms): ${Object.entries(timings)
            .map(([phase, ms]) => `${phase} ${Math.round(ms)}`)
            .join(", ")}`,
        );
      }
    }
    return figures;
  } finally {
    await h.stop();
    await database.close();
  }
}

async function main(): Promise<void> {
  console.log(`1. Octokit without throttling (the tests'), ${WARM_ROUNDS} warm pull requests:`);
  const fast = await scenario({ analysis: { retry: { attempts: 1, baseDelayMs: 10 } } }, WARM_ROUNDS);
  for (const f of fast) printFigure(f, "job done");
  const cold = fast[0]!;
  const warmFast = fast.slice(1);
  const warmMs = spread(warmFast.map((f) => f.ms)).median;
  console.log(`  warm webhook → job done: ${describeSpread(warmFast.map((f) => f.ms))}`);

  const production = (window?: number): HarnessOptions => ({
    octokit: "production",
    // The workers' own poll interval (2 s), not the tests' 0.5 s: pick-up must not lean on the poll.
    pollingIntervalSeconds: "production",
    analysis: { retry: { attempts: 1, baseDelayMs: 10 } },
    ...(window === undefined ? {} : { env: { MAESTRO_CHECKS_IN_PROGRESS_AFTER_MS: String(window) } }),
  });
  console.log(
    `\n2. Octokit as production configures it (throttling, retries), ${WARM_ROUNDS} warm pull requests each:`,
  );
  console.log("2a. runs shown in progress at once (MAESTRO_CHECKS_IN_PROGRESS_AFTER_MS=0):");
  const before = await scenario(production(0), WARM_ROUNDS, 3_500);
  for (const f of before) printFigure(f, "job done");
  console.log("2b. as the app publishes (default window):");
  const after = await scenario(production(), WARM_ROUNDS, 3_500);
  for (const f of after) printFigure(f, "job done");

  const warmBefore = before.slice(1);
  const warmAfter = after.slice(1);
  const line = (name: string, pick: (f: Figure) => number) => {
    const a = spread(warmAfter.map(pick));
    const b = spread(warmBefore.map(pick));
    console.log(
      `  warm ${name}: ${describeSpread(warmAfter.map(pick))} as published · ${describeSpread(warmBefore.map(pick))} in progress at once · ${(b.median / a.median).toFixed(2)}× faster`,
    );
    return a.median;
  };
  console.log("\nwith production throttling (median, min–max):");
  const gate = line("webhook → gate completed", (f) => f.gateMs);
  line("webhook → all four completed", (f) => f.allMs);
  line("webhook → job done (comment posted)", (f) => f.ms);
  line("queue pick-up", (f) => f.pickupMs);
  console.log(
    `  warm writes per pull request: ${warmAfter.map((f) => f.writes).join(", ")} as published · ${warmBefore.map((f) => f.writes).join(", ")} in progress at once`,
  );

  console.log("");
  const checks = [
    [`warm < 3000 ms (median of ${warmFast.length})`, warmMs < 3000, `${Math.round(warmMs)} ms`],
    [
      `warm ≤ 50 + 15 requests`,
      warmFast.every((f) => f.total <= 65),
      warmFast.map((f) => f.total).join(", "),
    ],
    [`cold ≤ 10 requests to read the repository`, cold.read <= 10, `${cold.read}`],
    [
      `production throttling: warm webhook → gate check completed ≤ 5000 ms (median of ${warmAfter.length})`,
      gate <= 5000,
      `${Math.round(gate)} ms`,
    ],
    [
      `production throttling: warm ≤ 50 + 15 requests`,
      warmAfter.every((f) => f.total <= 65),
      warmAfter.map((f) => f.total).join(", "),
    ],
  ] as const;
  for (const [name, ok, value] of checks) verdict(`app: ${name}`, ok, value);
}

await main();
finish();
