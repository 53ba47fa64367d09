/**
 * Probot's optional integrations, with Probot's variables: SENTRY_DSN (errors to Sentry) and
 * WEBHOOK_PROXY_URL (a smee.io channel forwarding webhooks to this machine). Neither package
 * is a dependency, and nothing is downloaded at run time (Probot itself would `npx` them):
 * when one is missing, the app says what to install and runs without it.
 */
import type { Logger } from "pino";

type ErrorSink = (record: { message: string; err: unknown }) => void;

/** A module by a name TypeScript does not resolve: the package is optional. */
async function importOptional(name: string): Promise<Record<string, unknown> | null> {
  try {
    return (await import(name)) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export interface SentrySetup {
  readonly sink: ErrorSink | undefined;
  /** Said once the logger exists, when SENTRY_DSN is set but cannot be used. */
  readonly warning: string | undefined;
}

export async function setUpSentry(dsn: string | undefined): Promise<SentrySetup> {
  if (dsn === undefined) return { sink: undefined, warning: undefined };
  const sentry = await importOptional("@sentry/node");
  const init = sentry?.init as ((options: object) => void) | undefined;
  const captureException = sentry?.captureException as ((error: unknown) => void) | undefined;
  const captureMessage = sentry?.captureMessage as ((message: string, level: string) => void) | undefined;
  if (!init || !captureException || !captureMessage) {
    return {
      sink: undefined,
      warning:
        "SENTRY_DSN is set, but @sentry/node is not installed: run `npm install @sentry/node` to send errors to Sentry. Running without it.",
    };
  }
  init({ dsn, normalizeDepth: 6 });
  return {
    sink: ({ message, err }) =>
      err instanceof Error ? captureException(err) : captureMessage(message, "error"),
    warning: undefined,
  };
}

export interface WebhookProxy {
  stop(): void;
}

/** Forwards the smee.io channel to TARGET; undefined (and a warning) when smee-client is missing. */
export async function startWebhookProxy(
  source: string | undefined,
  target: string,
  log: Logger,
): Promise<WebhookProxy | undefined> {
  if (source === undefined) return undefined;
  const smee = await importOptional("smee-client");
  const SmeeClient = (smee?.SmeeClient ?? smee?.default) as
    | (new (
        options: object,
      ) => { start(): unknown })
    | undefined;
  if (!SmeeClient) {
    log.warn(
      { webhookProxyUrl: source },
      "WEBHOOK_PROXY_URL is set, but smee-client is not installed: run `npm install --save-dev smee-client` to forward webhooks from the channel to this app. Webhooks are not forwarded.",
    );
    return undefined;
  }
  const client = new SmeeClient({ source, target, logger: log.child({ name: "smee" }) });
  const events = (await client.start()) as { close?: () => void } | undefined;
  log.info({ source, target }, "forwarding webhooks from the proxy channel");
  return { stop: () => events?.close?.() };
}
