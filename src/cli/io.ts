import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "../core/once.ts";

/** Where CLI commands write, so tests can run `main()` in-process and read the output. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => process.stderr.write(text.endsWith("\n") ? text : `${text}\n`),
    cwd: process.cwd(),
    env: process.env,
  };
}

/** Thrown for bad arguments; main() prints it and exits 2. */
export class UsageError extends Error {}

/**
 * An io that collects output, for tests. Unless `env` says where the cache goes (HOME,
 * XDG_CACHE_HOME or MAESTRO_CACHE_DIR), it goes to one temporary directory per process, so
 * tests never write to the user's own ~/.cache.
 */
export function memoryIo(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const placed =
    env.HOME !== undefined || env.XDG_CACHE_HOME !== undefined || env.MAESTRO_CACHE_DIR !== undefined;
  const withCache = placed ? env : { ...env, XDG_CACHE_HOME: processTestCache() };
  return { out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd, env: withCache, stdout, stderr };
}

const processTestCache = once(() => mkdtempSync(join(tmpdir(), "maestro-test-cache-")));

/** Runs an argument parser, turning its complaint into a UsageError followed by the usage text. */
export function parseOrUsage<T>(parse: () => T, usage: string): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}
