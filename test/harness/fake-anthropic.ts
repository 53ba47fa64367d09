/**
 * A local HTTP server speaking the Anthropic Messages API (POST /v1/messages), for tests that
 * point @anthropic-ai/sdk at it through baseURL. Every request is checked the way the real API
 * would: an API key (x-api-key, or the Bearer header the SDK sends) and anthropic-version, model, a bounded max_tokens, a system string and a messages array; a request
 * that fails the check is answered 400 like the API and recorded in `violations`, so a test can
 * assert there were none. Replies are scripted per test (status, headers, body, delay).
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

export const FAKE_API_KEY = "sk-ant-test-0000000000000000000000";

const textBlock = z.strictObject({ type: z.literal("text"), text: z.string().min(1) });

/** What we accept from the app: the documented shape, bounded. */
export const messagesRequestSchema = z.strictObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1).max(1024),
  system: z.string().min(1),
  messages: z
    .array(
      z.strictObject({
        role: z.enum(["user", "assistant"]),
        content: z.union([z.string().min(1), z.array(textBlock).min(1)]),
      }),
    )
    .min(1),
  temperature: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).optional(),
  metadata: z.object({ user_id: z.string().optional() }).optional(),
});

export type MessagesRequest = z.infer<typeof messagesRequestSchema>;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Parsed body when it was JSON, else the raw text. */
  readonly body: unknown;
  /** The validated request, or null when it was refused. */
  readonly message: MessagesRequest | null;
  /** The user message's text (content string or joined text blocks); "" when refused. */
  readonly userText: string;
}

export interface FakeReply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** An object is sent as JSON; a string is sent as is (for malformed JSON). */
  readonly body?: unknown;
  /** Wait before answering (timeouts). */
  readonly delayMs?: number;
}

export type Responder = (request: RecordedRequest, index: number) => FakeReply;

export interface FakeAnthropic {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly violations: string[];
  /** The most requests that were being answered at the same time. */
  readonly maxInFlight: number;
  /** Replaces how requests are answered (default: a short explanation, 200). */
  respond(responder: Responder): void;
  /** Answers the next requests with these replies, in order, then falls back to the responder. */
  queue(...replies: FakeReply[]): void;
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_TEXT =
  "Why: this layer must not depend on a higher one, or changes ripple upwards. Fix: move the call behind an interface owned by the lower layer.";

/** A Messages API reply as the real API sends it. */
export function messageReply(
  text: string,
  usage: { input_tokens: number; output_tokens: number } = { input_tokens: 321, output_tokens: 45 },
  model = "claude-sonnet-4-6",
): Record<string, unknown> {
  return {
    id: `msg_${Math.random().toString(36).slice(2, 14)}`,
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage,
  };
}

export function apiError(status: number, type: string, message: string): FakeReply {
  return { status, body: { type: "error", error: { type, message } } };
}

const defaultResponder: Responder = (request) => ({
  status: 200,
  body: messageReply(DEFAULT_TEXT, {
    input_tokens: Math.ceil(request.userText.length / 4) + 100,
    output_tokens: 45,
  }),
});

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const violations: string[] = [];
  const queued: FakeReply[] = [];
  let responder: Responder = defaultResponder;
  let inFlight = 0;
  let maxInFlight = 0;

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // recorded as text; refused below
      }
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const problems = checkRequest(req.method ?? "", path, req.headers, body);
      const parsed = problems.length === 0 ? messagesRequestSchema.safeParse(body) : null;
      if (parsed && !parsed.success) {
        problems.push(
          ...parsed.error.issues.map((issue) => `body.${issue.path.join(".")}: ${issue.message}`),
        );
      }
      const message = parsed?.success ? parsed.data : null;
      const recorded: RecordedRequest = {
        method: req.method ?? "",
        path,
        headers: req.headers,
        body,
        message,
        userText: message ? userTextOf(message) : "",
      };
      requests.push(recorded);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      res.on("close", () => {
        inFlight -= 1;
      });
      if (problems.length > 0) {
        violations.push(...problems);
        send(res, apiError(400, "invalid_request_error", problems.join("; ")));
        return;
      }
      const reply = queued.shift() ?? responder(recorded, requests.length - 1);
      if (reply.delayMs) setTimeout(() => send(res, reply), reply.delayMs).unref();
      else send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    violations,
    get maxInFlight() {
      return maxInFlight;
    },
    respond(next) {
      responder = next;
    },
    queue(...replies) {
      queued.push(...replies);
    },
    reset() {
      requests.length = 0;
      violations.length = 0;
      queued.length = 0;
      maxInFlight = 0;
      responder = defaultResponder;
    },
    close() {
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}

function checkRequest(method: string, path: string, headers: IncomingHttpHeaders, body: unknown): string[] {
  const problems: string[] = [];
  if (method !== "POST" || path !== "/v1/messages") problems.push(`unexpected ${method} ${path}`);
  if (apiKeyOf(headers) === null) problems.push("no API key: neither x-api-key nor Authorization: Bearer");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(headers["anthropic-version"] ?? ""))) {
    problems.push("anthropic-version header missing or not a date (YYYY-MM-DD)");
  }
  if (!String(headers["content-type"] ?? "").startsWith("application/json"))
    problems.push("content-type is not JSON");
  if (typeof body !== "object" || body === null) problems.push("body is not a JSON object");
  return problems;
}

/**
 * The API key a request carries. The API takes `x-api-key`; @anthropic-ai/sdk 1.x sends the key
 * as `Authorization: Bearer <key>` instead, which the API takes too.
 */
export function apiKeyOf(headers: IncomingHttpHeaders): string | null {
  const direct = headers["x-api-key"];
  if (typeof direct === "string" && direct !== "") return direct;
  const bearer = /^Bearer (\S+)$/.exec(headers.authorization ?? "");
  return bearer?.[1] ?? null;
}

function userTextOf(message: MessagesRequest): string {
  return message.messages
    .filter((m) => m.role === "user")
    .map((m) => (typeof m.content === "string" ? m.content : m.content.map((block) => block.text).join("\n")))
    .join("\n");
}

function send(res: ServerResponse, reply: FakeReply): void {
  if (res.destroyed) return;
  const status = reply.status ?? 200;
  const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
  res.writeHead(status, { "content-type": "application/json", "request-id": "req_fake", ...reply.headers });
  res.end(text);
}
