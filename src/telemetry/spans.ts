/**
 * Spans for the parts of a delivery: the webhook, the job, the analysis stages, each GitHub
 * request. Written against @opentelemetry/api only: without a registered SDK (tracing off,
 * see tracing.ts) every call here is the API's no-op and costs next to nothing.
 * Attributes name what was done (event, delivery id, repository, HTTP method and path), never
 * credentials, payloads or query strings (codeload URLs carry a token there).
 */
import { type Attributes, context, type Span, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

const TRACER_NAME = "maestro-hive";

export type { Attributes, Span };
export { SpanKind, SpanStatusCode };

function tracer() {
  return trace.getTracer(TRACER_NAME);
}

/** Marks the span failed with the error's class and message (no stack, no cause chain). */
export function recordFailure(span: Span, error: unknown): void {
  span.setAttribute("error.type", error instanceof Error ? error.constructor.name : "_OTHER");
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: error instanceof Error ? error.message : String(error),
  });
}

/** Runs `work` in a new span, active for everything it awaits; the span ends when `work` settles. */
export async function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes },
  work: (span: Span) => Promise<T> | T,
): Promise<T> {
  return tracer().startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * A wrapper for work that may or may not return a promise (the engine's phases): a span named
 * `prefix phase` around it, ended when the work returns or its promise settles.
 */
export function spanAround(prefix: string): <T>(phase: string, work: () => T) => T {
  return <T>(phase: string, work: () => T): T => {
    const span = tracer().startSpan(`${prefix} ${phase}`);
    const end = (error?: unknown) => {
      if (error !== undefined) recordFailure(span, error);
      span.end();
    };
    let result: T;
    try {
      result = context.with(trace.setSpan(context.active(), span), work);
    } catch (error) {
      end(error);
      throw error;
    }
    if (result instanceof Promise) {
      result.then(
        () => end(),
        (error: unknown) => end(error ?? new Error("rejected")),
      );
    } else {
      end();
    }
    return result;
  };
}

/** The span of the current context, if any (to add attributes found later). */
export function activeSpan(): Span | undefined {
  return trace.getActiveSpan();
}
