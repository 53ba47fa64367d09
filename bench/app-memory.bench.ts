/**
 * Memory of the app: resident memory of the app process and of its analysis sandbox children
 * (src/sandbox), read from /proc for the whole process tree.
 *
 * The app runs as in production (`npm start`'s startApp, the sandbox on, the embedded database —
 * or PostgreSQL when DATABASE_URL is set, whose server processes are not the app's and are not
 * counted) but in a process of its own (lib/app-process.ts): the fake GitHub (its OpenAPI
 * validator, its git processes, its records of every request), the repositories and the webhook
 * sender stay in this process, so none of their memory is counted as the app's.
 *
 * (a) One cold analysis of the 5,000-file repository (a never-analysed repository's first pull
 *     request: tarballs of base and head) by an app that has analysed before (one warm sandbox
 *     child): the tree sampled every 20 ms from the webhook to the job's end. Target: peak of
 *     app + children ≤ 300 MB. (Concurrent analyses each have a child: (b) shows two.)
 * (b) 1,000 analyses through the app (pull_request synchronize deliveries, each a new head
 *     commit of a small repository, LANES pull requests in parallel): after every SAMPLE_EVERY
 *     analyses a forced full GC in the app process, then the tree's resident memory. Target:
 *     flat, for the app process and for the largest child — see FLAT_MB.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pullRequestEvent } from "../test/github/app-harness.ts";
import { type FakeGitHub, startFakeGitHub } from "../test/harness/fake-github/index.ts";
import { GitRepo } from "../test/harness/git-repo.ts";
import { sendWebhook } from "../test/harness/webhooks.ts";
import {
  type AppProcess,
  buildApp,
  deployedMallocEnv,
  deployedNodeFlags,
  startAppProcess,
} from "./lib/app-process-client.ts";
import { BIG_REPOSITORY_CONFIG, bigRepositoryFiles, changedServices } from "./lib/big-repository.ts";
import { finish, machine, verdict } from "./lib/measure.ts";
import { processCpuMs, processMemory, sampleTree, treeMemory } from "./lib/process-memory.ts";

const INSTALLATION = 7;
const PEAK_TARGET_MB = 300;
const ANALYSES = Number(process.env.BENCH_ANALYSES ?? 1000);
/** Pull requests analysed side by side: keeps both workers of the app busy. */
const LANES = 4;
const SAMPLE_EVERY = 20;
/**
 * "Flat": the tree's resident memory at the 1,000th analysis at most 20 MB above the 100th
 * (each a mean of the samples around it, to damp allocator noise), and the regression slope
 * under 20 MB per 1,000 analyses. 20 MB over 900 analyses is ~22 KB an analysis: a leak of
 * anything an analysis holds per file, per finding or per request (a cache entry, a listener,
 * an Octokit) is larger than that, while V8 and the allocator settling after warm-up stay under
 * it. The first 100 analyses are warm-up (JIT, pools, caches filling up to their bounds).
 */
const FLAT_MB = 20;

interface Lane {
  readonly number: number;
  readonly branch: string;
  readonly heads: string[];
}

const mb = (value: number) => `${value.toFixed(0)} MB`;

async function deliver(app: AppProcess, options: Parameters<typeof pullRequestEvent>[1], action: string) {
  const deliveryId = randomUUID();
  const response = await sendWebhook({
    ...pullRequestEvent(action, options),
    deliveryId,
    url: app.webhookUrl,
    secret: app.secret,
  });
  if (response.status !== 202 && response.status !== 200)
    throw new Error(`webhook answered ${response.status}: ${response.body}`);
  return app.jobState(deliveryId);
}

function assertAnalysed(gh: FakeGitHub, repo: string, headSha: string, label: string): void {
  const runs = gh.checkRuns({ owner: "acme", repo, headSha });
  const done = runs.filter((run) => run.status === "completed" && run.output?.title !== "Analysis failed");
  if (runs.length !== 4 || done.length !== 4)
    throw new Error(
      `${label}: ${headSha} was not analysed: ${JSON.stringify(runs.map((r) => [r.status, r.conclusion, r.output?.title]))}`,
    );
}

/**
 * The app as it runs between analyses: one small analysis done (module code run, pools open,
 * one sandbox child warm, as the sandbox keeps one), then left idle for a second.
 */
