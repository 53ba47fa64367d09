/** `maestro-hive serve`: the whole app (webhooks, setup flow, health, metrics, workers), as `npm start`. */
import { startApp } from "../../server/app.ts";
import { appEnvOrUsage } from "../app-env-or-usage.ts";
import { asUsageError } from "../command-store.ts";
import { type CliIo, UsageError } from "../io.ts";
import { untilSignal } from "./until-signal.ts";

export const SERVE_USAGE = `Usage: maestro-hive serve

Runs the app. Configuration comes from the environment (see .env.example): without APP_ID it
serves GitHub App registration (setup mode); with APP_ID, PRIVATE_KEY and WEBHOOK_SECRET it takes
webhooks at /api/github/webhooks. Stops on SIGINT or SIGTERM.`;

export async function run(args: string[], io: CliIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.out(SERVE_USAGE);
    return 0;
  }
  if (args.length > 0) throw new UsageError(`unexpected arguments: ${args.join(" ")}\n\n${SERVE_USAGE}`);
  const env = appEnvOrUsage(io);
  const app = await startApp(env).catch((error: unknown) => {
    throw asUsageError(error);
  });
  const signal = await untilSignal();
  io.err(`${signal} received, stopping`);
  await app.stop();
  return 0;
}
