/**
 * Shared parts of the fault tests: the app spawned as a child process (test/reliability/app-process.ts)
 * against a database URL and the fake GitHub, its JSON log lines, and queue/DB probes by SQL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { DELIVERY_QUEUE, jobIdForDelivery } from "../../src/jobs/queue.ts";
import { fakeGitHubAppEnv } from "../github/app-harness.ts";
import type { FakeGitHub } from "../harness/fake-github/index.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ENTRY = fileURLToPath(new URL("./app-process.ts", import.meta.url));

export interface AppProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly hook: string;
  readonly logs: Array<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export async function spawnApp(options: {
  databaseUrl: string;
  gh: FakeGitHub;
  queueSchema?: string;
  workers?: number;
  extraEnv?: Record<string, string>;
}): Promise<AppProcess> {
  const child = spawn(process.execPath, [ENTRY], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...fakeGitHubAppEnv(options.gh),
      DATABASE_URL: options.databaseUrl,
      MAESTRO_QUEUE_SCHEMA: options.queueSchema ?? "pgboss",
      MAESTRO_WORKERS: String(options.workers ?? 1),
      LOG_LEVEL: "info",
      ...options.extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === "listening") resolve(String(entry.url));
        } catch {
          logs.push({ unparsed: line });
        }
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the app exited (${code ?? signal}) before listening:\n${stderr}`)),
    );
  });
  return { child, url, hook: `${url}/api/github/webhooks`, logs, exited, stderr: () => stderr };
}

/** Kills the child if it still runs (afterAll). */
export async function killApp(app: AppProcess | undefined): Promise<void> {
  if (!app || app.child.exitCode !== null || app.child.signalCode !== null) return;
  app.child.kill("SIGKILL");
  await app.exited;
}

/** State of each delivery's job, read from pg-boss's table. */
export async function jobStates(
  databaseUrl: string,
  deliveryIds: readonly string[],
  schema = "pgboss",
): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ids = deliveryIds.map(jobIdForDelivery);
    const result = await client.query<{ id: string; state: string }>(
      `select id::text, state::text from "${schema}".job where name = $1 and id = any($2::uuid[])`,
      [DELIVERY_QUEUE, ids],
    );
    const byJob = new Map(result.rows.map((r) => [r.id, r.state]));
    return new Map(deliveryIds.map((d) => [d, byJob.get(jobIdForDelivery(d)) ?? "missing"]));
  } finally {
    await client.end();
  }
}

export async function query<T extends pg.QueryResultRow>(
  databaseUrl: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export async function until<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined;
    let failure: unknown;
    try {
      value = await probe();
      if (done(value)) return value;
    } catch (error) {
      failure = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}; last: ${
          failure ? String(failure) : JSON.stringify(value instanceof Map ? [...value] : value)
        }`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