async function warmUp(gh: FakeGitHub, app: AppProcess): Promise<void> {
  const git = GitRepo.create({ defaultBranch: "main", worktree: false });
  const base = git.commit("initial", smallRepository());
  gh.addRepo({ owner: "acme", name: "warm", git, installationId: INSTALLATION });
  git.branch("change", "main");
  const head = git.commit("change", laneHead(0, 1));
  gh.addPullRequest({ owner: "acme", repo: "warm", number: 1, head: "change", base: "main" });
  const pr = { owner: "acme", repo: "warm", repoId: 41, number: 1, headRef: "change", baseSha: base };
  const state = await deliver(app, { ...pr, headSha: head, installationId: INSTALLATION }, "opened");
  if (state !== "completed") throw new Error(`the warm-up analysis ended ${state}`);
  assertAnalysed(gh, "warm", head, "warm-up");
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

async function coldAnalysis(gh: FakeGitHub, app: AppProcess): Promise<void> {
  await warmUp(gh, app);
  const git = GitRepo.create({ defaultBranch: "main", worktree: false });
  const base = git.commit("initial", bigRepositoryFiles());
  gh.addRepo({ owner: "acme", name: "big", git, installationId: INSTALLATION });
  git.branch("cold", "main");
  const head = git.commit("cold change", changedServices(0, "cold", 50));
  gh.addPullRequest({ owner: "acme", repo: "big", number: 1, head: "cold", base: "main" });
  const before = treeMemory(app.pid);
  const cpuBefore: Record<number, number> = Object.fromEntries(
    [app.pid, ...before.children.map((c) => c.pid)].map((pid) => [pid, processCpuMs(pid) ?? 0]),
  );
  await app.usagePeaks();
  const sampler = sampleTree(app.pid, 20);
  const started = performance.now();
  const state = await deliver(
    app,
    {
      owner: "acme",
      repo: "big",
      repoId: 42,
      number: 1,
      headRef: "cold",
      headSha: head,
      baseSha: base,
      installationId: INSTALLATION,
    },
    "opened",
  );
  const ms = performance.now() - started;
  const peaks = await sampler.stop();
  if (state !== "completed") throw new Error(`the cold analysis ended ${state}`);
  assertAnalysed(gh, "big", head, "cold");
  const after = treeMemory(app.pid);
  const usage = await app.usagePeaks();
  console.log(
    `(a) cold analysis of 5,000 files (base + head tarballs), ${Math.round(ms)} ms, ${peaks.samples} samples every ${peaks.intervalMs.toFixed(0)} ms`,
  );
  console.log(
    `    before: app ${mb(before.root?.rssMb ?? 0)}, children ${before.children.length} (${mb(before.totalMb - (before.root?.rssMb ?? 0))})`,
  );
  console.log(
    `    peak:   app ${mb(peaks.peakRootMb)}, children ${mb(peaks.peakChildrenMb)} (up to ${peaks.maxChildren} processes), total ${mb(peaks.peakTotalMb)}`,
  );
  console.log(
    `    VmHWM:  ${Object.entries(peaks.hwmByPid)
      .map(([pid, hwm]) => `${Number(pid) === app.pid ? "app" : `child ${pid}`} ${mb(hwm)}`)
      .join(", ")}`,
  );
  console.log(
    `    CPU:    ${Object.entries(peaks.cpuMsByPid)
      .map(
        ([pid, ms]) =>
          `${Number(pid) === app.pid ? "app" : `child ${pid}`} ${Math.round(ms - (cpuBefore[Number(pid)] ?? 0))} ms`,
      )
      .join(", ")}`,
  );
  console.log(
    `    app's own peaks: ${["heapTotal", "heapUsed", "external", "arrayBuffers"].map((key) => `${key} ${mb((usage[key] ?? 0) / 2 ** 20)}`).join(", ")}`,
  );
  console.log(
    `    after:  app ${mb(after.root?.rssMb ?? 0)}, children ${after.children.length} (${mb(after.totalMb - (after.root?.rssMb ?? 0))})`,
  );
  verdict(
    `app memory: peak of app + sandbox children during a cold 5,000-file analysis ≤ ${PEAK_TARGET_MB} MB`,
    peaks.peakTotalMb <= PEAK_TARGET_MB,
    `${mb(peaks.peakTotalMb)} (app ${mb(peaks.peakRootMb)}, children ${mb(peaks.peakChildrenMb)})`,
  );
  git.cleanup();
}

/** A small layered repository; head k of a lane changes one service (odd k: a layering violation). */
function smallRepository(): Record<string, string> {
  const files: Record<string, string> = {
    ".github/maestro-hive.yml": BIG_REPOSITORY_CONFIG,
    "README.md": "# small\n",
  };
  for (let i = 0; i < 10; i++) {
    files[`src/ui/u${i}.ts`] =
      `import { s${i} } from "../services/s${i}";\nexport const u${i} = () => s${i}();\n`;
    files[`src/services/s${i}.ts`] =
      `import { d${i} } from "../data/d${i}";\nexport const s${i} = () => d${i};\n`;
    files[`src/data/d${i}.ts`] = `export const d${i} = ${i};\n`;
  }
  return files;
}

function laneHead(lane: number, k: number): Record<string, string> {
  const i = k % 10;
  const violation = k % 2 === 1 ? `import { u${i} } from "../ui/u${i}";\n` : "";
  return {
    [`src/services/s${i}.ts`]: `import { d${i} } from "../data/d${i}";\n${violation}export const s${i} = () => d${i} + ${lane * 100_000 + k};\n`,
  };
}

interface Sample {
  readonly analyses: number;
  readonly appMb: number;
  readonly childrenMb: number;
  /** The largest child's resident memory. */
  readonly maxChildMb: number;
  readonly children: number;
  readonly heapMb: number;
}

function row(s: Sample): string {
  return `    ${String(s.analyses).padStart(8)}   ${mb(s.appMb).padStart(7)}   ${mb(s.childrenMb).padStart(10)} (${s.children}, largest ${mb(s.maxChildMb)})   ${mb(s.appMb + s.childrenMb).padStart(6)}   ${mb(s.heapMb).padStart(6)}`;
}

function slopePerThousand(samples: readonly Sample[], value: (s: Sample) => number): number {
  const n = samples.length;
  const mx = samples.reduce((sum, s) => sum + s.analyses, 0) / n;
  const my = samples.reduce((sum, s) => sum + value(s), 0) / n;
  let num = 0;
  let den = 0;
  for (const s of samples) {
    num += (s.analyses - mx) * (value(s) - my);
    den += (s.analyses - mx) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 1000;
}

async function manyAnalyses(gh: FakeGitHub, app: AppProcess): Promise<void> {
  const git = GitRepo.create({ defaultBranch: "main", worktree: false });
  const base = git.commit("initial", smallRepository());
  gh.addRepo({ owner: "acme", name: "small", git, installationId: INSTALLATION });
  const perLane = Math.ceil(ANALYSES / LANES);
  const lanes: Lane[] = [];
  const preparing = performance.now();
  for (let l = 0; l < LANES; l++) {
    const branch = `lane${l}`;
    git.branch(branch, "main");
    const count = Math.min(perLane, ANALYSES - l * perLane);
    const heads = git.commits(
      Array.from({ length: count }, (_, k) => ({ message: `lane ${l} head ${k}`, files: laneHead(l, k) })),
    );
    // The pull request's branch starts at its first head; it is moved before each delivery.
    git.git("update-ref", `refs/heads/${branch}`, heads[0]!);
    gh.addPullRequest({ owner: "acme", repo: "small", number: 100 + l, head: branch, base: "main" });
    lanes.push({ number: 100 + l, branch, heads });
  }
  console.log(
    `(b) ${ANALYSES} analyses: ${LANES} pull requests × ${perLane} heads prepared in ${Math.round(performance.now() - preparing)} ms`,
  );

  console.log(
    "    analyses   app RSS   children RSS (n)   total    app heap used   (after a forced GC in the app)",
  );
  let done = 0;
  let nextSample = SAMPLE_EVERY;
  const samples: Sample[] = [];
  let sampling: Promise<void> = Promise.resolve();
  const sample = async (analyses: number) => {
    const usage = await app.gc();
    const tree = treeMemory(app.pid);
    const appMb = tree.root?.rssMb ?? 0;
    const taken: Sample = {
      analyses,
      appMb,
      childrenMb: tree.totalMb - appMb,
      maxChildMb: Math.max(0, ...tree.children.map((c) => c.rssMb)),
      children: tree.children.length,
      heapMb: usage.heapUsed / 2 ** 20,
    };
    samples.push(taken);
    if (analyses % 100 === 0) console.log(row(taken));
  };
  const started = performance.now();
  await Promise.all(
    lanes.map(async (lane, l) => {
      for (const [k, head] of lane.heads.entries()) {
        git.git("update-ref", `refs/heads/${lane.branch}`, head);
        const state = await deliver(
          app,
          {
            owner: "acme",
            repo: "small",
            repoId: 43,
            number: lane.number,
            headRef: lane.branch,
            headSha: head,
            baseSha: base,
            installationId: INSTALLATION,
          },
          k === 0 ? "opened" : "synchronize",
        );
        if (state !== "completed") throw new Error(`lane ${l} head ${k}: the job ended ${state}`);
        assertAnalysed(gh, "small", head, `lane ${l} head ${k}`);
        done++;
        if (done >= nextSample) {
          nextSample += SAMPLE_EVERY;
          const at = done;
          sampling = sampling.then(() => sample(at));
          await sampling;
        }
        if (done % 100 === 0) gh.resetRecording();
      }
    }),
  );
  await sampling;
  const seconds = (performance.now() - started) / 1000;
  const runs = (await app.runs()).filter((r) => r.repository === "acme/small");
  const completed = runs.find((r) => r.status === "completed")?.count ?? 0;
  console.log(
    `    ${done} analyses in ${seconds.toFixed(0)} s (${((seconds * 1000) / done).toFixed(0)} ms each, ${LANES} at a time); runs in the database: ${JSON.stringify(runs)}`,
  );
  if (Number(completed) !== ANALYSES)
    throw new Error(`expected ${ANALYSES} completed analysis runs, found ${completed}`);

  // Judged per process: the app's resident memory, and the largest child's. The sum swings by a
  // whole child (~80 MB) with how many children happen to be alive at a sample (concurrent
  // analyses start a second one, idle ones end, worn ones are replaced): that is the pool
  // working, not growth, and would hide or fake a trend of the long-lived app process.
  const total = (s: Sample) => s.appMb + s.childrenMb;
  const steady = samples.filter((s) => s.analyses >= 100);
  const around = (at: number, value: (s: Sample) => number) => {
    const near = samples.filter((s) => Math.abs(s.analyses - at) <= 2 * SAMPLE_EVERY);
    return near.reduce((sum, s) => sum + value(s), 0) / Math.max(1, near.length);
  };
  console.log(
    `    slope from the 100th analysis, MB per 1,000: total ${slopePerThousand(steady, total).toFixed(1)}, app RSS ${slopePerThousand(steady, (s) => s.appMb).toFixed(1)}, app heap ${slopePerThousand(steady, (s) => s.heapMb).toFixed(1)}, largest child ${slopePerThousand(steady, (s) => s.maxChildMb).toFixed(1)}`,
  );
  for (const [label, value] of [
    ["app process", (s: Sample) => s.appMb],
    ["largest sandbox child", (s: Sample) => s.maxChildMb],
  ] as const) {
    const first = around(Math.min(100, ANALYSES), value);
    const last = around(ANALYSES, value);
    const slope = slopePerThousand(steady, value);
    verdict(
      `app memory: ${label} flat over ${ANALYSES} analyses (growth from the 100th ≤ ${FLAT_MB} MB, slope ≤ ${FLAT_MB} MB per 1,000)`,
      last - first <= FLAT_MB && slope <= FLAT_MB,
      `${mb(first)} at 100 → ${mb(last)} at ${ANALYSES} (${last - first >= 0 ? "+" : ""}${(last - first).toFixed(1)} MB), slope ${slope.toFixed(1)} MB per 1,000`,
    );
  }
  git.cleanup();
}

async function main(): Promise<void> {
  console.log(`machine: ${machine()}`);
  // BENCH_APP_BUILD=0 reuses the last build (when only the bench changed).
  if (process.env.BENCH_APP_SOURCES !== "1" && process.env.BENCH_APP_BUILD !== "0") buildApp();
  const gh = await startFakeGitHub();
  gh.addInstallation({ id: INSTALLATION, account: "acme" });
  // The embedded database is created on the app's first start (initdb, in WebAssembly inside the
  // app process: ~1 GB at its peak, and not all of it returned). That happens once per
  // installation; every later start opens the existing database. The app is measured as it runs
  // after such a start, and the first start's figures are printed.
  const dataDir = mkdtempSync(join(tmpdir(), "maestro-bench-app-"));
  if (!process.env.DATABASE_URL) {
    const first = await startAppProcess(gh, { dataDir });
    const memory = processMemory(first.pid);
    console.log(
      `first start (creates the embedded database): app ${mb(memory?.rssMb ?? 0)} resident once started, ${mb(memory?.hwmMb ?? 0)} at its peak`,
    );
    await first.stop();
  }
  const app = await startAppProcess(gh, { dataDir });
  console.log(
    `app process ${app.pid} (${process.env.BENCH_APP_SOURCES === "1" ? "TypeScript sources" : "compiled"}, ${app.backend}, the image's flags: ${deployedNodeFlags().join(" ") || "none"}, its ${
      Object.entries(deployedMallocEnv())
        .map(([name, value]) => `${name}=${value}`)
        .join(" ") || "no malloc settings"
    }), sandbox ${process.env.MAESTRO_ANALYSIS_SANDBOX ?? "on"}`,
  );
  try {
    if (process.env.BENCH_PHASE !== "b") await coldAnalysis(gh, app);
    if (process.env.BENCH_PHASE !== "a") await manyAnalyses(gh, app);
    const violations = gh.unexpectedViolations();
    if (violations.length > 0)
      throw new Error(`requests GitHub would refuse: ${JSON.stringify(violations.slice(0, 3))}`);
  } finally {
    await app.stop();
    await gh.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
finish();
