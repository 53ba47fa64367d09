/**
 * Start-up: `maestro-hive check` on an empty git repository (no config, no files), as a user
 * runs it — a fresh process through bin/maestro-hive.js (the bundle under `npm run bench`,
 * MAESTRO_CLI_BUNDLE=1; the sources with MAESTRO_CLI_BUNDLE=0). One unmeasured run first
 * (Node's compile cache then holds our compiled code, as after any first use), then N rounds;
 * `node -e 0` is measured alongside as the floor. Target (issue 17): ≤ 150 ms wall, median.
 * Run: npm run bench -- startup  (BENCH_ROUNDS=n, default 15)
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OUR_CLI } from "./lib/depcruise.ts";
import {
  type ChildRun,
  describeSpread,
  finish,
  machine,
  NODE,
  rounds,
  runChild,
  spread,
  verdict,
} from "./lib/measure.ts";

const TARGET_MS = 150;
const count = rounds(15);
const dir = mkdtempSync(join(tmpdir(), "maestro-bench-empty-"));
try {
  execFileSync("git", ["init", "-q"], { cwd: dir });
  const form = process.env.MAESTRO_CLI_BUNDLE === "1" ? "bundle (dist/bundle)" : "TypeScript sources";
  console.log(`start-up; machine: ${machine()}; our CLI as: ${form}`);
  const env = { ...process.env, MAESTRO_CACHE_DIR: join(dir, ".cache") };
  const check = { command: NODE, args: [OUR_CLI, "check", dir], env };
  const help = { command: NODE, args: [OUR_CLI, "--help"], env };
  const floor = { command: NODE, args: ["-e", "0"], env };
  runChild(check);
  const runs: { check: ChildRun[]; help: ChildRun[]; floor: ChildRun[] } = { check: [], help: [], floor: [] };
  for (let round = 0; round < count; round++) {
    runs.floor.push(runChild(floor));
    runs.help.push(runChild(help));
    runs.check.push(runChild(check));
  }
  const row = (label: string, list: ChildRun[]) =>
    console.log(
      `  ${label.padEnd(34)} wall ${describeSpread(list.map((r) => r.wallMs))}, CPU ${describeSpread(
        list.map((r) => r.cpuMs),
      )}, peak RSS ${describeSpread(
        list.map((r) => r.maxRssMb),
        "MB",
      )} [${count} rounds]`,
    );
  row("node -e 0 (the floor)", runs.floor);
  row("maestro-hive --help", runs.help);
  row("maestro-hive check (empty repository)", runs.check);
  const median = spread(runs.check.map((r) => r.wallMs)).median;
  verdict(
    `check on an empty repository ≤ ${TARGET_MS} ms (wall, median)`,
    median <= TARGET_MS,
    `${Math.round(median)} ms${median <= TARGET_MS ? "" : ` — over by ${Math.round(median - TARGET_MS)} ms`}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
  finish();
}
