/**
 * GitHub's own webhook payload types (@octokit/webhooks), held against the zod schemas that
 * read payloads at run time: `PayloadReads<E, S>` fails to compile when schema S names a field
 * that GitHub's payload of event E does not have, or expects another type for it. The
 * schemas stay: they validate what arrives (a payload type is no proof of what was sent).
 */
import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";
import type { z } from "zod";

export type WebhookPayload<E extends EmitterWebhookEventName> = EmitterWebhookEvent<E>["payload"];

/** `true` when every payload of event E is accepted by schema S (as TypeScript sees both). */
export type PayloadReads<E extends EmitterWebhookEventName, S extends z.ZodType> = [
  WebhookPayload<E>,
] extends [z.input<S>]
  ? true
  : false;

/** Use as `Expect<PayloadReads<…>>`: a compile error unless it is `true`. */
export type Expect<T extends true> = T;
