/**
 * Runs the engine on untrusted code in child processes, so that nothing the analysed code does
 * to the parser can take the app down: a native crash (oxc on deeply nested input), a runaway
 * computation or a memory blow-up kills one child, never the web server and the workers.
 *
 * Each analysis gets a wall-clock budget and a memory budget (V8's old-space limit in the child,
 * plus a resident-memory watchdog here); a child that breaks one is killed and replaced. An
 * analysis is tried `attempts` times, then it fails with AnalysisAborted, naming the file the
 * child announced it was parsing (protocol.ts). Idle children are kept warm, up to `processes`.
 * A child is recycled (ended, and a fresh one warmed in its place) after `jobsPerProcess`
 * analyses, or when it goes idle holding more than `idleResidentMb`: V8 keeps the heap a large
 * repository grew, and whatever a long-lived process accumulates never reaches the next jobs.
 * One idle child stays warm; more (after concurrent analyses) end after `idleMs` without work.
 * Children get an empty environment but for the C allocator's tuning (allocatorSettings): no secret
 * of the app reaches code that parses hostile input.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "pino";
import type { ExtractResult } from "../core/acc/model.ts";
import type { AnalysisResult } from "../core/analysis-result.ts";
import { NonRetryableError } from "../github/retry.ts";
import {
  type AnalyseRequest,
  type ChildMessage,
  PARSED_LINE,
  PARSING_PREFIX,
  type SandboxInput,
} from "./protocol.ts";

export interface SandboxSettings {
  /** Wall-clock budget of one analysis attempt, in milliseconds. */
  readonly timeBudgetMs: number;
  /** V8 heap (old space) limit of a child, in MB. */
  readonly heapMb: number;
  /** Resident memory of a child above which it is killed, in MB. */
  readonly residentMb: number;
  /** Idle children kept for the next analyses. */
  readonly processes: number;
  /** Attempts per analysis before it is given up. */
  readonly attempts: number;
  /** Analyses a child runs before it is replaced by a fresh one. */
  readonly jobsPerProcess: number;
  /** Resident memory of a child after an analysis above which it is replaced rather than kept idle, in MB. */
  readonly idleResidentMb: number;
  /** An idle child beyond the first is ended after this long without work, in milliseconds. */
  readonly idleMs: number;
}

export const DEFAULT_SANDBOX_SETTINGS: SandboxSettings = {
  timeBudgetMs: 180_000,
  heapMb: 1536,
  residentMb: 2048,
  processes: 2,
  attempts: 2,
  jobsPerProcess: 200,
  idleResidentMb: 256,
  idleMs: 60_000,
};

/**
 * V8's young generation (two semi-spaces) is sized for throughput: up to 32 MB each, resident
 * once touched, and parsing thousands of files touches all of it. 4 MB semi-spaces cost no
 * measurable CPU on a 5,000-file analysis and keep ~20 MB per child off the peak (bench/app-memory).
 */
const SEMI_SPACE_MB = 4;

export type SandboxFailureKind = "crashed" | "time" | "memory";

/** One attempt that ended without a result. */
export class SandboxFailure extends Error {
  readonly kind: SandboxFailureKind;
  /** The file being parsed when it happened, when the child had announced one. */
  readonly file: string | null;
  constructor(kind: SandboxFailureKind, file: string | null, message: string) {
    super(message);
    this.kind = kind;
    this.file = file;
  }
}

/** Every attempt failed: the change cannot be analysed (not retried by the job either). */
export class AnalysisAborted extends NonRetryableError {
  readonly kind: SandboxFailureKind;
  readonly file: string | null;
  readonly attempts: number;
  constructor(last: SandboxFailure, attempts: number) {
    const where = last.file === null ? "" : ` while parsing ${last.file}`;
    super(`the analysis ${last.message}${where} (${attempts} attempt${attempts === 1 ? "" : "s"})`);
    this.kind = last.kind;
    this.file = last.file;
    this.attempts = attempts;
  }
}

export interface SandboxCache {
  /** Entries already known (from the database). */
  readonly entries: ReadonlyMap<string, ExtractResult>;
  /** Takes what the child extracted. */
  set(key: string, value: ExtractResult): void;
}

