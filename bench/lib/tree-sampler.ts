/**
 * Worker thread of `sampleTree` (process-memory.ts): reads the tree's memory every interval
 * (sleeping with Atomics.wait) until the shared flag turns 1, then posts the peaks.
 */
import { parentPort, workerData } from "node:worker_threads";
import { descendants, processCpuMs, processMemory, type TreePeaks } from "./process-memory.ts";

const { root, intervalMs, flag } = workerData as {
  root: number;
  intervalMs: number;
  flag: SharedArrayBuffer;
};
const stop = new Int32Array(flag);
let samples = 0;
let peakRootMb = 0;
let peakChildrenMb = 0;
let peakTotalMb = 0;
let maxChildren = 0;
const hwmByPid: Record<number, number> = {};
const cpuMsByPid: Record<number, number> = {};
const cpu = (pid: number) => {
  const ms = processCpuMs(pid);
  if (ms !== null) cpuMsByPid[pid] = ms;
};
const started = performance.now();
while (Atomics.load(stop, 0) === 0) {
  const app = processMemory(root);
  if (app) {
    hwmByPid[root] = Math.max(hwmByPid[root] ?? 0, app.hwmMb);
    cpu(root);
    let childrenMb = 0;
    let count = 0;
    for (const pid of descendants(root)) {
      const m = processMemory(pid);
      if (!m) continue;
      childrenMb += m.rssMb;
      count++;
      hwmByPid[pid] = Math.max(hwmByPid[pid] ?? 0, m.hwmMb);
      cpu(pid);
    }
    samples++;
    peakRootMb = Math.max(peakRootMb, app.rssMb);
    peakChildrenMb = Math.max(peakChildrenMb, childrenMb);
    peakTotalMb = Math.max(peakTotalMb, app.rssMb + childrenMb);
    maxChildren = Math.max(maxChildren, count);
  }
  Atomics.wait(stop, 0, 0, intervalMs);
}
const peaks: TreePeaks = {
  samples,
  intervalMs: samples > 0 ? (performance.now() - started) / samples : 0,
  peakRootMb,
  peakChildrenMb,
  peakTotalMb,
  maxChildren,
  hwmByPid,
  cpuMsByPid,
};
parentPort?.postMessage(peaks);
