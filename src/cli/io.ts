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

/** An io that collects output, for tests. */
export function memoryIo(
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { out: (t) => stdout.push(t), err: (t) => stderr.push(t), cwd, env, stdout, stderr };
}

/** Runs an argument parser, turning its complaint into a UsageError followed by the usage text. */
export function parseOrUsage<T>(parse: () => T, usage: string): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
  }
}
