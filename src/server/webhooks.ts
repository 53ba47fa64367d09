/**
 * The webhook endpoint. It only verifies, records and enqueues — in one transaction keyed by
 * X-GitHub-Delivery — then answers, well inside GitHub's 10-second limit. A redelivery of a
 * recorded id is acknowledged without a second job. If recording or enqueueing fails the
 * answer is 5xx, so the delivery shows as failed on GitHub and can be redelivered.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { PgBoss } from "pg-boss";
import type { Logger } from "pino";
import { enqueueDelivery } from "../jobs/queue.ts";
import { appendAudit } from "../store/audit.ts";
import { type Db, inTransaction } from "../store/db.ts";
import { recordDelivery } from "../store/deliveries.ts";
import { activeSpan } from "../telemetry/spans.ts";
import { readBody, sendJson } from "./http.ts";
import type { AppMetrics } from "./metrics.ts";
import { verifySignature } from "./signature.ts";
import { parseDelivery, WebhookInputError } from "./webhook-input.ts";

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;

export interface WebhookDeps {
  db: Db;
  boss: PgBoss;
  secret: string;
  log: Logger;
  metrics: AppMetrics;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export async function handleWebhook(
  req: IncomingMessage,
  res: ServerResponse,
  deps: WebhookDeps,
): Promise<void> {
  const event = header(req, "x-github-event");
  const deliveryId = header(req, "x-github-delivery");
  const log = deps.log.child({ deliveryId, event });
  const span = activeSpan();
  span?.updateName(`webhook ${event ?? "unknown"}`);
  span?.setAttributes({ "github.event": event ?? "unknown", "github.delivery": deliveryId ?? "" });
  const refuse = (status: number, error: string) => {
    span?.setAttribute("http.response.status_code", status);
    deps.metrics.webhookRequests.inc({ event: event ?? "unknown", outcome: String(status) });
    log.warn({ status, error }, "webhook refused");
    sendJson(res, status, { error });
  };
  if (req.method !== "POST") return refuse(405, "webhooks are POSTed");
  const body = await readBody(req, MAX_WEBHOOK_BYTES);
  if (body === "too-large") return refuse(413, `the body exceeds ${MAX_WEBHOOK_BYTES} bytes`);
  if (!event || !/^[a-z_]+$/.test(event)) return refuse(400, "missing or malformed X-GitHub-Event header");
  if (!deliveryId || deliveryId.length > 200)
    return refuse(400, "missing or malformed X-GitHub-Delivery header");
  if (!verifySignature(deps.secret, body, header(req, "x-hub-signature-256"))) {
    return refuse(400, "the X-Hub-Signature-256 signature does not match the body");
  }
  const contentType = header(req, "content-type");
  if (contentType && !/^application\/json\b/i.test(contentType)) {
    return refuse(
      415,
      `content type ${contentType} is not supported; configure the webhook for application/json`,
    );
  }
  let delivery: ReturnType<typeof parseDelivery>;
  try {
    delivery = parseDelivery(deliveryId, event, body);
  } catch (error) {
    if (error instanceof WebhookInputError) return refuse(error.status, error.message);
    throw error;
  }

  let outcome: { recorded: false } | { recorded: true; jobId: string };
  try {
    outcome = await inTransaction(deps.db, async (trx) => {
      if (!(await recordDelivery(trx, delivery))) return { recorded: false as const };
      await appendAudit(trx, {
        chain: delivery.installationId ?? 0,
        kind: "delivery.received",
        actor: senderOf(delivery.payload),
        repository: delivery.repository,
        subject: `delivery:${deliveryId}`,
        data: { event, action: delivery.action },
      });
      const jobId = await enqueueDelivery(deps.boss, trx, deliveryId);
      if (!jobId) throw new Error(`the queue refused a job for new delivery ${deliveryId}`);
      return { recorded: true as const, jobId };
    });
  } catch (error) {
    deps.metrics.webhookRequests.inc({ event, outcome: "503" });
    log.error({ err: error }, "could not record and enqueue the delivery");
    sendJson(res, 503, { error: "could not record the delivery; redeliver it later" });
    return;
  }
  if (!outcome.recorded) {
    deps.metrics.webhookRequests.inc({ event, outcome: "duplicate" });
    log.info("redelivery of a recorded delivery; no new job");
    sendJson(res, 200, { status: "duplicate", delivery: deliveryId });
    return;
  }
  deps.metrics.webhookRequests.inc({ event, outcome: "202" });
  span?.setAttributes({ "http.response.status_code": 202, "messaging.message.id": outcome.jobId });
  log.info({ jobId: outcome.jobId, action: delivery.action }, "delivery recorded and queued");
  sendJson(res, 202, { status: "queued", delivery: deliveryId, job: outcome.jobId });
}

function senderOf(payload: unknown): string | null {
  const sender = (payload as { sender?: { login?: unknown } }).sender;
  return typeof sender?.login === "string" ? sender.login : null;
}
