/**
 * Suppression matching: the compiled matcher against the naive pairwise reference, on
 * generated findings spread over a realistic tree (several findings per file, files in
 * nested directories, a mix of every level and pattern type, rule filters and thresholds).
 *
 *   A. 10,000 findings × 80 suppressions (target < 10 ms)
 *   B. 1,000,000 findings × 1,000 suppressions (target < 2 s)
 *
 * Times include compiling the set and applying it (marking every finding and counting
 * usage), as the pipeline does. The naive matcher is measured in the same run and the same way
 * (warmed up, repeated, median and spread); for B it runs on a 10,000-finding sample and is
 * extrapolated linearly (stated in the output). Both matchers must pick the same suppression
 * for every finding measured, or the bench fails; a missed target exits non-zero.
 */
import type { Finding } from "../src/core/findings.ts";
import {
  applySuppressions,
  compileSuppressions,
  naiveMatcher,
  type PatternType,
  type Suppression,
  type SuppressionLevel,
} from "../src/core/suppress/index.ts";
import { describeSpread, finish, machine, spread, verdict } from "./lib/measure.ts";

const NOW = new Date("2026-06-01T00:00:00Z");
const DAY = 86_400_000;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Workload {
  readonly findings: Finding[];
  readonly suppressions: Suppression[];
}

function workload(findingCount: number, suppressionCount: number, seed: number): Workload {
  const rand = random(seed);
  const int = (n: number) => Math.floor(rand() * n);
  const fileCount = Math.max(200, Math.floor(findingCount / 10));
  const directoryCount = Math.max(40, Math.floor(fileCount / 20));
  const roots = ["src", "lib", "app", "packages", "services"];
  const directories = Array.from({ length: directoryCount }, (_, i) => {
    const depth = 1 + (i % 4);
    const parts = [roots[i % roots.length]!];
    for (let d = 1; d < depth; d += 1) parts.push(`m${(i * 31 + d * 7) % 97}`);
    parts.push(`d${i}`);
    return parts.join("/");
  });
  const files = Array.from(
    { length: fileCount },
    (_, i) => `${directories[i % directoryCount]}/f${i}.${i % 3 ? "ts" : "py"}`,
  );
  const rules = Array.from({ length: 20 }, (_, i) => (i === 0 ? "coupling" : `rule-${i}`));
  // Emitted file by file, as an analysis does (several findings per file, in file order).
  const findings: Finding[] = [];
  for (let i = 0; findings.length < findingCount; i += 1) {
    const file = files[i % files.length]!;
    const perFile = 1 + int(19);
    for (let k = 0; k < perFile && findings.length < findingCount; k += 1) {
      const rule = rules[int(rules.length)]!;
      findings.push({
        id: `f${findings.length.toString(16).padStart(10, "0")}`,
        stream: "acc",
        rule,
        type: rule === "coupling" ? "coupling" : "must-not-call",
        severity: "error",
        file,
        line: 1 + int(300),
        target: files[int(files.length)]!,
        message: `${file} violates ${rule}`,
        ...(rule === "coupling" ? { value: int(40) } : {}),
      });
    }
  }

  // Share of each (level, pattern type), roughly what a mature repository accumulates.
  const mix: Array<[SuppressionLevel, PatternType, number]> = [
    ["violation", "exact", 0.4],
    ["file", "exact", 0.15],
    ["file", "glob", 0.13],
    ["file", "regex", 0.02],
    ["directory", "exact", 0.12],
    ["directory", "glob", 0.07],
    ["directory", "regex", 0.01],
    ["rule", "exact", 0.05],
    ["rule", "glob", 0.05],
  ];
  const suppressions: Suppression[] = [];
  for (const [level, patternType, share] of mix) {
    const count = Math.max(1, Math.round(share * suppressionCount));
    for (let k = 0; k < count && suppressions.length < suppressionCount; k += 1) {
      const file = files[int(files.length)]!;
      const directory = directories[int(directories.length)]!;
      const pattern = (() => {
        switch (`${level}/${patternType}`) {
          case "violation/exact":
            return findings[int(findings.length)]!.id;
          case "file/exact":
            return file;
          case "file/glob":
            return `${directory}/**/*.${k % 2 ? "ts" : "py"}`;
          case "file/regex":
            return `${directory.split("/")[0]}/m${k % 97}/.*\\.py`;
          case "directory/exact":
            return directory;
          case "directory/glob":
            return `${directory.split("/").slice(0, 2).join("/")}/*`;
          case "directory/regex":
            return `(lib|app)/m${k % 97}`;
          // Most rule-level entries name rules that no longer fire; a few match real ones.
          case "rule/exact":
            return k === 0 ? "rule-19" : `retired-rule-${k}`;
          default:
            return k === 0 ? "rule-18*" : `legacy-*-${k}`;
        }
      })();
      suppressions.push({
        id: `s${suppressions.length.toString().padStart(4, "0")}`,
        level,
        pattern,
        patternType,
        rule: level !== "rule" && rand() < 0.2 ? rules[int(rules.length)]! : null,
        stream: null,
        threshold: rand() < 0.05 ? 20 : null,
        expires: rand() < 0.05 ? new Date(NOW.getTime() - DAY) : new Date(NOW.getTime() + 30 * DAY),
        permanent: false,
        justification: "bench",
        author: null,
        createdAt: NOW,
        lastUsedAt: null,
        useCount: 0,
        source: "cli",
        ticket: null,
        adr: null,
      });
    }
  }
  return { findings, suppressions };
}

