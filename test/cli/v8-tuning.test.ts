/**
 * tuneV8ForAnalysis changes V8's tiering at run time, in the calling thread and in workers
 * started later. V8 ignores some flags once it runs (--max-opt among them), so this pins that
 * the ones we rely on still take effect, each against a control run without the tuning:
 * - no on-stack replacement: a long loop in a function called once stays in baseline code,
 *   where untuned V8 replaces it with optimised code while it runs;
 * - a bigger budget before TurboFan: a function called 2,000 times is Maglev code, where
 *   untuned it is TurboFan code (and tuned it still gets there, later).
 * TurboFan compiles synchronously here (--no-concurrent-recompilation), so the tier a function
 * has reached does not depend on how busy the machine is.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const TUNING = pathToFileURL(fileURLToPath(new URL("../../src/cli/v8-tuning.ts", import.meta.url))).href;

// %GetOptimizationStatus bits (V8's runtime-test.cc).
const MAGLEVVED = 1 << 5;
const TURBOFANNED = 1 << 6;
const TOPMOST_FRAME_IS_TURBOFANNED = 1 << 12;
const TOPMOST_FRAME_IS_BASELINE = 1 << 17;
const TOPMOST_FRAME_IS_MAGLEV = 1 << 19;

interface Tiers {
  /** The status seen from inside a long loop of a function called once (its topmost frame). */
  readonly longLoop: number;
  /** The status of a small function after that many calls. */
  readonly calledMany: Record<string, number>;
}

/** The tiers reached here and in a worker thread started afterwards. */
function tiers(tune: boolean): { main: Tiers; worker: Tiers } {
  const probe = `
    function longLoop() {
      let sum = 0, status = 0;
      for (let i = 0; i < 5e6; i++) { sum += i; if (i === 5e6 - 1) status = %GetOptimizationStatus(longLoop); }
      return status;
    }
    const calledMany = {};
    for (const calls of [2000, 8000]) {
      const square = new Function("n", "let s = 0; for (let i = 0; i < n; i++) s += i * i; return s;");
      for (let call = 0; call < calls; call++) square(10);
      calledMany[calls] = %GetOptimizationStatus(square);
    }
    const tiers = { longLoop: longLoop(), calledMany };`;
  const script = `
    ${tune ? `(await import(${JSON.stringify(TUNING)})).tuneV8ForAnalysis();` : ""}
    const { Worker } = await import("node:worker_threads");
    ${probe}
    const worker = new Worker(${JSON.stringify(`${probe} process.getBuiltinModule("node:worker_threads").parentPort.postMessage(tiers);`)}, { eval: true });
    worker.once("message", (inWorker) => {
      console.log(JSON.stringify({ main: tiers, worker: inWorker }));
      void worker.terminate();
    });`;
  const run = spawnSync(
    process.execPath,
    ["--allow-natives-syntax", "--no-concurrent-recompilation", "--input-type=module", "-e", script],
    { encoding: "utf8" },
  );
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as { main: Tiers; worker: Tiers };
}

describe("tuneV8ForAnalysis", () => {
  it("keeps long loops from being replaced while they run, and TurboFan for the hottest code", () => {
    const tuned = tiers(true);
    for (const thread of [tuned.main, tuned.worker]) {
      expect(thread.longLoop & TOPMOST_FRAME_IS_BASELINE).toBe(TOPMOST_FRAME_IS_BASELINE);
      expect(thread.longLoop & (TOPMOST_FRAME_IS_MAGLEV | TOPMOST_FRAME_IS_TURBOFANNED)).toBe(0);
      expect(thread.calledMany["2000"]! & (MAGLEVVED | TURBOFANNED)).toBe(MAGLEVVED);
      expect(thread.calledMany["8000"]! & TURBOFANNED).toBe(TURBOFANNED);
    }
  });

  it("is what makes the difference: untuned, the loop is replaced and the function is TurboFan code sooner", () => {
    const untuned = tiers(false);
    for (const thread of [untuned.main, untuned.worker]) {
      expect(thread.longLoop & (TOPMOST_FRAME_IS_MAGLEV | TOPMOST_FRAME_IS_TURBOFANNED)).not.toBe(0);
      expect(thread.calledMany["2000"]! & TURBOFANNED).toBe(TURBOFANNED);
    }
  });
});
