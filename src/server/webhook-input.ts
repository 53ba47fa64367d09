/**
 * Turns a verified webhook body into a delivery record, refusing what GitHub would never send:
 * a body that is not a JSON object, or an event without the fields its handlers rely on.
 */
import { z } from "zod";
import type { DeliveryRecord } from "../store/deliveries.ts";

export class WebhookInputError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

const id = z.number().int().positive();
const repository = z.object({
  id,
  full_name: z.string().regex(/^[^/\s]+\/[^/\s]+$/),
  owner: z.object({ login: z.string() }),
});
const installation = z.object({ id });
const sha = z.string().regex(/^[0-9a-f]{40}$/i);

/** Required fields per event; events not listed need only be a JSON object. */
const EVENT_SCHEMAS: Record<string, z.ZodType> = {
  push: z.object({ ref: z.string(), after: sha, repository, installation }),
  pull_request: z.object({
    action: z.string(),
    number: z.number().int(),
    pull_request: z.object({ head: z.object({ sha }), base: z.object({ sha, ref: z.string() }) }),
    repository,
    installation,
  }),
  check_suite: z.object({
    action: z.string(),
    check_suite: z.object({ head_sha: sha }),
    repository,
    installation,
  }),
  check_run: z.object({
    action: z.string(),
    check_run: z.object({ id, head_sha: sha, name: z.string() }),
    repository,
    installation,
  }),
  issue_comment: z.object({
    action: z.string(),
    issue: z.object({ number: z.number().int() }),
    comment: z.object({ id, body: z.string() }),
    repository,
    installation,
  }),
  installation: z.object({
    action: z.string(),
    installation: installation.extend({ account: z.object({ login: z.string() }) }),
  }),
  workflow_run: z.object({
    action: z.string(),
    workflow_run: z.object({ id, head_sha: sha, run_attempt: z.number().int().positive() }),
    repository,
    installation,
  }),
  installation_repositories: z.object({
    action: z.string(),
    installation,
    repositories_added: z.array(z.object({ id, full_name: z.string() })),
    repositories_removed: z.array(z.object({ id })),
  }),
};

export const SUBSCRIBED_EVENTS = Object.keys(EVENT_SCHEMAS);

export function parseDelivery(deliveryId: string, event: string, body: Buffer): DeliveryRecord {
  let payload: unknown;
  try {
    payload = JSON.parse(body.toString("utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WebhookInputError(400, `the body is not JSON: ${reason}`);
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) {
    throw new WebhookInputError(400, "the body must be a JSON object");
  }
  const schema = EVENT_SCHEMAS[event];
  if (schema) {
    const result = schema.safeParse(payload);
    if (!result.success) {
      const fields = result.error.issues.map(
        (issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`,
      );
      throw new WebhookInputError(422, `the ${event} payload lacks required fields: ${fields.join("; ")}`);
    }
  }
  const record = payload as Record<string, unknown>;
  return {
    deliveryId,
    event,
    action: typeof record.action === "string" ? record.action : null,
    installationId: numberAt(record, "installation", "id"),
    repository: stringAt(record, "repository", "full_name"),
    payload,
    body,
  };
}

function member(record: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = record[key];
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
}

function numberAt(record: Record<string, unknown>, key: string, field: string): number | null {
  const value = member(record, key)?.[field];
  return typeof value === "number" && Number.isSafeInteger(value) ? value : null;
}

function stringAt(record: Record<string, unknown>, key: string, field: string): string | null {
  const value = member(record, key)?.[field];
  return typeof value === "string" ? value : null;
}
