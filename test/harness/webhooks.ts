/**
 * Webhook sender for tests: real example payloads from @octokit/webhooks-examples, adjusted by the test,
 * validated against GitHub's webhook schemas (test/fixtures/github/webhook-schemas.json, from
 * @octokit/openapi-webhooks), signed with X-Hub-Signature-256 and POSTed over HTTP.
 *
 *   const res = await sendWebhook({
 *     url: `${appUrl}/api/github/webhooks`, secret: "s3cret",
 *     event: "pull_request", action: "opened", installationId: 77,
 *     repository: { owner: "acme", name: "shop" },
 *     patch: { number: 5, pull_request: { number: 5, head: { sha, ref: "feature" }, base: { sha: base, ref: "main" } } },
 *   });  // → { status, body, deliveryId, payload }
 *
 * The examples predate fields GitHub now always sends (e.g. repository.has_discussions). Before the
 * test's changes are applied, such missing required fields are filled with typed empty values
 * (null / false / "" / 0 / [] / {…required}) read from the schema, and epoch-number timestamps are
 * turned into ISO strings where the schema says date-time. After the test's changes the payload must
 * validate as it is: a test cannot send something GitHub never would (use `rawBody` to send junk).
 */
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { fillRequired } from "./schema-fill.ts";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

export type WebhookEvent =
  | "push"
  | "pull_request"
  | "check_run"
  | "check_suite"
  | "issue_comment"
  | "installation"
  | "installation_repositories"
  | "workflow_run";

type JsonObject = Record<string, unknown>;

const SCHEMA_PATH = join(dirname(fileURLToPath(import.meta.url)), "../fixtures/github/webhook-schemas.json");
const SCHEMA_ID = "https://fake-github.invalid/webhook-schemas.json";

interface WebhookSpec {
  webhooks: Record<
    string,
    { post: { requestBody: { content: { "application/json": { schema: { $ref: string } } } } } }
  >;
  components: { schemas: Record<string, JsonObject> };
}

let loaded: { spec: WebhookSpec; ajv: Ajv; examples: Map<string, JsonObject[]> } | undefined;
const validators = new Map<string, ValidateFunction>();

function load() {
  if (loaded) return loaded;
  const spec = JSON.parse(readFileSync(SCHEMA_PATH, "utf8")) as WebhookSpec;
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    logger: false,
    // Shared components compiled once as functions, and no code optimisation pass: compiling a webhook
    // schema drops from ~1 s to ~0.2 s, and validation stays far faster than the HTTP round trip.
    inlineRefs: false,
    code: { optimize: false },
    verbose: true,
  });
  addFormats(ajv);
  ajv.addSchema(spec as unknown as JsonObject, SCHEMA_ID);
  const require = createRequire(import.meta.url);
  const definitions = require("@octokit/webhooks-examples") as Array<{
    name: string;
    examples: JsonObject[];
  }>;
  const examples = new Map(definitions.map((definition) => [definition.name, definition.examples]));
  loaded = { spec, ajv, examples };
  return loaded;
}

/** The schema key GitHub's description uses: "pull-request-opened", "push". */
export function webhookSchemaKey(event: WebhookEvent, action?: string): string {
  return [event, action].filter(Boolean).join("-").replaceAll("_", "-");
}

function validatorFor(event: WebhookEvent, action?: string): ValidateFunction {
  const key = webhookSchemaKey(event, action);
  let validate = validators.get(key);
  if (!validate) {
    const webhook = load().spec.webhooks[key];
    if (!webhook) throw new Error(`GitHub sends no "${event}" webhook with action "${action ?? ""}"`);
    const ref = webhook.post.requestBody.content["application/json"].schema.$ref;
    validate = load().ajv.compile({ $ref: `${SCHEMA_ID}${ref}` });
    validators.set(key, validate);
  }
  return validate;
}

export interface WebhookValidation {
  valid: boolean;
  errors: string[];
}

