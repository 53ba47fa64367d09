import {
  isMap,
  isScalar,
  LineCounter,
  type Pair,
  parseDocument,
  type YAMLMap,
  type Node as YamlNode,
} from "yaml";

/**
 * Loads an OpenAPI 3.0/3.1 or Swagger 2 description (YAML or JSON) into the operations the
 * checks need, with the line of every path, operation and response in the spec file.
 * Local `$ref`s are followed lazily (`resolve`), with cycle protection; external ones are
 * treated as opaque.
 */

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface SpecPosition {
  readonly line: number;
  readonly column: number;
}

export interface SpecParameter {
  readonly name: string;
  readonly in: string;
  readonly required: boolean;
  readonly schema: JsonValue | undefined;
}

export interface SpecResponse {
  readonly status: string;
  readonly position: SpecPosition;
  /** Media type -> schema (Swagger 2 responses get "application/json"). */
  readonly content: ReadonlyMap<string, JsonValue>;
}

export interface SpecRequestBody {
  readonly required: boolean;
  readonly content: ReadonlyMap<string, JsonValue>;
}

export interface SpecOperation {
  /** Upper-case HTTP method. */
  readonly method: string;
  /** Path template as written in the spec. */
  readonly path: string;
  /** "GET /users/{id}". */
  readonly key: string;
  /** Path with parameter names erased ("/users/{}"), so a renamed parameter is the same operation. */
  readonly shape: string;
  readonly operationId: string | null;
  readonly position: SpecPosition;
  readonly deprecated: boolean;
  readonly parameters: readonly SpecParameter[];
  readonly requestBody: SpecRequestBody | null;
  readonly responses: ReadonlyMap<string, SpecResponse>;
  /** Matches a concrete request path; group count tells how generic the template is. */
  readonly pathPattern: RegExp;
  readonly templateParameters: number;
}

export interface LoadedSpec {
  readonly file: string;
  readonly format: "openapi-3.0" | "openapi-3.1" | "swagger-2";
  readonly version: string | null;
  readonly versionPosition: SpecPosition;
  /** Base paths from `servers[].url` (OpenAPI 3) or `basePath` (Swagger 2), without a trailing "/". */
  readonly basePaths: readonly string[];
  readonly operations: readonly SpecOperation[];
  /** Follows local `$ref` chains; returns undefined for a broken, external or circular reference. */
  resolve(value: JsonValue | undefined): JsonValue | undefined;
}

export type SpecLoadResult =
  | { readonly ok: true; readonly spec: LoadedSpec }
  | { readonly ok: false; readonly message: string; readonly position: SpecPosition };

function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function decodePointerSegment(segment: string): string {
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    decoded = segment;
  }
  return decoded.replace(/~1/g, "/").replace(/~0/g, "~");
}

/** Links in one `$ref` chain: real documents use a handful; past this the document is refused. */
export const MAX_REF_CHAIN = 10_000;

class RefChainError extends Error {}

/**
 * Resolution is memoised per reference, so N chained references cost O(N) in all, not O(N²).
 * `strict`: a chain over MAX_REF_CHAIN throws a RefChainError (while loading, to refuse the
 * document); otherwise it resolves to undefined like a broken reference.
 */
function makeResolver(root: JsonValue): {
  resolve: (value: JsonValue | undefined) => JsonValue | undefined;
  strict: { on: boolean };
} {
  const lookup = (reference: string): JsonValue | undefined => {
    if (!reference.startsWith("#")) return undefined;
    let node: JsonValue | undefined = root;
    const pointer = reference.slice(1);
    if (pointer === "") return root;
    for (const raw of pointer.replace(/^\//, "").split("/")) {
      const segment = decodePointerSegment(raw);
      if (Array.isArray(node)) node = node[Number(segment)];
      else if (isObject(node)) node = node[segment];
      else return undefined;
    }
    return node;
  };
  const memo = new Map<string, JsonValue | undefined>();
  const strict = { on: false };
  const resolve = (value: JsonValue | undefined): JsonValue | undefined => {
    let node = value;
    const chain: string[] = [];
    const seen = new Set<string>();
    let result: JsonValue | undefined;
    for (;;) {
      if (!isObject(node) || typeof node.$ref !== "string") {
        result = node;
        break;
      }
      const reference = node.$ref;
      if (memo.has(reference)) {
        result = memo.get(reference);
        break;
      }
      if (seen.has(reference) || chain.length >= MAX_REF_CHAIN) {
        if (strict.on && chain.length >= MAX_REF_CHAIN)
          throw new RefChainError(`a $ref chain is longer than ${MAX_REF_CHAIN} links (from ${chain[0]})`);
        result = undefined;
        break;
      }
      seen.add(reference);
      chain.push(reference);
      node = lookup(reference);
    }
    for (const reference of chain) memo.set(reference, result);
    return result;
  };
  return { resolve, strict };
}

/** Finds the line of a key path in the YAML/JSON document. */
function positionFinder(
  root: YamlNode | null,
  lines: LineCounter,
): (path: readonly string[]) => SpecPosition | null {
  // Keys indexed once per mapping: a lookup per operation in a map of N paths stays O(1).
  const indexes = new Map<unknown, Map<string, Pair<unknown, unknown>>>();
  const keyed = (map: YAMLMap<unknown, unknown>): Map<string, Pair<unknown, unknown>> => {
    let index = indexes.get(map);
    if (!index) {
      index = new Map();
      for (const item of map.items)
        if (isScalar(item.key) && !index.has(String(item.key.value))) index.set(String(item.key.value), item);
      indexes.set(map, index);
    }
    return index;
  };
  return (path) => {
    let node: unknown = root;
    let offset = 0;
    for (const segment of path) {
      if (!isMap(node)) return null;
      const pair = keyed(node).get(segment);
      if (!pair || !isScalar(pair.key)) return null;
      offset = pair.key.range?.[0] ?? 0;
      node = pair.value;
    }
    const position = lines.linePos(offset);
    return { line: Math.max(position.line, 1), column: Math.max(position.col, 1) };
  };
}

function serverBasePath(server: JsonValue | undefined): string | null {
  if (!isObject(server) || typeof server.url !== "string") return null;
  let url = server.url;
  const variables = isObject(server.variables) ? server.variables : {};
  url = url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && typeof variable.default === "string" ? variable.default : whole;
  });
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(url);
  const path = absolute ? url.slice(absolute[0].length) : url;
  return normalizeBasePath(path);
}

