/**
 * A ready-to-paste Gherkin scenario for an OpenAPI operation no scenario exercises: the method,
 * a concrete path (parameters filled from their examples or types), an example request body
 * built from the schema, and the first success status — worded so the default bindings
 * (binding.ts) bind it to the operation. Deterministic: the same spec gives the same text.
 */
import type { JsonValue, LoadedSpec, SpecOperation } from "./openapi.ts";

const MAX_DEPTH = 4;
const MAX_PROPERTIES = 20;

type JsonObject = { readonly [key: string]: JsonValue };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function scenarioSkeleton(contract: string, spec: LoadedSpec, operation: SpecOperation): string {
  const status = firstSuccessStatus(operation);
  const path = concretePath(spec, operation);
  const major = /^v?(\d+)/.exec(spec.version ?? "")?.[1];
  const lines = [
    `@contract:${contract}${major ? `:v${major}` : ""}`,
    `Scenario: ${operation.operationId ?? `${operation.method} ${operation.path}`} answers ${status}`,
  ];
  const body = requestBodyExample(spec, operation);
  if (body === undefined) {
    lines.push(`  When I send a ${operation.method} request to "${path}"`);
  } else {
    lines.push(`  When I send a ${operation.method} request to "${path}" with the body:`, '    """json');
    for (const line of JSON.stringify(body, null, 2).split("\n")) lines.push(`    ${line}`);
    lines.push('    """');
  }
  lines.push(`  Then the response status should be ${status}`);
  return lines.join("\n");
}

/** The lowest declared 2xx status (then 1xx/3xx), "2XX" ranges as 200; 200 when none is declared. */
function firstSuccessStatus(operation: SpecOperation): string {
  const statuses = [...operation.responses.keys()];
  const exact = statuses.filter((status) => /^2\d\d$/.test(status)).sort();
  if (exact[0]) return exact[0];
  if (statuses.some((status) => /^2xx$/i.test(status))) return "200";
  const other = statuses.filter((status) => /^[13]\d\d$/.test(status)).sort();
  return other[0] ?? "200";
}

function concretePath(spec: LoadedSpec, operation: SpecOperation): string {
  const base = spec.basePaths[0] ?? "";
  const filled = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const parameter = operation.parameters.find((p) => p.in === "path" && p.name === name);
    const value = exampleOf(spec, parameter?.schema, 0);
    return encodeURIComponent(typeof value === "string" || typeof value === "number" ? String(value) : "1");
  });
  return `${base}${filled}`;
}

function requestBodyExample(spec: LoadedSpec, operation: SpecOperation): JsonValue | undefined {
  const content = operation.requestBody?.content;
  if (!content || content.size === 0) return undefined;
  const media = [...content.keys()].sort();
  const json = media.find((type) => /json/i.test(type)) ?? media[0]!;
  return exampleOf(spec, content.get(json), 0);
}

/** An example value for a schema: its own example, default or first enum value, else one built from its type. */
function exampleOf(spec: LoadedSpec, raw: JsonValue | undefined, depth: number): JsonValue {
  const schema = spec.resolve(raw);
  if (!isObject(schema) || depth > MAX_DEPTH) return null;
  if (schema.example !== undefined) return schema.example;
  if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0]!;
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]!;
  if (schema.const !== undefined) return schema.const;
  for (const key of ["oneOf", "anyOf"]) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) return exampleOf(spec, options[0], depth + 1);
  }
  if (Array.isArray(schema.allOf)) {
    const merged: Record<string, JsonValue> = {};
    for (const part of schema.allOf) {
      const value = exampleOf(spec, part, depth + 1);
      if (isObject(value)) Object.assign(merged, value);
    }
    return merged;
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "object" || (type === undefined && isObject(schema.properties))) {
    const properties = isObject(schema.properties) ? schema.properties : {};
    const out: Record<string, JsonValue> = {};
    for (const name of Object.keys(properties).slice(0, MAX_PROPERTIES)) {
      out[name] = exampleOf(spec, properties[name], depth + 1);
    }
    return out;
  }
  if (type === "array") return [exampleOf(spec, schema.items, depth + 1)];
  if (type === "integer") return typeof schema.minimum === "number" ? Math.ceil(schema.minimum) : 1;
  if (type === "number") return typeof schema.minimum === "number" ? schema.minimum : 1.5;
  if (type === "boolean") return true;
  if (type === "string") return stringExample(schema.format);
  return null;
}

function stringExample(format: JsonValue | undefined): string {
  switch (format) {
    case "date":
      return "2026-01-31";
    case "date-time":
      return "2026-01-31T12:00:00Z";
    case "email":
      return "user@example.com";
    case "uuid":
      return "00000000-0000-4000-8000-000000000000";
    case "uri":
    case "url":
      return "https://example.com";
    default:
      return "string";
  }
}
