/** The Probot instance that authenticates as the app and its installations (none in setup mode). */
import type { Logger } from "pino";
import { Probot, ProbotOctokit } from "probot";
import type { AppEnv } from "../env/app-env.ts";
import { type GitHubRequestObserver, instrumentedFetch } from "./github-fetch.ts";

export interface ProbotOverrides {
  /** A different Octokit class, e.g. with retries off for tests against the fake GitHub. */
  Octokit?: typeof ProbotOctokit | undefined;
  /** Time limit of one GitHub request (default DEFAULT_GITHUB_TIMEOUT_MS). */
  requestTimeoutMs?: number | undefined;
}

export function createProbot(
  env: AppEnv,
  log: Logger,
  overrides: ProbotOverrides = {},
  observer?: GitHubRequestObserver,
): Probot | undefined {
  if (env.appId === undefined || env.privateKey === undefined) return undefined;
  return new Probot({
    appId: env.appId,
    privateKey: env.privateKey,
    secret: env.webhookSecret,
    log: log.child({ name: "probot" }),
    Octokit: overrides.Octokit ?? ProbotOctokit,
    request: { fetch: instrumentedFetch({ timeoutMs: overrides.requestTimeoutMs, observer }) },
    ...(env.githubApiUrl ? { baseUrl: env.githubApiUrl } : {}),
    ...(env.redisUrl ? { redisConfig: env.redisUrl } : {}),
  });
}
