/**
 * `npm start`: the app process. Reads the environment, migrates the database, starts the queue,
 * the in-process workers and the HTTP server; stops cleanly on SIGINT/SIGTERM.
 */
import { EnvError, loadEnv } from "./env/app-env.ts";
import { startApp } from "./server/app.ts";
import { DataDirInUseError } from "./store/data-dir-lock.ts";

async function main(): Promise<void> {
  let app: Awaited<ReturnType<typeof startApp>>;
  try {
    app = await startApp(loadEnv(process.env));
  } catch (error) {
    // The operator's to fix (the environment, the embedded database held by another process):
    // its message and exit 2, no stack trace.
    if (error instanceof EnvError || error instanceof DataDirInUseError) {
      process.stderr.write(`maestro-hive: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
  const shutdown = (signal: string) => {
    process.stderr.write(`maestro-hive: ${signal} received, stopping\n`);
    app.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`maestro-hive: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
}

await main();
