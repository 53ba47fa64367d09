/**
 * The app's environment, validated once at start. Every variable is listed and explained in
 * .env.example. Secrets (private key, webhook secret, API keys) are never logged: use
 * `describeEnv` for a loggable summary.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";

/** Default period of the embedded database's VACUUM (ANALYZE) (store/embedded-maintenance.ts). */
const EMBEDDED_VACUUM_INTERVAL_MS = 10 * 60_000;

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

/** A decimal integer in a string, within [min, max]. */
function integerText(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().min(min).max(max));
}

const EnvSchema = z.object({
  APP_ID: optionalText.pipe(z.string().regex(/^\d+$/, "must be the numeric GitHub App id").optional()),
  PRIVATE_KEY: optionalText,
  PRIVATE_KEY_PATH: optionalText,
  WEBHOOK_SECRET: optionalText,
  WEBHOOK_PATH: optionalText.pipe(z.string().startsWith("/").optional()),
  GITHUB_API_URL: optionalText.pipe(z.url().optional()),
  // Probot's GitHub Enterprise Server settings: the API is PROTOCOL://HOST/api/v3.
  GHE_HOST: optionalText.pipe(
    z
      .string()
      .regex(
        /^[A-Za-z0-9.-]+(:\d{1,5})?$/,
        "must be a host name, with an optional :port (no scheme, no path)",
      )
      .optional(),
  ),
  GHE_PROTOCOL: optionalText.pipe(z.enum(["https", "http"]).optional()),
  LOG_FORMAT: optionalText.pipe(z.enum(["json", "pretty"]).optional()),
  LOG_LEVEL_IN_STRING: optionalText.pipe(z.enum(["true", "false"]).optional()),
  LOG_MESSAGE_KEY: optionalText,
  SENTRY_DSN: optionalText.pipe(z.url().optional()),
  DATABASE_URL: optionalText.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .optional(),
  ),
  MAESTRO_DATA_DIR: optionalText,
  MAESTRO_WORKERS: optionalText.pipe(integerText(0, 64).optional()),
  MAESTRO_EMBEDDED_VACUUM_MS: optionalText.pipe(integerText(0, 86_400_000).optional()),
  MAESTRO_QUEUE_SCHEMA: optionalText.pipe(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/, "must be a lowercase SQL identifier")
      .optional(),
  ),
  PORT: optionalText.pipe(integerText(0, 65535).optional()),
  HOST: optionalText,
  LOG_LEVEL: optionalText.pipe(z.enum(LOG_LEVELS).optional()),
  REDIS_URL: optionalText.pipe(z.url().optional()),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: optionalText.pipe(z.url().optional()),
  MAESTRO_AI_MODEL: optionalText,
  WEBHOOK_PROXY_URL: optionalText.pipe(z.url().optional()),
  MAESTRO_ANALYSIS_SANDBOX: optionalText.pipe(z.enum(["on", "off"]).optional()),
  MAESTRO_ANALYSIS_TIME_BUDGET_MS: optionalText.pipe(integerText(100, 3_600_000).optional()),
  MAESTRO_ANALYSIS_HEAP_MB: optionalText.pipe(integerText(64, 65_536).optional()),
  MAESTRO_ANALYSIS_RESIDENT_MB: optionalText.pipe(integerText(64, 131_072).optional()),
  MAESTRO_ANALYSIS_ATTEMPTS: optionalText.pipe(integerText(1, 10).optional()),
  MAESTRO_ANALYSIS_JOBS_PER_PROCESS: optionalText.pipe(integerText(1, 1_000_000).optional()),
  MAESTRO_ANALYSIS_IDLE_RESIDENT_MB: optionalText.pipe(integerText(64, 131_072).optional()),
  MAESTRO_ANALYSIS_IDLE_MS: optionalText.pipe(integerText(0, 86_400_000).optional()),
  MAESTRO_PARSER_NESTING_LIMIT: optionalText.pipe(integerText(0, 100_000).optional()),
  MAESTRO_CHECKS_IN_PROGRESS_AFTER_MS: optionalText.pipe(integerText(0, 600_000).optional()),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalText.pipe(z.url().optional()),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalText.pipe(z.url().optional()),
  OTEL_EXPORTER_OTLP_PROTOCOL: optionalText.pipe(
    z.enum(["http/json"], { message: "must be http/json (the only OTLP protocol the app sends)" }).optional(),
  ),
  OTEL_SERVICE_NAME: optionalText,
  MAESTRO_WEBHOOK_MAX_BYTES: optionalText.pipe(integerText(1024, 1_073_741_824).optional()),
  MAESTRO_WEBHOOK_BODY_IDLE_MS: optionalText.pipe(integerText(100, 600_000).optional()),
  MAESTRO_MAX_CONNECTIONS: optionalText.pipe(integerText(1, 1_000_000).optional()),
  MAESTRO_ONBOARDING: optionalText.pipe(z.enum(["true", "false"]).optional()),
});