/** The child module next to this one, in whatever form this one runs (.ts sources, .js build, .mjs bundle). */
const CHILD_ENTRY = fileURLToPath(
  new URL(`./child${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);
const START_TIMEOUT_MS = 60_000;
const WATCH_INTERVAL_MS = 200;
const STDERR_TAIL = 4096;

interface Attempt {
  onMessage(message: ChildMessage): void;
  onClose(code: number | null, signal: NodeJS.Signals | null): void;
}

/** One child process and what it told us. */
class Child {
  readonly process: ChildProcess;
  readonly ready: Promise<void>;
  /** The last file it announced since the current request was sent. */
  parsing: string | null = null;
  stderr = "";
  attempt: Attempt | null = null;
  closed = false;
  /** Analyses it completed (with a result or an error from the engine). */
  jobs = 0;
  /** Killed (it may not have exited yet). */
  killed = false;
  /** Ends it when it stays idle too long (set while it waits in the idle list). */
  idleTimer: NodeJS.Timeout | undefined;

  constructor(settings: SandboxSettings) {
    this.process = fork(CHILD_ENTRY, [], {
      execArgv: [`--max-old-space-size=${settings.heapMb}`, `--max-semi-space-size=${SEMI_SPACE_MB}`],
      env: allocatorSettings(process.env),
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    this.watchOutput();
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error("the analysis process did not start")),
        START_TIMEOUT_MS,
      );
      this.attempt = {
        onMessage: (message) => {
          if (message.type !== "ready") return;
          clearTimeout(timer);
          this.attempt = null;
          resolve();
        },
        onClose: (code, signal) => {
          clearTimeout(timer);
          reject(new Error(`the analysis process did not start: ${exitText(code, signal)}: ${this.stderr}`));
        },
      };
    });
    this.ready.catch(() => undefined);
    this.process.on("message", (message: ChildMessage) => this.attempt?.onMessage(message));
    this.process.on("close", (code, signal) => {
      this.closed = true;
      this.attempt?.onClose(code, signal);
    });
    // A process that could not start (or be signalled) ends here like one that exited.
    this.process.on("error", (error) => {
      this.stderr += error.message;
      this.kill();
      this.closed = true;
      this.attempt?.onClose(null, null);
    });
  }

  private watchOutput(): void {
    let pending = "";
    this.process.stdout?.setEncoding("utf8").on("data", (text: string) => {
      pending += text;
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (line === PARSED_LINE) this.parsing = null;
        else if (line.startsWith(PARSING_PREFIX)) {
          try {
            this.parsing = String(JSON.parse(line.slice(PARSING_PREFIX.length)));
          } catch {
            // Not ours: the engine never prints, so ignore it.
          }
        }
        newline = pending.indexOf("\n");
      }
    });
    this.process.stderr?.setEncoding("utf8").on("data", (text: string) => {
      this.stderr = (this.stderr + text).slice(-STDERR_TAIL);
    });
  }

  /** Resident memory in MB (Linux /proc), or null where it cannot be read. */
  residentMb(): number | null {
    try {
      const status = readFileSync(`/proc/${this.process.pid}/status`, "utf8");
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
      return match ? Number(match[1]) / 1024 : null;
    } catch {
      return null;
    }
  }

  kill(): void {
    this.killed = true;
    if (!this.closed) this.process.kill("SIGKILL");
  }
}

function exitText(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `it was killed by ${signal}` : `it exited with code ${code}`;
}

export class AnalysisSandbox {
  readonly settings: SandboxSettings;
  readonly #log: Logger | undefined;
  readonly #idle: Child[] = [];
  readonly #all = new Set<Child>();
  /** A child started to replace a killed one, not ready yet. */
  #warming: Child | null = null;
  #nextId = 0;
  #stopped = false;
  #started = 0;
  #recycled = 0;

  constructor(settings: Partial<SandboxSettings> = {}, log?: Logger) {
    this.settings = { ...DEFAULT_SANDBOX_SETTINGS, ...settings };
    this.#log = log;
  }

  /** Analyses in a child; AnalysisAborted once every attempt crashed or broke a budget. */
  async analyze(input: SandboxInput, cache: SandboxCache): Promise<AnalysisResult> {
    let last: SandboxFailure | undefined;
    for (let attempt = 1; attempt <= this.settings.attempts; attempt++) {
      try {
        return await this.#attempt(input, cache);
      } catch (error) {
        if (!(error instanceof SandboxFailure)) throw error;
        last = error;
        this.#log?.warn(
          { kind: error.kind, file: error.file, attempt, reason: error.message },
          "analysis attempt failed",
        );
        this.#refill();
      }
    }
    throw new AnalysisAborted(
      last ?? new SandboxFailure("crashed", null, "was not attempted"),
      this.settings.attempts,
    );
  }

  /** Children started and recycled so far, and those alive now (their process ids). */
  stats(): { started: number; recycled: number; alive: number[] } {
    const alive = [...this.#all].filter((c) => !c.closed && !c.killed).map((c) => c.process.pid!);
    return { started: this.#started, recycled: this.#recycled, alive };
  }

  /** Kills every child; later analyses fail. */
  stop(): void {
    this.#stopped = true;
    for (const child of this.#all) {
      clearTimeout(child.idleTimer);
      child.kill();
    }
    this.#idle.length = 0;
    this.#warming = null;
  }

  async #take(): Promise<Child> {
    if (this.#stopped) throw new Error("the analysis sandbox is stopped");
    let child = this.#idle.pop();
    while (child?.closed) child = this.#idle.pop();
    if (child) {
      clearTimeout(child.idleTimer);
      return child;
    }
    const warming = this.#warming;
    this.#warming = null;
    child = warming ?? this.#spawn();
    await child.ready;
    return child;
  }

  #spawn(): Child {
    const child = new Child(this.settings);
    this.#started++;
    this.#all.add(child);
    child.process.once("close", () => this.#all.delete(child));
    return child;
  }

  /** A killed child is replaced at once, so the next analysis does not wait for a start. */
  #refill(): void {
    if (this.#stopped || this.#idle.length > 0 || this.#warming) return;
    const child = this.#spawn();
    this.#warming = child;
    child.ready.then(
      () => {
        if (this.#warming !== child) return; // an analysis took it meanwhile
        this.#warming = null;
        this.#keep(child);
      },
      () => {
        if (this.#warming === child) this.#warming = null;
        child.kill();
      },
    );
  }

  /** After an analysis: kept warm, or recycled when it has run its jobs or holds too much memory. */
  #finished(child: Child): void {
    child.jobs++;
    const resident = child.residentMb();
    const worn =
      child.jobs >= this.settings.jobsPerProcess ||
      (resident !== null && resident > this.settings.idleResidentMb);
    if (worn && !child.closed) {
      this.#recycled++;
      this.#log?.info({ jobs: child.jobs, residentMb: resident }, "analysis process recycled");
      child.kill();
      this.#refill();
      return;
    }
    this.#keep(child);
  }

  #keep(child: Child): void {
    if (this.#stopped || child.closed || this.#idle.length >= this.settings.processes) {
      child.kill();
      return;
    }
    this.#idle.push(child);
    child.idleTimer = setTimeout(() => {
      const at = this.#idle.indexOf(child);
      // The last idle child stays warm for the next analysis.
      if (at < 0 || this.#idle.length <= 1) return;
      this.#idle.splice(at, 1);
      child.kill();
    }, this.settings.idleMs);
    child.idleTimer.unref();
  }

  async #attempt(input: SandboxInput, cache: SandboxCache): Promise<AnalysisResult> {
    const child = await this.#take();
    const id = ++this.#nextId;
    const { timeBudgetMs, residentMb } = this.settings;
    return new Promise<AnalysisResult>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        clearInterval(watchdog);
        child.attempt = null;
        outcome();
      };
      const abort = (kind: SandboxFailureKind, message: string) => {
        const file = child.parsing;
        child.kill();
        finish(() => reject(new SandboxFailure(kind, file, message)));
      };
      const timer = setTimeout(
        () => abort("time", `took longer than its ${timeBudgetMs} ms budget`),
        timeBudgetMs,
      );
      const watchdog = setInterval(() => {
        const resident = child.residentMb();
        if (resident !== null && resident > residentMb) {
          abort("memory", `used ${Math.round(resident)} MB, over its ${residentMb} MB budget`);
        }
      }, WATCH_INTERVAL_MS);
      child.parsing = null;
      child.attempt = {
        onMessage: (message) => {
          if (message.type === "result" && message.id === id) {
            finish(() => {
              for (const [key, value] of message.added) cache.set(key, value);
              this.#finished(child);
              resolve(message.result);
            });
          } else if (message.type === "error" && message.id === id) {
            finish(() => {
              this.#finished(child);
              reject(new Error(`the analysis failed: ${message.message}`));
            });
          }
        },
        onClose: (code, signal) => {
          const outOfHeap = /heap out of memory|Allocation failed/i.test(child.stderr);
          if (outOfHeap) {
            finish(() =>
              reject(
                new SandboxFailure("memory", child.parsing, `ran out of its ${this.settings.heapMb} MB heap`),
              ),
            );
          } else {
            if (child.stderr)
              this.#log?.warn({ stderr: child.stderr }, "analysis process output before it ended");
            const kind =
              signal === "SIGSEGV" || signal === "SIGBUS" || signal === "SIGILL" ? "parser crash" : "crash";
            finish(() =>
              reject(
                new SandboxFailure(
                  "crashed",
                  child.parsing,
                  `ended in a ${kind} (${exitText(code, signal)})`,
                ),
              ),
            );
          }
        },
      };
      const request: AnalyseRequest = { type: "analyse", id, input, cache: cache.entries };
      child.process.send(request, (error) => {
        if (error) abort("crashed", `could not be handed to its process: ${error.message}`);
      });
    });
  }
}

/**
 * The C allocator's tuning the app was started with (the image's MALLOC_* variables; glibc reads
 * them at process start): the only part of the environment a child gets. They hold numbers, no
 * secret.
 */
export function allocatorSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (/^MALLOC_[A-Z_]+$/.test(name) && value !== undefined && /^\d+$/.test(value)) settings[name] = value;
  }
  return settings;
}

/** The sandbox the environment asks for (AppEnv.analysisSandbox), one warm child per worker. */
export function sandboxFromEnv(
  env: {
    readonly analysisSandbox: Partial<Record<keyof SandboxSettings, number | undefined>> | null;
    readonly workers: number;
  },
  log?: Logger,
): AnalysisSandbox | undefined {
  if (env.analysisSandbox === null) return undefined;
  const settings: Partial<Record<keyof SandboxSettings, number>> = { processes: Math.max(1, env.workers) };
  for (const [key, value] of Object.entries(env.analysisSandbox)) {
    if (value !== undefined) settings[key as keyof SandboxSettings] = value;
  }
  return new AnalysisSandbox(settings, log);
}