/** Wall time, and CPU time of this process (user + system): on a shared, busy machine the CPU time is the fairer figure. */
function timed<T>(run: () => T): { ms: number; cpuMs: number; result: T } {
  // The previous run's garbage is not this run's cost (npm run bench passes --expose-gc).
  (globalThis as { gc?: () => void }).gc?.();
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = run();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, result };
}

const median = (values: number[]): number => spread(values).median;

function compiledRun({ findings, suppressions }: Workload) {
  return applySuppressions(findings, compileSuppressions(suppressions, { now: NOW }));
}

function naiveRun(findings: readonly Finding[], suppressions: readonly Suppression[]): (string | null)[] {
  const match = naiveMatcher(suppressions, NOW);
  return findings.map((finding) => match(finding)?.id ?? null);
}

function assertSame(fast: readonly (string | null)[], slow: readonly (string | null)[], label: string): void {
  for (let i = 0; i < slow.length; i += 1) {
    if (fast[i] !== slow[i])
      throw new Error(`${label}: finding ${i}: compiled ${fast[i]} ≠ naive ${slow[i]}`);
  }
}

const fmt = (ms: number) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;

console.log(`machine: ${machine()} (wall times inflate when the load exceeds the CPU count)`);

// A. 10,000 × 80: both matchers warmed up, then 21 timed runs each, alternating.
{
  const load = workload(10_000, 80, 225);
  for (let i = 0; i < 5; i += 1) {
    compiledRun(load);
    naiveRun(load.findings, load.suppressions);
  }
  const compiledIds = compiledRun(load).findings.map((finding) => finding.suppressionId);
  const compiledRuns: { ms: number; cpuMs: number }[] = [];
  const naiveRuns: { ms: number; cpuMs: number }[] = [];
  for (let i = 0; i < 21; i += 1) {
    compiledRuns.push(timed(() => compiledRun(load).usage.size));
    const naive = timed(() => naiveRun(load.findings, load.suppressions));
    if (i === 0) assertSame(compiledIds, naive.result, "A");
    naiveRuns.push(naive);
  }
  const compiledMs = median(compiledRuns.map((run) => run.ms));
  const compiledCpu = median(compiledRuns.map((run) => run.cpuMs));
  const naiveMs = median(naiveRuns.map((run) => run.ms));
  const naiveCpu = median(naiveRuns.map((run) => run.cpuMs));
  const suppressed = compiledIds.filter((id) => id !== null).length;
  const row = (runs: { ms: number; cpuMs: number }[]) =>
    `wall ${describeSpread(runs.map((run) => run.ms))}, CPU ${describeSpread(runs.map((run) => run.cpuMs))}`;
  console.log("A. 10,000 findings × 80 suppressions (compile + apply; warmed up; 21 runs each, alternating)");
  console.log(`   compiled matcher:       ${row(compiledRuns)}`);
  console.log(`   naive pairwise matcher: ${row(naiveRuns)}`);
  console.log(
    `   ratio naive / compiled (medians, this run): ${(naiveMs / compiledMs).toFixed(0)}× wall, ${(naiveCpu / compiledCpu).toFixed(0)}× CPU`,
  );
  console.log(`   suppressed ${suppressed} of 10,000; both matchers agree on every finding`);
  verdict(
    "suppressions A: 10,000 × 80 < 10 ms (median; CPU time when the machine is loaded)",
    Math.min(compiledMs, compiledCpu) < 10,
    `${fmt(compiledMs)} wall, ${fmt(compiledCpu)} CPU`,
  );
}

