/**
 * The webhook endpoint. It only verifies, records and enqueues — in one transaction keyed by
 * X-GitHub-Delivery, shared with the deliveries arriving alongside (delivery-intake.ts) — then
 * answers, well inside GitHub's 10-second limit. A redelivery of a recorded id is acknowledged
 * without a second job. If recording or enqueueing fails the
 * answer is 5xx, so the delivery shows as failed on GitHub and can be redelivered.
 *
 * The transaction takes no per-installation lock: the delivery's `delivery.received` audit row
 * is appended after the answer by the process's appender (delivery-appender.ts), from the
 * delivery row, which stays marked pending until then — so deliveries of one installation are
 * recorded side by side instead of one after another behind its audit chain.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import { activeSpan } from "../telemetry/spans.ts";
import type { DeliveryIntake, IntakeOutcome } from "./delivery-intake.ts";
import { type BodyLimits, readBody, sendJson } from "./http.ts";
import type { AppMetrics } from "./metrics.ts";
import { isSignatureHeader, verifySignature } from "./signature.ts";
import { parseDelivery, WebhookInputError } from "./webhook-input.ts";

/** GitHub caps webhook payloads at 25 MB. */
export const MAX_WEBHOOK_BYTES = 25 * 1024 * 1024;
/** A webhook body that sends nothing for this long is closed (GitHub sends it in one go). */
export const WEBHOOK_BODY_IDLE_MS = 5_000;

export interface WebhookDeps {
  /** Records the delivery and enqueues its job (with the deliveries arriving alongside it). */
  intake: DeliveryIntake;
  secret: string;
  log: Logger;
  metrics: AppMetrics;
  /** Body size and stall limits; default MAX_WEBHOOK_BYTES and WEBHOOK_BODY_IDLE_MS. */
  body?: BodyLimits | undefined;
  /** Told after a new delivery is recorded and queued (it wakes the audit appender and this process's workers). */
  onRecorded?: (() => void) | undefined;
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
  // What the headers alone can refuse is refused before a byte of the body is read.
  if (!event || !/^[a-z_]+$/.test(event)) return refuse(400, "missing or malformed X-GitHub-Event header");
  if (!deliveryId || deliveryId.length > 200)
    return refuse(400, "missing or malformed X-GitHub-Delivery header");
  const signature = header(req, "x-hub-signature-256");
  if (!isSignatureHeader(signature)) {
    return refuse(400, "missing or malformed X-Hub-Signature-256 header: the delivery carries no signature");
  }
  const limits = deps.body ?? { maxBytes: MAX_WEBHOOK_BYTES, idleMs: WEBHOOK_BODY_IDLE_MS };
  const body = await readBody(req, limits);
  if (body === "too-large") return refuse(413, `the body exceeds ${limits.maxBytes} bytes`);
  if (body === "stalled") {
    res.setHeader("connection", "close");
    res.once("finish", () => req.socket.destroy());
    return refuse(408, `the body stalled for ${limits.idleMs} ms`);
  }
  if (!verifySignature(deps.secret, body, signature)) {
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

  let outcome: IntakeOutcome;
  try {
    outcome = await deps.intake.record(delivery);
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
  deps.onRecorded?.();
}
