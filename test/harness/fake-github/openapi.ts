/**
 * GitHub's REST contract for the fake: route matching and request validation against the extracted
 * OpenAPI subset (test/fixtures/github/rest-subset.json, made by scripts/extract-github-openapi.ts).
 * The description is parsed once per process; each operation's validators compile on first use.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const SPEC_PATH = join(dirname(fileURLToPath(import.meta.url)), "../../fixtures/github/rest-subset.json");
const SPEC_ID = "https://fake-github.invalid/rest-subset.json";

interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Record<string, unknown>;
  "x-multi-segment"?: boolean;
  $ref?: string;
}

interface OperationObject {
  operationId: string;
  parameters?: ParameterObject[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
}

interface Spec {
  paths: Record<string, Record<string, OperationObject | ParameterObject[]>>;
  components: { parameters?: Record<string, ParameterObject> };
}

/** One operation of the description, e.g. PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}. */
export interface Operation {
  method: string;
  template: string;
  operationId: string;
  /** "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}" */
  key: string;
  parameters: ParameterObject[];
  bodyRequired: boolean;
  hasBody: boolean;
  pointer: string;
  regex: RegExp;
  names: string[];
  literalSegments: number;
}

export interface ContractError {
  /** HTTP status GitHub would answer with. */
  status: 404 | 422 | 400;
  message: string;
  errors: unknown[];
}

let cached: { spec: Spec; ajv: Ajv; operations: Operation[] } | undefined;
const compiled = new Map<string, ValidateFunction>();

function load(): { spec: Spec; ajv: Ajv; operations: Operation[] } {
  if (cached) return cached;
  const spec = normaliseNullable(JSON.parse(readFileSync(SPEC_PATH, "utf8"))) as Spec;
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    logger: false,
    // Shared components compiled once as functions, and no code optimisation pass: compiling a webhook
    // schema drops from ~1 s to ~0.2 s, and validation stays far faster than the HTTP round trip.
    inlineRefs: false,
    verbose: true,
    code: { optimize: false },
    coerceTypes: false,
  });
  addFormats(ajv);
  ajv.addSchema(spec as unknown as Record<string, unknown>, SPEC_ID);
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const shared = (Array.isArray(item.parameters) ? item.parameters : []) as ParameterObject[];
    for (const [method, value] of Object.entries(item)) {
      if (method === "parameters" || Array.isArray(value)) continue;
      const operation = value as OperationObject;
      const parameters = [...shared, ...(operation.parameters ?? [])].map((p) => resolveParameter(spec, p));
      const names: string[] = [];
      let literalSegments = 0;
      const pattern = template
        .split("/")
        .map((segment) => {
          const param = /^\{(.+)\}$/.exec(segment);
          if (!param) {
            literalSegments += 1;
            return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
          }
          const name = param[1] ?? "";
          names.push(name);
          const multi = parameters.find((p) => p.in === "path" && p.name === name)?.["x-multi-segment"];
          return multi ? "(.+)" : "([^/]+)";
        })
        .join("/");
      const content = operation.requestBody?.content?.["application/json"];
      operations.push({
        method: method.toUpperCase(),
        template,
        operationId: operation.operationId,
        key: `${method.toUpperCase()} ${template}`,
        parameters,
        bodyRequired: operation.requestBody?.required === true,
        hasBody: content?.schema !== undefined,
        pointer: `#/paths/${escapePointer(template)}/${method}`,
        regex: new RegExp(`^${pattern}$`),
        names,
        literalSegments,
      });
    }
  }
  // Most literal segments first, so /repos/{o}/{r}/commits/{ref}/check-runs beats /repos/{o}/{r}/commits/{ref}.
  operations.sort((a, b) => b.literalSegments - a.literalSegments || a.names.length - b.names.length);
  cached = { spec, ajv, operations };
  return cached;
}

/**
 * OpenAPI 3.0 `nullable` as Ajv understands it: Ajv refuses `nullable` without `type`, so such a schema
 * gets a `{ type: "null" }` alternative instead; and Ajv's enum check ignores `nullable`, so null joins
 * the enum.
 */
function normaliseNullable(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (const item of node) normaliseNullable(item);
  } else if (typeof node === "object" && node !== null) {
    const schema = node as Record<string, unknown>;
    if (schema.nullable === true && schema.type === undefined) {
      delete schema.nullable;
      const alternatives = (schema.oneOf ?? schema.anyOf) as unknown[] | undefined;
      if (alternatives) {
        alternatives.push({ type: "null" });
      } else {
        const rest = { ...schema };
        for (const key of Object.keys(schema)) delete schema[key];
        schema.anyOf = [rest, { type: "null" }];
      }
    } else if (schema.nullable === true && Array.isArray(schema.enum) && !schema.enum.includes(null)) {
      schema.enum.push(null);
    }
    for (const child of Object.values(schema)) normaliseNullable(child);
  }
  return node;
}

function escapePointer(segment: string): string {
  return segment.replaceAll("~", "~0").replaceAll("/", "~1");
}

function resolveParameter(spec: Spec, parameter: ParameterObject): ParameterObject {
  if (!parameter.$ref) return parameter;
  const name = parameter.$ref.replace("#/components/parameters/", "");
  const resolved = spec.components.parameters?.[name];
  if (!resolved) throw new Error(`unknown parameter ${parameter.$ref}`);
  return resolved;
}