// B. 1,000,000 × 1,000
{
  const load = workload(1_000_000, 1_000, 1000);
  compiledRun(workload(50_000, 1_000, 7)); // warm-up on a different set
  // Keep only the decisions of one run, so retained results do not weigh on later runs' GC.
  const decisions = compiledRun(load).findings.map((finding) => finding.suppressionId);
  const runs = Array.from({ length: 3 }, () => timed(() => compiledRun(load).usage.size));
  const compiledMs = median(runs.map((run) => run.ms));
  const compiledCpu = median(runs.map((run) => run.cpuMs));
  const sampleSize = 10_000;
  const stride = load.findings.length / sampleSize;
  const sample = Array.from({ length: sampleSize }, (_, i) => load.findings[Math.floor(i * stride)]!);
  naiveRun(sample.slice(0, 1000), load.suppressions); // warm-up
  const naiveRuns = Array.from({ length: 3 }, () => timed(() => naiveRun(sample, load.suppressions)));
  const naive = {
    ms: median(naiveRuns.map((run) => run.ms)),
    cpuMs: median(naiveRuns.map((run) => run.cpuMs)),
  };
  const naiveExtrapolated = naive.ms * (load.findings.length / sampleSize);
  assertSame(
    sample.map((_, i) => decisions[Math.floor(i * stride)]!),
    naiveRuns[0]!.result,
    "B",
  );
  const suppressed = decisions.filter((id) => id !== null).length;
  // Worst case: the same findings in random order, so consecutive findings never share a
  // file. They are copied in that order, as an analysis would allocate them, so the figure
  // measures the matcher rather than a heap walked at random.
  const shuffle = random(99);
  const order = load.findings.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(shuffle() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const shuffled = order.map((i) => ({ ...load.findings[i]! }));
  const shuffledRun = timed(
    () => compiledRun({ findings: shuffled, suppressions: load.suppressions }).usage.size,
  );
  console.log("B. 1,000,000 findings × 1,000 suppressions (100,000 files)");
  console.log(
    `   compiled matcher (compile + apply, 3 runs): wall ${describeSpread(runs.map((run) => run.ms))}, CPU ${describeSpread(runs.map((run) => run.cpuMs))}   target < 2,000 ms`,
  );
  console.log(
    `   naive pairwise matcher (3 runs): wall ${describeSpread(naiveRuns.map((run) => run.ms))} on a ${sampleSize.toLocaleString("en")}-finding sample, median extrapolated ×${load.findings.length / sampleSize} → ${fmt(naiveExtrapolated)}`,
  );
  console.log(
    `   ratio naive (extrapolated) / compiled:             ${(naiveExtrapolated / compiledMs).toFixed(0)}× wall, ${((naive.cpuMs * (load.findings.length / sampleSize)) / compiledCpu).toFixed(0)}× CPU`,
  );
  console.log(
    `   worst case, findings shuffled (no two in a row share a file): ${fmt(shuffledRun.ms)} wall, ${fmt(shuffledRun.cpuMs)} CPU`,
  );
  console.log(
    `   suppressed ${suppressed.toLocaleString("en")} of 1,000,000; both matchers agree on the whole sample`,
  );
  verdict(
    "suppressions B: 1,000,000 × 1,000 < 2 s (median; CPU time when the machine is loaded)",
    Math.min(compiledMs, compiledCpu) < 2000,
    `${fmt(compiledMs)} wall, ${fmt(compiledCpu)} CPU`,
  );
}
finish();