/** Every variable the app reads (deploy/ manifests are checked against it). */
export const APP_ENV_NAMES: readonly string[] = Object.keys(EnvSchema.shape);

export interface AppEnv {
  /** GitHub App id; undefined means setup mode (serve the manifest flow). */
  appId: number | undefined;
  privateKey: string | undefined;
  webhookSecret: string | undefined;
  webhookPath: string;
  /**
   * GitHub REST base URL: GITHUB_API_URL, else PROTOCOL://GHE_HOST/api/v3 (Probot's GitHub
   * Enterprise Server settings), else undefined (api.github.com).
   */
  githubApiUrl: string | undefined;
  /** The GitHub web host for links and the app registration flow (GHE_HOST, default github.com). */
  githubHost: string;
  databaseUrl: string | undefined;
  dataDir: string;
  /** Period of the embedded database's VACUUM (ANALYZE) (embedded-maintenance.ts); 0: never. */
  embeddedVacuumMs: number;
  /** Concurrent in-process job workers; 0 runs no worker in the app process. */
  workers: number;
  queueSchema: string;
  port: number;
  host: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Probot's LOG_FORMAT: `json` (default here: one JSON object a line) or `pretty` (for people). */
  logFormat: "json" | "pretty";
  /** Probot's LOG_LEVEL_IN_STRING: `"level":"info"` instead of `"level":30`. */
  logLevelInString: boolean;
  /** Probot's LOG_MESSAGE_KEY: the JSON key of the message (default `msg`). */
  logMessageKey: string;
  /** Probot's SENTRY_DSN: errors (level ≥ error) are sent to Sentry when @sentry/node is installed. */
  sentryDsn: string | undefined;
  redisUrl: string | undefined;
  anthropicApiKey: string | undefined;
  anthropicBaseUrl: string | undefined;
  /** The model of every AI explanation; a repository's `ai.model` is ignored. */
  anthropicModel: string | undefined;
  webhookProxyUrl: string | undefined;
  /** How analyses of untrusted code are isolated (src/sandbox); null: in the app process. */
  analysisSandbox: AnalysisSandboxEnv | null;
  /** Deepest nesting the TS parser is given (0: no guard); undefined: the engine's default. */
  parserNestingLimit: number | undefined;
  /**
   * An analysis whose result takes longer than this (ms from the job's start) shows its check
   * runs in progress first; a quicker one creates them completed. Undefined: the default (2500).
   */
  checksInProgressAfterMs: number | undefined;
  /** OpenTelemetry: traces go to the OTLP/HTTP collector here; both undefined = tracing off. */
  otlpEndpoint: string | undefined;
  otlpTracesEndpoint: string | undefined;
  otelServiceName: string;
  /** Webhook bodies: largest accepted (default GitHub's 25 MB cap) and how long one may stall. */
  webhookMaxBytes: number;
  webhookBodyIdleMs: number;
  /** Open connections the HTTP server accepts at once. */
  maxConnections: number;
  /** Open an onboarding pull request on repositories installed without a config (default true). */
  onboarding: boolean;
}

export interface AnalysisSandboxEnv {
  readonly timeBudgetMs: number | undefined;
  readonly heapMb: number | undefined;
  readonly residentMb: number | undefined;
  readonly attempts: number | undefined;
  readonly jobsPerProcess: number | undefined;
  readonly idleResidentMb: number | undefined;
  readonly idleMs: number | undefined;
}

export class EnvError extends Error {}

