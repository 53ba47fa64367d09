/**
 * tuneV8ForAnalysis turns V8's top tier off at run time, in the calling thread and in workers
 * started later. V8 ignores some flags once it runs (--max-opt among them), so this pins that
 * the one we rely on still takes effect: a function V8 is told to optimise does not end up
 * TurboFan code, where without the tuning it does, and Maglev still optimises.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const TUNING = pathToFileURL(fileURLToPath(new URL("../../src/cli/v8-tuning.ts", import.meta.url))).href;

// %GetOptimizationStatus bits (V8's runtime-test.cc).
const MAGLEVVED = 1 << 5;
const TURBOFANNED = 1 << 6;

type Statuses = [topTier: number, maglev: number];

/**
 * The optimisation status of a function V8 was told to optimise (to its top tier), and of one
 * it was told to optimise with Maglev, here and in a worker.
 */
function statuses(tune: boolean): { main: Statuses; worker: Statuses } {
  const optimise = `
    function sum(values) { let total = 0; for (const value of values) total += value; return total; }
    %PrepareFunctionForOptimization(sum);
    sum([1, 2, 3]); sum([4, 5]);
    %OptimizeFunctionOnNextCall(sum);
    sum([6]);
    function product(values) { let total = 1; for (const value of values) total *= value; return total; }
    %PrepareFunctionForOptimization(product);
    product([1, 2, 3]); product([4, 5]);
    %OptimizeMaglevOnNextCall(product);
    product([6]);
    const status = [%GetOptimizationStatus(sum), %GetOptimizationStatus(product)];`;
  const script = `
    ${tune ? `(await import(${JSON.stringify(TUNING)})).tuneV8ForAnalysis();` : ""}
    const { Worker } = await import("node:worker_threads");
    ${optimise}
    const worker = new Worker(${JSON.stringify(`${optimise} process.getBuiltinModule("node:worker_threads").parentPort.postMessage(status);`)}, { eval: true });
    worker.once("message", (inWorker) => {
      console.log(JSON.stringify({ main: status, worker: inWorker }));
      void worker.terminate();
    });`;
  const run = spawnSync(process.execPath, ["--allow-natives-syntax", "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  expect(run.stderr).toBe("");
  return JSON.parse(run.stdout) as { main: Statuses; worker: Statuses };
}

describe("tuneV8ForAnalysis", () => {
  it("leaves optimised code at Maglev, in this thread and in workers started later", () => {
    const tuned = statuses(true);
    for (const [topTier, maglev] of [tuned.main, tuned.worker]) {
      expect(topTier & TURBOFANNED).toBe(0);
      expect(maglev & MAGLEVVED).toBe(MAGLEVVED);
    }
  });

  it("is what makes the difference: untuned, the same code ends up TurboFan code", () => {
    const untuned = statuses(false);
    expect(untuned.main[0] & TURBOFANNED).toBe(TURBOFANNED);
    expect(untuned.worker[0] & TURBOFANNED).toBe(TURBOFANNED);
  });
});