/** Validates a payload against GitHub's schema for the event and its `action`. */
export function validateWebhookPayload(event: WebhookEvent, payload: JsonObject): WebhookValidation {
  const action = typeof payload.action === "string" ? payload.action : undefined;
  const validate = validatorFor(event, action);
  const valid = validate(payload);
  return {
    valid,
    errors: (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`),
  };
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep merge: objects merge key by key, anything else (arrays included) replaces. */
export function deepMerge(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    const current = target[key];
    if (isPlainObject(value) && isPlainObject(current)) deepMerge(current, value);
    else target[key] = structuredClone(value);
  }
  return target;
}

/** Examples for an event (deep copies), optionally only those of one action. */
export function webhookExamples(event: WebhookEvent, action?: string): JsonObject[] {
  const all = load().examples.get(event) ?? [];
  return all
    .filter((example) => action === undefined || example.action === action)
    .map((e) => structuredClone(e));
}

export interface RepositoryRef {
  owner: string;
  name: string;
  id?: number;
  private?: boolean;
  defaultBranch?: string;
}

export interface BuildWebhookOptions {
  event: WebhookEvent;
  action?: string;
  /** Which example of the event/action to start from (default: the first one; see the module comment). */
  exampleIndex?: number;
  /** Sets `installation: { id, node_id }` (the examples lack it; Probot needs it to authenticate). */
  installationId?: number;
  /** Renames the repository everywhere the payload names it (top level, pull_request.base/head.repo). */
  repository?: RepositoryRef;
  /** Deep-merged last (objects merge, arrays replace). */
  patch?: JsonObject;
}

function repositoryPatch(repository: RepositoryRef): JsonObject {
  const fullName = `${repository.owner}/${repository.name}`;
  return {
    ...(repository.id !== undefined ? { id: repository.id } : {}),
    name: repository.name,
    full_name: fullName,
    ...(repository.private !== undefined ? { private: repository.private } : {}),
    ...(repository.defaultBranch ? { default_branch: repository.defaultBranch } : {}),
    owner: { login: repository.owner },
    html_url: `https://github.com/${fullName}`,
    url: `https://api.github.com/repos/${fullName}`,
  };
}

function applyRepository(payload: JsonObject, repository: RepositoryRef): void {
  const repoPatch = repositoryPatch(repository);
  if (isPlainObject(payload.repository)) deepMerge(payload, { repository: repoPatch });
  const pr = payload.pull_request;
  if (isPlainObject(pr)) deepMerge(pr, { base: { repo: repoPatch }, head: { repo: repoPatch } });
  // installation / installation_repositories events list repositories instead of naming one.
  const listed = {
    ...(repository.id !== undefined ? { id: repository.id } : {}),
    name: repository.name,
    full_name: `${repository.owner}/${repository.name}`,
    ...(repository.private !== undefined ? { private: repository.private } : {}),
  };
  for (const key of ["repositories", "repositories_added", "repositories_removed"]) {
    const list = payload[key];
    if (
      Array.isArray(list) &&
      isPlainObject(list[0]) &&
      (key !== "repositories_removed" || payload.action === "removed")
    ) {
      payload[key] = [deepMerge(structuredClone(list[0]), listed)];
    }
  }
  if (isPlainObject(payload.installation) && isPlainObject(payload.installation.account)) {
    deepMerge(payload.installation, { account: { login: repository.owner } });
  }
}

/** Builds a payload (without sending it); throws when GitHub's schema rejects the result. */
export function buildWebhookPayload(options: BuildWebhookOptions): JsonObject {
  const { event, action } = options;
  let candidates = webhookExamples(event, action);
  if (candidates.length === 0 && action !== undefined) {
    // No example of this action (e.g. pull_request.edited): start from another action of the event.
    candidates = webhookExamples(event).map((example) => ({ ...example, action }));
  }
  const index = options.exampleIndex ?? 0;
  const payload = candidates[index];
  if (!payload) throw new Error(`no example #${index} for ${webhookSchemaKey(event, action)}`);
  const problems = fillRequired(
    payload,
    validatorFor(event, typeof payload.action === "string" ? payload.action : undefined),
    load().spec.components.schemas,
  );
  if (problems.length > 0)
    throw new Error(`example ${webhookSchemaKey(event, action)} #${index}: ${problems.join("; ")}`);
  if (options.repository) applyRepository(payload, options.repository);
  if (options.installationId !== undefined) {
    const id = options.installationId;
    const nodeId = Buffer.from(`Installation:${id}`).toString("base64url");
    if (isPlainObject(payload.installation)) deepMerge(payload, { installation: { id, node_id: nodeId } });
    else payload.installation = { id, node_id: nodeId };
  }
  if (options.patch) deepMerge(payload, options.patch);
  const result = validateWebhookPayload(event, payload);
  if (!result.valid) {
    throw new Error(
      `${webhookSchemaKey(event, action)} payload is not one GitHub would send:\n  ${result.errors.join("\n  ")}`,
    );
  }
  return payload;
}

/** "sha256=" + HMAC-SHA256 of the raw body, as in X-Hub-Signature-256. */
export function signWebhook(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface SendWebhookOptions extends BuildWebhookOptions {
  /** Full URL of the webhook endpoint, e.g. `${appUrl}/api/github/webhooks`. */
  url: string;
  secret: string;
  /** X-GitHub-Delivery; a fresh UUID by default (reuse one to simulate a redelivery). */
  deliveryId?: string;
  /** Send this body instead of a built payload (for malformed-input tests; no validation). */
  rawBody?: string;
  /** Override the computed signature (for bad-signature tests). */
  signature?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface WebhookResponse {
  status: number;
  body: string;
  deliveryId: string;
  payload: JsonObject | undefined;
}

/** The headers GitHub sends with a delivery of `event`, signed over `body`. */
function deliveryHeaders(
  options: Pick<SendWebhookOptions, "event" | "secret" | "signature" | "contentType" | "headers">,
  deliveryId: string,
  body: string,
  installationId: number,
): Record<string, string> {
  return {
    "content-type": options.contentType ?? "application/json",
    "user-agent": "GitHub-Hookshot/fake",
    "x-github-event": options.event,
    "x-github-delivery": deliveryId,
    "x-github-hook-id": "1",
    "x-github-hook-installation-target-type": "integration",
    "x-github-hook-installation-target-id": String(installationId),
    "x-hub-signature-256": options.signature ?? signWebhook(options.secret, body),
    ...(options.headers ?? {}),
  };
}

/** Builds (unless rawBody), signs and POSTs a webhook delivery. */
export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookResponse> {
  const payload = options.rawBody === undefined ? buildWebhookPayload(options) : undefined;
  const body = options.rawBody ?? JSON.stringify(payload);
  const deliveryId = options.deliveryId ?? randomUUID();
  const installation = payload?.installation as { id?: number } | undefined;
  const response = await fetch(options.url, {
    method: "POST",
    headers: deliveryHeaders(options, deliveryId, body, installation?.id ?? 0),
    body,
  });
  return { status: response.status, body: await response.text(), deliveryId, payload };
}

/** A delivery ready to post: its body serialised before the clock starts. */
export interface OutgoingDelivery {
  readonly event: WebhookEvent;
  readonly rawBody: string;
  readonly deliveryId: string;
}

export interface SendJob {
  readonly url: string;
  readonly secret: string;
  readonly concurrency: number;
  readonly deliveries: readonly OutgoingDelivery[];
}

export interface SendOutcome {
  /** Time to each answer, ms, in completion order. */
  readonly latencies: number[];
  readonly statuses: number[];
  /** The answers other than 202 (a fresh delivery recorded and queued): status and body. */
  readonly refused: string[];
  /** Requests that got no answer. */
  readonly errors: string[];
  readonly wallMs: number;
}

/**
 * Signs and posts every delivery once from `concurrency` senders on this event loop; times each
 * answer. The senders post with node:http over kept-alive connections, not fetch: undici's fetch
 * cost them ~0.5 ms of CPU per delivery, taken from the two cores the app under test runs on.
 */
export async function sendConcurrentlyHere(job: SendJob): Promise<SendOutcome> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  const latencies: number[] = [];
  const statuses: number[] = [];
  const refused: string[] = [];
  const errors: string[] = [];
  let next = 0;
  const started = performance.now();
  const sender = async () => {
    for (let i = next++; i < job.deliveries.length; i = next++) {
      const delivery = job.deliveries[i];
      if (!delivery) break;
      const t0 = performance.now();
      try {
        const result = await postDelivery(agent, job, delivery);
        latencies.push(performance.now() - t0);
        statuses.push(result.status);
        if (result.status !== 202) refused.push(`${result.status} ${result.body}`);
      } catch (error) {
        errors.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, sender));
  agent.destroy();
  return { latencies, statuses, refused, errors, wallMs: performance.now() - started };
}

/** POSTs one prepared delivery (signed here) through `agent`; resolves with the answer. */
function postDelivery(
  agent: Agent,
  job: SendJob,
  delivery: OutgoingDelivery,
): Promise<{ status: number; body: string }> {
  const body = Buffer.from(delivery.rawBody);
  const headers = {
    ...deliveryHeaders({ ...delivery, secret: job.secret }, delivery.deliveryId, delivery.rawBody, 0),
    "content-length": String(body.length),
  };
  return new Promise((resolve, reject) => {
    const req = request(job.url, { method: "POST", agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}