function normalizeBasePath(path: string): string {
  const clean = path.split(/[?#]/)[0] ?? "";
  const withSlash = clean.startsWith("/") ? clean : `/${clean}`;
  return withSlash.replace(/\/+$/, "");
}

export function templatePattern(template: string): { pattern: RegExp; parameters: number } {
  let parameters = 0;
  const source = template
    .split(/(\{[^}]*\})/)
    .map((part) => {
      if (part.startsWith("{") && part.endsWith("}")) {
        parameters++;
        return "[^/]+?";
      }
      return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("");
  return { pattern: new RegExp(`^${source}/?$`), parameters };
}

function mediaSchemas(
  content: JsonValue | undefined,
  resolve: LoadedSpec["resolve"],
): Map<string, JsonValue> {
  const result = new Map<string, JsonValue>();
  const resolved = resolve(content);
  if (!isObject(resolved)) return result;
  for (const [mediaType, media] of Object.entries(resolved)) {
    const object = resolve(media);
    if (isObject(object) && object.schema !== undefined) result.set(mediaType, object.schema);
  }
  return result;
}

interface OperationContext {
  readonly swagger: boolean;
  readonly resolve: LoadedSpec["resolve"];
  readonly find: (path: readonly string[]) => SpecPosition | null;
  readonly consumes: readonly string[];
  readonly produces: readonly string[];
}

function readParameters(
  pathItem: JsonObject,
  operation: JsonObject,
  context: OperationContext,
): { parameters: SpecParameter[]; body: SpecRequestBody | null } {
  const merged = new Map<string, JsonObject>();
  for (const list of [pathItem.parameters, operation.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      const parameter = context.resolve(entry);
      if (!isObject(parameter) || typeof parameter.name !== "string" || typeof parameter.in !== "string")
        continue;
      merged.set(`${parameter.in}:${parameter.name}`, parameter);
    }
  }
  const parameters: SpecParameter[] = [];
  let body: SpecRequestBody | null = null;
  const formProperties: JsonObject = {};
  const formRequired: string[] = [];
  for (const parameter of merged.values()) {
    const name = String(parameter.name);
    const location = String(parameter.in);
    const required = parameter.required === true || location === "path";
    if (context.swagger && location === "body") {
      const schema = parameter.schema ?? {};
      body = {
        required,
        content: new Map(
          (context.consumes.length ? context.consumes : ["application/json"]).map((type) => [type, schema]),
        ),
      };
      continue;
    }
    if (context.swagger && location === "formData") {
      formProperties[name] = { type: parameter.type ?? "string" };
      if (required) formRequired.push(name);
      continue;
    }
    const schema = context.swagger
      ? { type: parameter.type ?? null, enum: parameter.enum ?? null }
      : parameter.schema;
    parameters.push({ name, in: location, required, schema });
  }
  if (Object.keys(formProperties).length > 0) {
    const schema: JsonObject = { type: "object", properties: formProperties, required: formRequired };
    body = {
      required: formRequired.length > 0,
      content: new Map([["application/x-www-form-urlencoded", schema]]),
    };
  }
  if (!context.swagger) {
    const requestBody = context.resolve(operation.requestBody);
    if (isObject(requestBody)) {
      body = {
        required: requestBody.required === true,
        content: mediaSchemas(requestBody.content, context.resolve),
      };
    }
  }
  return { parameters, body };
}

function readResponses(
  operation: JsonObject,
  where: readonly string[],
  context: OperationContext,
): Map<string, SpecResponse> {
  const responses = new Map<string, SpecResponse>();
  const declared = context.resolve(operation.responses);
  if (!isObject(declared)) return responses;
  for (const [status, value] of Object.entries(declared)) {
    if (status.startsWith("x-")) continue;
    const response = context.resolve(value);
    let content = new Map<string, JsonValue>();
    if (isObject(response)) {
      if (context.swagger) {
        if (response.schema !== undefined) {
          content = new Map(
            (context.produces.length ? context.produces : ["application/json"]).map((type) => [
              type,
              response.schema as JsonValue,
            ]),
          );
        }
      } else {
        content = mediaSchemas(response.content, context.resolve);
      }
    }
    const position = context.find([...where, "responses", status]) ??
      context.find(where) ?? { line: 1, column: 1 };
    responses.set(status.toUpperCase() === "DEFAULT" ? "default" : status.toUpperCase(), {
      status,
      position,
      content,
    });
  }
  return responses;
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

export function loadSpec(file: string, text: string): SpecLoadResult {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  const error = document.errors[0];
  if (error) {
    const position = error.linePos?.[0];
    return {
      ok: false,
      message: error.message.split("\n")[0] ?? error.message,
      position: { line: position?.line ?? 1, column: position?.col ?? 1 },
    };
  }
  let root: JsonValue;
  try {
    root = document.toJS({ maxAliasCount: 1000 }) as JsonValue;
  } catch (problem) {
    return {
      ok: false,
      message: problem instanceof Error ? problem.message : String(problem),
      position: { line: 1, column: 1 },
    };
  }
  if (!isObject(root))
    return { ok: false, message: "the document is not a mapping", position: { line: 1, column: 1 } };
  const swagger = typeof root.swagger === "string" && root.swagger.startsWith("2");
  const openapi = typeof root.openapi === "string" ? root.openapi : null;
  if (!swagger && !(openapi && /^3\.[01]/.test(openapi))) {
    return {
      ok: false,
      message: 'not an OpenAPI 3.0/3.1 or Swagger 2.0 document (no `openapi: 3.x` or `swagger: "2.0"`)',
      position: { line: 1, column: 1 },
    };
  }
  const { resolve, strict } = makeResolver(root);
  const find = positionFinder(document.contents as YamlNode | null, lines);
  const basePaths = swagger
    ? [normalizeBasePath(typeof root.basePath === "string" ? root.basePath : "/")]
    : (Array.isArray(root.servers) ? root.servers : [])
        .map(serverBasePath)
        .filter((path): path is string => path !== null);
  const context: OperationContext = {
    swagger,
    resolve,
    find,
    consumes: stringList(root.consumes),
    produces: stringList(root.produces),
  };
  strict.on = true;
  try {
    return { ok: true, spec: readOperations(file, root, swagger, openapi, basePaths, context, find) };
  } catch (problem) {
    if (!(problem instanceof RefChainError)) throw problem;
    return { ok: false, message: problem.message, position: { line: 1, column: 1 } };
  } finally {
    strict.on = false;
  }
}

function readOperations(
  file: string,
  root: JsonObject,
  swagger: boolean,
  openapi: string | null,
  basePaths: string[],
  context: OperationContext,
  find: ReturnType<typeof positionFinder>,
): LoadedSpec {
  const { resolve } = context;
  const operations: SpecOperation[] = [];
  const paths = isObject(root.paths) ? root.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const pathItem = resolve(rawItem);
    if (!isObject(pathItem)) continue;
    for (const method of HTTP_METHODS) {
      const operation = resolve(pathItem[method]);
      if (!isObject(operation)) continue;
      const where = ["paths", path, method];
      const { parameters, body } = readParameters(pathItem, operation, {
        ...context,
        consumes: stringList(operation.consumes).length ? stringList(operation.consumes) : context.consumes,
      });
      const { pattern, parameters: templateParameters } = templatePattern(path);
      operations.push({
        method: method.toUpperCase(),
        path,
        key: `${method.toUpperCase()} ${path}`,
        shape: path.replace(/\{[^}]*\}/g, "{}"),
        operationId: typeof operation.operationId === "string" ? operation.operationId : null,
        position: find(where) ?? find(["paths", path]) ?? { line: 1, column: 1 },
        deprecated: operation.deprecated === true,
        parameters,
        requestBody: body,
        responses: readResponses(operation, where, {
          ...context,
          produces: stringList(operation.produces).length ? stringList(operation.produces) : context.produces,
        }),
        pathPattern: pattern,
        templateParameters,
      });
    }
  }
  const info = isObject(root.info) ? root.info : {};
  const version =
    typeof info.version === "string" || typeof info.version === "number" ? String(info.version) : null;
  return {
    file,
    format: swagger ? "swagger-2" : openapi?.startsWith("3.1") ? "openapi-3.1" : "openapi-3.0",
    version,
    versionPosition: find(["info", "version"]) ?? { line: 1, column: 1 },
    basePaths: [...new Set(basePaths.filter((path) => path !== ""))],
    operations,
    resolve,
  };
}

/** How a declared response covers a status code: exactly, through an NXX range, or only through `default`. */
export function matchStatus(operation: SpecOperation, status: string): "exact" | "range" | "default" | null {
  if (operation.responses.has(status)) return "exact";
  if (operation.responses.has(`${status[0]}XX`)) return "range";
  if (operation.responses.has("default")) return "default";
  return null;
}
