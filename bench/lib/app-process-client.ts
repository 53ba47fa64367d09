/**
 * Starts the app in a process of its own (app-process.ts) pointed at a fake GitHub running in
 * this process, and talks to it over IPC. The app runs compiled, as deployed (the Dockerfile's
 * `npm run build`, then `node dist/main.js`): tsc builds it, with this bench's entry, into
 * dist/bench-app first. Node's type stripping of the sources would add its own memory (the
 * stripper, and ~400 modules' source text) to every process measured. BENCH_APP_SOURCES=1 runs
 * the TypeScript sources instead.
 */
import { type ChildProcess, execFileSync, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fakeGitHubAppEnv, SECRET } from "../../test/github/app-harness.ts";
import type { FakeGitHub } from "../../test/harness/fake-github/index.ts";
import type { AppProcessReply, AppProcessRequest } from "./app-process.ts";

export interface AppProcess {
  readonly pid: number;
  /** The webhook URL. */
  readonly webhookUrl: string;
  readonly secret: string;
  readonly backend: "pglite" | "postgres";
  /** Resolves once the delivery's job has settled: "completed" or "failed". */
  jobState(deliveryId: string): Promise<string>;
  /** Forces two full collections in the app process; its process.memoryUsage() after them. */
  gc(): Promise<NodeJS.MemoryUsage>;
  runs(): Promise<{ repository: string; status: string; count: number }[]>;
  /** The highest process.memoryUsage() figures of the app since the last call. */
  usagePeaks(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

type RequestBody = AppProcessRequest extends infer R
  ? R extends { seq: number }
    ? Omit<R, "seq">
    : never
  : never;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const COMPILED_ENTRY = join(ROOT, "dist/bench-app/bench/lib/app-process.js");

/** Compiles the app and this bench's entry into dist/bench-app (tsc, the production build's settings). */
export function buildApp(): void {
  const tsc = join(ROOT, "node_modules/typescript/bin/tsc");
  rmSync(join(ROOT, "dist/bench-app"), { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, "-p", join(ROOT, "bench/tsconfig.app-process.json")], {
    stdio: "inherit",
  });
}

/**
 * The Node flags and mode the image runs the app with (the Dockerfile's NODE_OPTIONS and
 * NODE_ENV, and the flags its CMD gives node before the script), so the app is measured as deployed.
 */
export function deployedNodeFlags(): string[] {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  const options = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1]?.split(" ").filter(Boolean) ?? [];
  const command = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
  const argv = command ? (JSON.parse(command) as string[]) : [];
  return [...options, ...argv.slice(1).filter((arg) => arg.startsWith("--"))];
}

/** The C library's settings the image gives the app (the Dockerfile's MALLOC_* variables). */
export function deployedMallocEnv(): Record<string, string> {
  const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8");
  return Object.fromEntries(
    [...dockerfile.matchAll(/^\s*(MALLOC_[A-Z_]+)=(\S+?)\s*\\?$/gm)].map((m) => [m[1]!, m[2]!]),
  );
}

/**
 * Starts the app on `gh`. `dataDir`: the embedded database's directory, kept on stop (to start
 * the app again on the same database); otherwise a temporary one, removed on stop.
 */
export async function startAppProcess(
  gh: FakeGitHub,
  options: { readonly env?: Readonly<Record<string, string>>; readonly dataDir?: string } = {},
): Promise<AppProcess> {
  const env = options.env ?? {};
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "maestro-bench-app-"));
  const suffix = randomBytes(6).toString("hex");
  const databaseUrl = process.env.DATABASE_URL;
  const childEnv: Record<string, string | undefined> = {
    PATH: process.env.PATH ?? "",
    ...fakeGitHubAppEnv(gh),
    LOG_LEVEL: "silent",
    NODE_ENV: "production",
    ...deployedMallocEnv(),
    MAESTRO_DATA_DIR: dataDir,
    // The deployment's settings (MAESTRO_ANALYSIS_SANDBOX, MAESTRO_ANALYSIS_HEAP_MB, MAESTRO_WORKERS…).
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith("MAESTRO_"))),
    ...(databaseUrl
      ? {
          DATABASE_URL: databaseUrl,
          BENCH_DB_SCHEMA: `bench_${suffix}`,
          MAESTRO_QUEUE_SCHEMA: `bench_${suffix}_boss`,
        }
      : {}),
    ...env,
  };
  const entry =
    process.env.BENCH_APP_SOURCES === "1"
      ? fileURLToPath(new URL("./app-process.ts", import.meta.url))
      : COMPILED_ENTRY;
  const child: ChildProcess = fork(entry, [], {
    execArgv: ["--expose-gc", ...deployedNodeFlags()],
    env: childEnv,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let seq = 0;
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<string>((resolve, reject) => {
    child.on("message", (message: AppProcessReply) => {
      if (message.type === "ready") resolve(message.url);
      else if (message.type === "reply") pending.get(message.seq)?.resolve(message.value);
      else pending.get(message.seq)?.reject(new Error(message.message));
      if (message.type !== "ready") pending.delete(message.seq);
    });
    child.once("exit", (code, signal) => {
      const error = new Error(`the app process exited (${signal ?? code})`);
      reject(error);
      for (const waiting of pending.values()) waiting.reject(error);
      pending.clear();
    });
  });
  const request = (body: RequestBody): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      pending.set(id, { resolve, reject });
      child.send({ ...body, seq: id } as AppProcessRequest);
    });
  const webhookUrl = await ready;
  return {
    pid: child.pid!,
    webhookUrl,
    secret: SECRET,
    backend: databaseUrl ? "postgres" : "pglite",
    jobState: (deliveryId) => request({ type: "job", deliveryId }) as Promise<string>,
    gc: () => request({ type: "gc" }) as Promise<NodeJS.MemoryUsage>,
    runs: () => request({ type: "runs" }) as Promise<{ repository: string; status: string; count: number }[]>,
    usagePeaks: () => request({ type: "usage-peaks" }) as Promise<Record<string, number>>,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        await Promise.race([request({ type: "stop" }), exited]).catch(() => undefined);
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
