/**
 * Resident memory of a process tree, read from Linux /proc: a process and every descendant
 * (for the app: its analysis sandbox children). VmRSS is the resident set now, VmHWM its
 * peak over the process's life. The sampler runs in a worker thread, so a busy event loop in
 * the bench (the fake GitHub serving the app) does not stretch the sampling interval.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

export interface ProcessMemory {
  readonly pid: number;
  /** Resident set now, MB. */
  readonly rssMb: number;
  /** Peak resident set of the process so far, MB. */
  readonly hwmMb: number;
}

function statusField(status: string, field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  return match ? Number(match[1]) / 1024 : 0;
}

/** The process's memory, or null once it has exited. */
export function processMemory(pid: number): ProcessMemory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return { pid, rssMb: statusField(status, "VmRSS"), hwmMb: statusField(status, "VmHWM") };
  } catch {
    return null;
  }
}

/** CPU time (user + system) the process has used so far, ms (clock ticks of 10 ms), or null once it has exited. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command (which may hold spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

/** Direct children of a process (from every one of its threads: any thread may fork). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return children;
  }
  for (const tid of tasks) {
    try {
      for (const child of readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" "))
        if (child.trim()) children.push(Number(child));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return children;
}

/** Every descendant of `root` (not root itself). */
export function descendants(root: number): number[] {
  const found: number[] = [];
  const queue = childrenOf(root);
  while (queue.length > 0) {
    const pid = queue.shift()!;
    found.push(pid);
    queue.push(...childrenOf(pid));
  }
  return found;
}

export interface TreeMemory {
  /** The root process (the app). */
  readonly root: ProcessMemory | null;
  /** Its descendants (the sandbox's analysis processes). */
  readonly children: readonly ProcessMemory[];
  readonly totalMb: number;
}

/** One reading of the tree. */
export function treeMemory(root: number): TreeMemory {
  const app = processMemory(root);
  const children = descendants(root)
    .map(processMemory)
    .filter((m): m is ProcessMemory => m !== null);
  const childrenMb = children.reduce((sum, m) => sum + m.rssMb, 0);
  return { root: app, children, totalMb: (app?.rssMb ?? 0) + childrenMb };
}

export interface TreePeaks {
  readonly samples: number;
  /** Mean interval between samples, ms. */
  readonly intervalMs: number;
  readonly peakRootMb: number;
  /** Highest sum of the children's resident sets in one sample. */
  readonly peakChildrenMb: number;
  /** Highest sum of root and children in one sample. */
  readonly peakTotalMb: number;
  /** Most children alive in one sample. */
  readonly maxChildren: number;
  /** Highest VmHWM seen per process (catches a peak between two samples of that process). */
  readonly hwmByPid: Readonly<Record<number, number>>;
  /** CPU time each process had used at its last sample, ms. */
  readonly cpuMsByPid: Readonly<Record<number, number>>;
}

/** Samples the tree under `root` every `intervalMs` until `stop()`, which resolves to the peaks. */
export function sampleTree(root: number, intervalMs = 20): { stop(): Promise<TreePeaks> } {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(new URL("./tree-sampler.ts", import.meta.url), {
    workerData: { root, intervalMs, flag },
  });
  const result = new Promise<TreePeaks>((resolve, reject) => {
    worker.once("message", (peaks: TreePeaks) => resolve(peaks));
    worker.once("error", reject);
  });
  return {
    async stop() {
      Atomics.store(new Int32Array(flag), 0, 1);
      Atomics.notify(new Int32Array(flag), 0);
      const peaks = await result;
      await worker.terminate();
      return peaks;
    },
  };
}