/** Validates the environment; throws EnvError naming every bad variable. */
export function loadEnv(source: NodeJS.ProcessEnv, cwd: string = process.cwd()): AppEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new EnvError(`invalid environment:\n  ${problems.join("\n  ")}`);
  }
  const env = parsed.data;
  const privateKey = readPrivateKey(env.PRIVATE_KEY, env.PRIVATE_KEY_PATH, cwd);
  if (env.APP_ID !== undefined && privateKey === undefined) {
    throw new EnvError(
      "invalid environment:\n  APP_ID is set but neither PRIVATE_KEY nor PRIVATE_KEY_PATH is",
    );
  }
  if (env.APP_ID !== undefined && env.WEBHOOK_SECRET === undefined) {
    throw new EnvError("invalid environment:\n  APP_ID is set but WEBHOOK_SECRET is not");
  }
  return {
    appId: env.APP_ID === undefined ? undefined : Number(env.APP_ID),
    privateKey,
    webhookSecret: env.WEBHOOK_SECRET,
    webhookPath: env.WEBHOOK_PATH ?? "/api/github/webhooks",
    githubApiUrl:
      env.GITHUB_API_URL?.replace(/\/+$/, "") ??
      (env.GHE_HOST ? `${env.GHE_PROTOCOL ?? "https"}://${env.GHE_HOST}/api/v3` : undefined),
    githubHost: env.GHE_HOST ?? "github.com",
    databaseUrl: env.DATABASE_URL,
    dataDir: resolve(cwd, env.MAESTRO_DATA_DIR ?? ".data"),
    embeddedVacuumMs: env.MAESTRO_EMBEDDED_VACUUM_MS ?? EMBEDDED_VACUUM_INTERVAL_MS,
    workers: env.MAESTRO_WORKERS ?? 2,
    queueSchema: env.MAESTRO_QUEUE_SCHEMA ?? "pgboss",
    port: env.PORT ?? 3000,
    host: env.HOST ?? "localhost",
    logLevel: env.LOG_LEVEL ?? "info",
    logFormat: env.LOG_FORMAT ?? "json",
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    logMessageKey: env.LOG_MESSAGE_KEY ?? "msg",
    sentryDsn: env.SENTRY_DSN,
    redisUrl: env.REDIS_URL,
    anthropicApiKey: env.ANTHROPIC_API_KEY,
    anthropicBaseUrl: env.ANTHROPIC_BASE_URL,
    anthropicModel: env.MAESTRO_AI_MODEL,
    webhookProxyUrl: env.WEBHOOK_PROXY_URL,
    analysisSandbox:
      env.MAESTRO_ANALYSIS_SANDBOX === "off"
        ? null
        : {
            timeBudgetMs: env.MAESTRO_ANALYSIS_TIME_BUDGET_MS,
            heapMb: env.MAESTRO_ANALYSIS_HEAP_MB,
            residentMb: env.MAESTRO_ANALYSIS_RESIDENT_MB,
            attempts: env.MAESTRO_ANALYSIS_ATTEMPTS,
            jobsPerProcess: env.MAESTRO_ANALYSIS_JOBS_PER_PROCESS,
            idleResidentMb: env.MAESTRO_ANALYSIS_IDLE_RESIDENT_MB,
            idleMs: env.MAESTRO_ANALYSIS_IDLE_MS,
          },
    parserNestingLimit: env.MAESTRO_PARSER_NESTING_LIMIT,
    checksInProgressAfterMs: env.MAESTRO_CHECKS_IN_PROGRESS_AFTER_MS,
    otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT,
    otlpTracesEndpoint: env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
    otelServiceName: env.OTEL_SERVICE_NAME ?? "maestro-hive",
    webhookMaxBytes: env.MAESTRO_WEBHOOK_MAX_BYTES ?? 25 * 1024 * 1024,
    webhookBodyIdleMs: env.MAESTRO_WEBHOOK_BODY_IDLE_MS ?? 5_000,
    maxConnections: env.MAESTRO_MAX_CONNECTIONS ?? 512,
    onboarding: env.MAESTRO_ONBOARDING !== "false",
  };
}

/**
 * PRIVATE_KEY may hold the PEM itself, the PEM with literal "\n" escapes (one-line .env files),
 * or the PEM base64-encoded; PRIVATE_KEY_PATH names a .pem file.
 */
function readPrivateKey(
  inline: string | undefined,
  path: string | undefined,
  cwd: string,
): string | undefined {
  if (inline !== undefined) {
    if (inline.includes("-----BEGIN")) return inline.replaceAll("\\n", "\n");
    const decoded = Buffer.from(inline, "base64").toString("utf8");
    if (decoded.includes("-----BEGIN")) return decoded;
    throw new EnvError(
      "invalid environment:\n  PRIVATE_KEY is neither a PEM key nor a base64-encoded PEM key",
    );
  }
  if (path !== undefined) {
    try {
      return readFileSync(resolve(cwd, path), "utf8");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new EnvError(`invalid environment:\n  PRIVATE_KEY_PATH: cannot read ${path}: ${reason}`);
    }
  }
  return undefined;
}

/** A summary safe to log: which features are on, never the secrets themselves. */
export function describeEnv(env: AppEnv): Record<string, unknown> {
  return {
    mode: env.appId === undefined ? "setup" : "app",
    appId: env.appId,
    database: env.databaseUrl ? "postgres" : "pglite",
    dataDir: env.databaseUrl ? undefined : env.dataDir,
    githubApiUrl: env.githubApiUrl ?? "https://api.github.com",
    workers: env.workers,
    redis: env.redisUrl !== undefined,
    explanations: env.anthropicApiKey !== undefined,
    analysisSandbox: env.analysisSandbox !== null,
    logFormat: env.logFormat,
    sentry: env.sentryDsn !== undefined,
    webhookPath: env.webhookPath,
    webhookProxy: env.webhookProxyUrl !== undefined,
    tracing: env.otlpEndpoint !== undefined || env.otlpTracesEndpoint !== undefined,
    port: env.port,
    host: env.host,
  };
}