function validator(cacheKey: string, schema: Record<string, unknown>): ValidateFunction {
  let fn = compiled.get(cacheKey);
  if (!fn) {
    fn = load().ajv.compile(schema);
    compiled.set(cacheKey, fn);
  }
  return fn;
}

export interface RouteMatch {
  operation: Operation;
  params: Record<string, string>;
}

/** Finds the operation for a method + path; `knownPath` says whether any method serves the path. */
export function matchRoute(method: string, path: string): { match?: RouteMatch; knownPath: boolean } {
  let knownPath = false;
  for (const operation of load().operations) {
    const found = operation.regex.exec(path);
    if (!found) continue;
    knownPath = true;
    if (operation.method !== method) continue;
    const params: Record<string, string> = {};
    operation.names.forEach((name, index) => {
      params[name] = decodeURIComponent(found[index + 1] ?? "");
    });
    return { match: { operation, params }, knownPath };
  }
  return { knownPath };
}

/** All operations of the subset ("METHOD /template"). */
export function operationKeys(): string[] {
  return load().operations.map((operation) => operation.key);
}

function coerce(raw: string, schema: Record<string, unknown> | undefined): unknown {
  const type = schema?.type;
  if (type === "integer" || type === "number") return /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  if (type === "boolean") return raw === "true" ? true : raw === "false" ? false : raw;
  return raw;
}

function ajvErrors(errors: ErrorObject[] | null | undefined, where: string): unknown[] {
  return (errors ?? []).map((error) => ({
    resource: where,
    code: error.keyword === "required" ? "missing_field" : "invalid",
    field: error.instancePath || (error.params as { missingProperty?: string }).missingProperty || "",
    message: `${error.instancePath || "/"} ${error.message ?? "is invalid"}`,
  }));
}

/** Path params, then query params, then body; returns the parsed params and query, or GitHub's error. */
export function validateRequest(
  match: RouteMatch,
  query: URLSearchParams,
  body: unknown,
):
  | { ok: true; params: Record<string, unknown>; query: Record<string, unknown> }
  | { ok: false; error: ContractError } {
  const { operation } = match;
  const params: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(match.params)) {
    const definition = operation.parameters.find((p) => p.in === "path" && p.name === name);
    const value = coerce(raw, definition?.schema);
    if (definition?.schema && !validator(`${operation.key} path ${name}`, definition.schema)(value)) {
      return { ok: false, error: { status: 404, message: "Not Found", errors: [] } };
    }
    params[name] = value;
  }
  const parsedQuery: Record<string, unknown> = {};
  for (const [name, raw] of query) {
    const definition = operation.parameters.find((p) => p.in === "query" && p.name === name);
    if (!definition) {
      // GitHub ignores unknown query parameters; the fake refuses them, because an ignored typo
      // (per_pag=100) is a bug in the caller that GitHub would hide.
      return {
        ok: false,
        error: {
          status: 422,
          message: `Unknown query parameter "${name}" for ${operation.key}`,
          errors: [{ resource: "Query", code: "invalid", field: name }],
        },
      };
    }
    const value = coerce(raw, definition.schema);
    const check = definition.schema
      ? validator(`${operation.key} query ${name}`, definition.schema)
      : undefined;
    if (check && !check(value)) {
      return {
        ok: false,
        error: {
          status: 422,
          message: "Validation Failed",
          errors: ajvErrors(check.errors, `query.${name}`),
        },
      };
    }
    parsedQuery[name] = value;
  }
  for (const definition of operation.parameters) {
    if (definition.in === "query" && definition.required && !query.has(definition.name)) {
      return {
        ok: false,
        error: {
          status: 422,
          message: "Validation Failed",
          errors: [{ resource: "Query", code: "missing_field", field: definition.name }],
        },
      };
    }
  }
  if (operation.hasBody) {
    if (body === undefined) {
      if (operation.bodyRequired) {
        return { ok: false, error: { status: 400, message: "Problems parsing JSON", errors: [] } };
      }
    } else {
      const check = validator(`${operation.key} body`, {
        $ref: `${SPEC_ID}${encodeURI(operation.pointer)}/requestBody/content/application~1json/schema`,
      });
      if (!check(body)) {
        return {
          ok: false,
          error: { status: 422, message: "Invalid request.", errors: ajvErrors(check.errors, "body") },
        };
      }
    }
  }
  return { ok: true, params, query: parsedQuery };
}

/**
 * What is wrong with a JSON answer of the fake against the response schema GitHub documents for the
 * operation and status (empty when it fits). An undocumented status is a problem too.
 */
export function responseProblems(operationKey: string, status: number, body: unknown): string[] {
  const operation = load().operations.find((candidate) => candidate.key === operationKey);
  if (!operation) return [`unknown operation ${operationKey}`];
  const item = load().spec.paths[operation.template]?.[operation.method.toLowerCase()] as {
    responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  };
  const response = item?.responses?.[String(status)];
  if (!response) return [`${operationKey} does not document status ${status}`];
  if (!response.content?.["application/json"]?.schema || typeof body !== "object" || body === null) return [];
  const check = validator(`${operationKey} response ${status}`, {
    $ref: `${SPEC_ID}${encodeURI(operation.pointer)}/responses/${status}/content/application~1json/schema`,
  });
  if (check(body)) return [];
  return (check.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}
