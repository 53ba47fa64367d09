import { type AppEnv, EnvError, loadEnv } from "../env/app-env.ts";
import { type CliIo, UsageError } from "./io.ts";

/** The app's environment for a CLI command; an invalid variable is a usage error (exit 2). */
export function appEnvOrUsage(io: CliIo): AppEnv {
  try {
    return loadEnv(io.env, io.cwd);
  } catch (error) {
    if (error instanceof EnvError) throw new UsageError(error.message);
    throw error;
  }
}
