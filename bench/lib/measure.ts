/**
 * Shared measurement for the benchmarks that compare us with a peer tool: each side runs as
 * a fresh child process (cold: nothing cached in memory, our disk cache pointed at an empty
 * directory), rounds alternate peer/ours so slow phases of a shared machine hit both, and
 * every figure is printed as median with its spread (min–max). Wall time and CPU time
 * (user + system of the child, from GNU time's rusage) are both reported: on a loaded
 * machine the wall time swings with other processes, the CPU time much less.
 *
 * A comparison ends in PASS or FAIL against its target; `failed()` tells the bench to exit
 * non-zero, so `npm run bench` fails when any target is missed.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";

export interface ChildRun {
  readonly wallMs: number;
  /** user + system CPU of the child and its waited-for descendants; NaN without GNU time. */
  readonly cpuMs: number;
  /** Peak resident set of the child (kB as reported by the kernel, converted to MB); NaN without GNU time. */
  readonly maxRssMb: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ChildCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Exit codes that count as success (default [0]). */
  readonly okStatus?: readonly number[];
}

const GNU_TIME = "/usr/bin/time";
export const hasGnuTime = existsSync(GNU_TIME);

/** Runs one child to completion and measures it. Throws when it exits with an unexpected status. */
export function runChild(child: ChildCommand): ChildRun {
  const scratch = mkdtempSync(join(tmpdir(), "maestro-bench-time-"));
  const timeFile = join(scratch, "rusage");
  try {
    const [command, args] = hasGnuTime
      ? [GNU_TIME, ["-f", "%e %U %S %M", "-o", timeFile, child.command, ...child.args]]
      : [child.command, [...child.args]];
    const started = performance.now();
    const result = spawnSync(command, args, {
      cwd: child.cwd,
      env: child.env ?? process.env,
      encoding: "utf8",
      maxBuffer: 1024 * 1024 * 1024,
    });
    const wallMs = performance.now() - started;
    if (result.error) throw result.error;
    const ok = child.okStatus ?? [0];
    if (!ok.includes(result.status ?? -1)) {
      throw new Error(
        `${child.command} ${child.args.join(" ")} exited with ${result.status ?? result.signal}:\n${result.stderr.slice(-2000)}`,
      );
    }
    let cpuMs = Number.NaN;
    let maxRssMb = Number.NaN;
    if (hasGnuTime) {
      // GNU time writes "Command exited with non-zero status N" first when the child failed.
      const last = readFileSync(timeFile, "utf8").trim().split("\n").at(-1) ?? "";
      const [, user, system, rssKb] = last.split(" ").map(Number);
      cpuMs = ((user ?? Number.NaN) + (system ?? Number.NaN)) * 1000;
      maxRssMb = (rssKb ?? Number.NaN) / 1024;
    }
    return { wallMs, cpuMs, maxRssMb, status: result.status, stdout: result.stdout, stderr: result.stderr };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

export const rounds = (fallback: number): number => {
  const value = Number(process.env.BENCH_ROUNDS);
  return Number.isInteger(value) && value > 0 ? value : fallback;
};

const fmtMs = (ms: number) => (Number.isNaN(ms) ? "n/a" : `${Math.round(ms).toLocaleString("en-US")} ms`);
const fmtMb = (mb: number) => (Number.isNaN(mb) ? "n/a" : `${mb.toFixed(0)} MB`);

export function describeSpread(values: readonly number[], unit: "ms" | "MB" = "ms"): string {
  const f = unit === "ms" ? fmtMs : fmtMb;
  if (values.some(Number.isNaN)) return "n/a (no /usr/bin/time)";
  const s = spread(values);
  return `${f(s.median)} (${f(s.min)}–${f(s.max)})`;
}

let failures = 0;
const results: string[] = [];

/** Records one target: prints PASS/FAIL with the figure and by how much it missed. */
export function verdict(name: string, ok: boolean, detail: string): boolean {
  const line = `${ok ? "PASS" : "FAIL"} ${name}: ${detail}`;
  console.log(`  ${line}`);
  results.push(line);
  if (!ok) failures++;
  return ok;
}

/** Prints a comparison's verdicts again at the end and sets the exit code. */
export function finish(): void {
  if (results.length > 0) console.log(`\nsummary:\n${results.map((line) => `  ${line}`).join("\n")}`);
  if (failures > 0) process.exitCode = 1;
}

export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  return (
    `${availableParallelism()} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, Node ${process.version}, ` +
    `load average ${loadavg()
      .map((n) => n.toFixed(1))
      .join(" ")} at ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`
  );
}

export interface Side {
  readonly label: string;
  readonly runs: ChildRun[];
}

/**
 * Runs `peer` and `ours` alternately for `count` rounds (each with its own fresh state from
 * `prepare`), prints each side's median and spread of wall time, CPU time and peak RSS, and
 * the ratios peer/ours of the medians measured in this run.
 */
export function compareCold(options: {
  readonly count: number;
  /** How the rounds are described in the output (default "cold rounds"). */
  readonly what?: string;
  readonly peer: { label: string; command: () => ChildCommand };
  readonly ours: { label: string; command: () => ChildCommand };
  /** Called before every run of either side (e.g. to empty a cache directory). */
  readonly prepare?: () => void;
}): { peer: Side; ours: Side; wallRatio: number; cpuRatio: number } {
  const peer: Side = { label: options.peer.label, runs: [] };
  const ours: Side = { label: options.ours.label, runs: [] };
  for (let round = 0; round < options.count; round++) {
    const order = round % 2 === 0 ? [peer, ours] : [ours, peer];
    for (const side of order) {
      options.prepare?.();
      const command = side === peer ? options.peer.command() : options.ours.command();
      side.runs.push(runChild(command));
    }
  }
  const width = Math.max(peer.label.length, ours.label.length);
  for (const side of [peer, ours]) {
    console.log(
      `    ${side.label.padEnd(width)}  wall ${describeSpread(side.runs.map((r) => r.wallMs))}, ` +
        `CPU ${describeSpread(side.runs.map((r) => r.cpuMs))}, ` +
        `peak RSS ${describeSpread(
          side.runs.map((r) => r.maxRssMb),
          "MB",
        )}  [${options.count} ${options.what ?? "cold rounds"}]`,
    );
  }
  const wallRatio =
    spread(peer.runs.map((r) => r.wallMs)).median / spread(ours.runs.map((r) => r.wallMs)).median;
  const cpuRatio =
    spread(peer.runs.map((r) => r.cpuMs)).median / spread(ours.runs.map((r) => r.cpuMs)).median;
  console.log(
    `    ratio ${peer.label} / ${ours.label} (medians, this run): ${wallRatio.toFixed(1)}× wall, ` +
      `${Number.isNaN(cpuRatio) ? "n/a" : `${cpuRatio.toFixed(1)}×`} CPU`,
  );
  return { peer, ours, wallRatio, cpuRatio };
}

/** The node binary of this process (Node 24 from the devDependency under `npm run`). */
export const NODE = process.execPath;
