/**
 * One call to the Anthropic Messages API through @anthropic-ai/sdk, bounded (max_tokens,
 * per-request timeout, few retries, the caller's abort signal), with the reply validated
 * and every failure turned into a one-line reason a PR author can read.
 *
 * The SDK (~250 modules) is imported on the first client, not with the app: most deployments
 * never explain a finding, and its code would stay in every app process (bench/app-memory).
 */
import type Anthropic from "@anthropic-ai/sdk";
import { z } from "zod";

type Sdk = typeof import("@anthropic-ai/sdk");

/** The SDK once a client was made; the errors describeFailure sees can only come from it then. */
let sdk: Sdk | undefined;

/** A current model; override per repository (`ai.model`) or per deployment (MAESTRO_AI_MODEL). */
export const DEFAULT_MODEL = "claude-sonnet-4-6";
export const DEFAULT_MAX_TOKENS = 400;
export const DEFAULT_TIMEOUT_MS = 20_000;
export const DEFAULT_MAX_RETRIES = 1;
/** An explanation is a comment paragraph, not an essay; longer replies are cut. */
export const MAX_EXPLANATION_CHARS = 1_500;

export interface AnthropicSettings {
  readonly apiKey: string;
  readonly baseURL?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxRetries?: number | undefined;
}

export async function createAnthropicClient(settings: AnthropicSettings): Promise<Anthropic> {
  sdk ??= await import("@anthropic-ai/sdk");
  return new sdk.default({
    apiKey: settings.apiKey,
    authToken: null,
    ...(settings.baseURL !== undefined ? { baseURL: settings.baseURL } : {}),
    timeout: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: settings.maxRetries ?? DEFAULT_MAX_RETRIES,
    // We log outcomes ourselves, with the finding id; the SDK's console output would bypass pino.
    logLevel: "off",
  });
}

export interface ExplanationRequest {
  readonly model: string;
  readonly maxTokens: number;
  readonly system: string;
  readonly user: string;
}

export interface ExplanationReply {
  readonly text: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly model: string;
}

/** The parts of a Messages API reply we rely on; anything else in it is ignored. */
const replySchema = z.object({
  model: z.string().optional(),
  content: z.array(z.object({ type: z.string(), text: z.string().optional() })),
  usage: z.object({
    input_tokens: z.number().int().nonnegative(),
    output_tokens: z.number().int().nonnegative(),
  }),
});

export class InvalidReplyError extends Error {}

export async function requestExplanation(
  client: Anthropic,
  request: ExplanationRequest,
  signal?: AbortSignal,
): Promise<ExplanationReply> {
  const message: unknown = await client.messages.create(
    {
      model: request.model,
      max_tokens: request.maxTokens,
      system: request.system,
      messages: [{ role: "user", content: request.user }],
    },
    signal ? { signal } : undefined,
  );
  const parsed = replySchema.safeParse(message);
  if (!parsed.success) throw new InvalidReplyError("the reply is not a Messages API message");
  const text = parsed.data.content
    .filter((block) => block.type === "text" && block.text !== undefined)
    .map((block) => block.text ?? "")
    .join("\n")
    .trim();
  if (text === "") throw new InvalidReplyError("the reply has no text");
  return {
    text: text.length > MAX_EXPLANATION_CHARS ? `${text.slice(0, MAX_EXPLANATION_CHARS)}…` : text,
    inputTokens: parsed.data.usage.input_tokens,
    outputTokens: parsed.data.usage.output_tokens,
    model: parsed.data.model ?? request.model,
  };
}

export type FailureKind =
  | "timeout"
  | "rate-limited"
  | "server-error"
  | "refused"
  | "connection"
  | "invalid-reply"
  | "aborted"
  | "other";

export interface Failure {
  readonly kind: FailureKind;
  /** One line, safe to show in a PR comment (no key, no prompt). */
  readonly reason: string;
}

export function describeFailure(error: unknown): Failure {
  const sdkFailure = sdk ? describeSdkFailure(sdk, error) : null;
  if (sdkFailure) return sdkFailure;
  if (error instanceof InvalidReplyError || error instanceof SyntaxError) {
    return { kind: "invalid-reply", reason: "the Anthropic API sent an invalid reply" };
  }
  if (error instanceof Error && error.name === "AbortError") {
    return { kind: "aborted", reason: "the time budget ran out" };
  }
  return { kind: "other", reason: "the explanation request failed" };
}

function describeSdkFailure(
  { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError }: Sdk,
  error: unknown,
): Failure | null {
  if (error instanceof APIUserAbortError) return { kind: "aborted", reason: "the time budget ran out" };
  if (error instanceof APIConnectionTimeoutError)
    return { kind: "timeout", reason: "the Anthropic API timed out" };
  if (error instanceof APIConnectionError) {
    return { kind: "connection", reason: "the Anthropic API could not be reached" };
  }
  if (error instanceof APIError && typeof error.status === "number") {
    const status = error.status;
    if (status === 429) return { kind: "rate-limited", reason: "the Anthropic API rate limit was hit (429)" };
    if (status >= 500) return { kind: "server-error", reason: `the Anthropic API failed (${status})` };
    if (status === 401 || status === 403) {
      return { kind: "refused", reason: `the Anthropic API refused the key (${status})` };
    }
    return { kind: "refused", reason: `the Anthropic API refused the request (${status})` };
  }
  return null;
}
