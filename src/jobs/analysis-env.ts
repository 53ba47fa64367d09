/** The analysis job's options as the deployment's environment sets them (app and `worker` command). */
import type { Logger } from "pino";
import { explainerSettingsFromEnv } from "../ai/explain.ts";
import type { AppEnv } from "../env/app-env.ts";
import { sandboxFromEnv } from "../sandbox/pool.ts";
import type { AnalysisOptions } from "./analysis-job-model.ts";

export interface AnalysisSetup {
  readonly options: AnalysisOptions;
  /** Ends the analysis child processes. */
  stop(): void;
}

export function analysisOptionsFromEnv(
  env: AppEnv,
  log?: Logger,
  workers: number = env.workers,
): AnalysisSetup {
  const sandbox = sandboxFromEnv({ analysisSandbox: env.analysisSandbox, workers }, log);
  const options: AnalysisOptions = {
    ai: explainerSettingsFromEnv(env),
    ...(sandbox ? { sandbox } : {}),
    ...(env.parserNestingLimit === undefined ? {} : { parserNestingLimit: env.parserNestingLimit }),
    ...(env.checksInProgressAfterMs === undefined ? {} : { inProgressAfterMs: env.checksInProgressAfterMs }),
  };
  return { options, stop: () => sandbox?.stop() };
}
