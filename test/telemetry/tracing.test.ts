/**
 * Tracing off costs nothing: without an endpoint, loading the app and starting tracing loads no
 * module of the OpenTelemetry SDK or exporter (only the API, which pg-boss imports anyway). A
 * child process records every module it loads, so this test sees what the app really imports.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { tracesUrl } from "../../src/telemetry/tracing.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SDK = /@opentelemetry\/(sdk-trace|exporter-trace-otlp-http|context-async-hooks|resources|core|otlp-)/;

function modulesLoaded(endpoint: string | undefined): string[] {
  const script = `
    import { registerHooks } from "node:module";
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    await import("./src/server/app.ts");
    await import("./src/cli/commands/worker.ts");
    const { startTracing } = await import("./src/telemetry/tracing.ts");
    const tracing = await startTracing({ endpoint: ${JSON.stringify(endpoint ?? null)} ?? undefined });
    await tracing?.shutdown();
    process.stdout.write(JSON.stringify({ on: tracing !== undefined, loaded }));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  const { on, loaded } = JSON.parse(out) as { on: boolean; loaded: string[] };
  expect(on).toBe(endpoint !== undefined);
  return loaded;
}

it("loads no SDK module when OTEL_EXPORTER_OTLP_ENDPOINT is unset, and the SDK when it is", () => {
  const off = modulesLoaded(undefined);
  expect(off.some((url) => url.includes("/src/server/app.ts"))).toBe(true);
  expect(off.filter((url) => SDK.test(url))).toEqual([]);
  const on = modulesLoaded("http://127.0.0.1:9");
  expect(on.some((url) => url.includes("@opentelemetry/sdk-trace"))).toBe(true);
  expect(on.some((url) => url.includes("@opentelemetry/exporter-trace-otlp-http"))).toBe(true);
}, 120_000);

it("sends to <endpoint>/v1/traces unless a traces endpoint is given", () => {
  expect(tracesUrl({ endpoint: undefined })).toBeUndefined();
  expect(tracesUrl({ endpoint: "http://collector:4318/" })).toBe("http://collector:4318/v1/traces");
  expect(tracesUrl({ endpoint: "http://a:4318", tracesEndpoint: "https://b/otlp/v1/traces" })).toBe(
    "https://b/otlp/v1/traces",
  );
});
