/** JSON logs (pino). Secrets never reach a log line: the redaction list covers where they could. */
import { type Logger, type LoggerOptions, pino } from "pino";
import pretty from "pino-pretty";

export const REDACTED_PATHS = [
  "privateKey",
  "*.privateKey",
  "webhookSecret",
  "*.webhookSecret",
  "secret",
  "*.secret",
  "token",
  "*.token",
  "headers.authorization",
  "*.headers.authorization",
  "headers['x-hub-signature-256']",
  "*.headers['x-hub-signature-256']",
  "anthropicApiKey",
  "*.anthropicApiKey",
];

/** Probot's log settings (LOG_LEVEL, LOG_FORMAT, LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY). */
export interface LogSettings {
  readonly level: string;
  readonly format?: "json" | "pretty";
  readonly levelInString?: boolean;
  readonly messageKey?: string;
  /** Called with every record at level error or above (Sentry). */
  readonly onError?: (record: { message: string; err: unknown }) => void;
}

export function createLogger(settings: string | LogSettings, destination?: NodeJS.WritableStream): Logger {
  const s: LogSettings = typeof settings === "string" ? { level: settings } : settings;
  const options: LoggerOptions = {
    level: s.level,
    base: { app: "maestro-hive" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    messageKey: s.messageKey ?? "msg",
    ...(s.levelInString ? { formatters: { level: (label: string) => ({ level: label }) } } : {}),
    ...(s.onError ? { hooks: { logMethod: errorHook(s.onError) } } : {}),
  };
  const target =
    destination ?? (s.format === "pretty" ? pretty({ messageKey: s.messageKey ?? "msg" }) : undefined);
  return target ? pino(options, target as never) : pino(options);
}

function errorHook(onError: NonNullable<LogSettings["onError"]>) {
  return function logMethod(
    this: Logger,
    args: Parameters<Logger["info"]>,
    method: (...a: unknown[]) => void,
    level: number,
  ) {
    if (level >= 50) {
      const [first, second] = args as unknown[];
      const err = first instanceof Error ? first : (first as { err?: unknown } | undefined)?.err;
      const message = typeof first === "string" ? first : typeof second === "string" ? second : "error";
      try {
        onError({ message, err });
      } catch {}
    }
    method.apply(this, args as unknown[]);
  };
}
