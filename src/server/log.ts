/** JSON logs (pino). Secrets never reach a log line: the redaction list covers where they could. */
import { type Logger, pino } from "pino";

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

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const options = {
    level,
    base: { app: "maestro-hive" },
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
  };
  return destination ? pino(options, destination as never) : pino(options);
}
