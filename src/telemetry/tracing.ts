/**
 * OpenTelemetry tracing, on only when an OTLP endpoint is configured. Off, nothing here loads:
 * the SDK and the exporter are imported on demand, and the spans of spans.ts stay the API's
 * no-ops. On, spans go in batches to `<endpoint>/v1/traces` as OTLP/HTTP JSON; the W3C trace
 * context is the propagator, so the queue (pg-boss stores it on each job) carries one
 * delivery's trace from the webhook to whichever worker runs it.
 */
import { context, propagation, trace } from "@opentelemetry/api";

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT (the collector's base URL); undefined = tracing off. */
  readonly endpoint: string | undefined;
  /** OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the full traces URL, when it differs from `<endpoint>/v1/traces`. */
  readonly tracesEndpoint?: string | undefined;
  /** OTEL_SERVICE_NAME; default "maestro-hive". */
  readonly serviceName?: string | undefined;
}

export interface Tracing {
  /** Sends what is buffered and stops; the API goes back to no-ops. */
  shutdown(): Promise<void>;
}

export function tracesUrl(settings: TracingSettings): string | undefined {
  if (settings.tracesEndpoint) return settings.tracesEndpoint;
  if (!settings.endpoint) return undefined;
  return `${settings.endpoint.replace(/\/+$/, "")}/v1/traces`;
}

/** Starts tracing when an endpoint is set; undefined (and nothing loaded) otherwise. */
export async function startTracing(settings: TracingSettings): Promise<Tracing | undefined> {
  const url = tracesUrl(settings);
  if (url === undefined) return undefined;
  const [{ TracerProvider, BatchSpanProcessor }, { AsyncLocalStorageContextManager }, core, otlp, resources] =
    await Promise.all([
      import("@opentelemetry/sdk-trace"),
      import("@opentelemetry/context-async-hooks"),
      import("@opentelemetry/core"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
    ]);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  // Trace context only: W3C baggage would copy whatever a caller put there onto every job row.
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  const provider = new TracerProvider({
    resource: resources.resourceFromAttributes({ "service.name": settings.serviceName ?? "maestro-hive" }),
    spanProcessors: [new BatchSpanProcessor({ exporter: new otlp.OTLPTraceExporter({ url }) })],
  });
  trace.setGlobalTracerProvider(provider);
  return {
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
