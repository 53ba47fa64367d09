import { CucumberExpression, ParameterType, ParameterTypeRegistry } from "@cucumber/cucumber-expressions";
import type { LoadedSpec, SpecOperation } from "./openapi.ts";

/**
 * Binds step text to API operations. A binding is a Cucumber Expression using the checker-only
 * parameter types {method}, {path}, {status} and {operationId}; it matches anywhere inside a step
 * text (not anchored), so `a {method} request to {path}` binds "When I send a GET request to
 * "/users/42" with no body". `bdv.bindings` replaces the defaults below.
 *
 * - {method}: an HTTP method in upper, lower or title case, as a whole word.
 * - {path}: "/…" or '/…' or `/…` or a bare /… (absolute URLs too); the query string is dropped.
 * - {status}: a three-digit status code, bare or quoted.
 * - {operationId}: a quoted or back-quoted identifier (bare words are not taken, so "the request
 *   body is sent" is not read as an operation named "body").
 */
export const DEFAULT_BINDINGS: readonly string[] = [
  "{method} {path}",
  "{method} request to {path}",
  "{method} request on {path}",
  "{method} request for {path}",
  "send(s) {method} to {path}",
  "request {operationId} is sent",
  "operation {operationId}",
  "status( code) {status}",
  "status( code) is {status}",
  "status( code) should be {status}",
  "status( code) must be {status}",
  "status( code) equals {status}",
  "respond(s) with( status)( code) {status}",
  "{status} response",
];

const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE"];
const METHOD_REGEXP = `\\b(?:${METHODS.flatMap((method) => [method, method.toLowerCase(), method[0] + method.slice(1).toLowerCase()]).join("|")})\\b`;
const PATH_REGEXP = [
  `"(?:https?://[^"\\s/]+)?/[^"]*"`,
  `'(?:https?://[^'\\s/]+)?/[^']*'`,
  "`(?:https?://[^`\\s/]+)?/[^`]*`",
  `(?:https?://[^\\s/]+)?/[^\\s"'\`]*`,
].join("|");
const STATUS_REGEXP = `\\b[1-5]\\d\\d\\b|"[1-5]\\d\\d"|'[1-5]\\d\\d'`;
const OPERATION_ID_REGEXP = "\"[^\"\\s]+\"|'[^'\\s]+'|`[^`\\s]+`";

const PREFIX = "bdvBindingPrefix";
const SUFFIX = "bdvBindingSuffix";

export interface BoundRequest {
  readonly method: string | null;
  readonly path: string | null;
  readonly operationId: string | null;
}

export interface StepBinding {
  readonly request: BoundRequest | null;
  readonly status: string | null;
}

export interface BindingProblem {
  readonly expression: string;
  readonly message: string;
}

function identity(...groups: string[]): string {
  return groups[0] ?? "";
}

function bindingRegistry(): ParameterTypeRegistry {
  const registry = new ParameterTypeRegistry();
  const define = (name: string, regexp: string) =>
    registry.defineParameterType(new ParameterType(name, new RegExp(regexp), null, identity, false, false));
  define("method", METHOD_REGEXP);
  define("path", PATH_REGEXP);
  define("status", STATUS_REGEXP);
  define("operationId", OPERATION_ID_REGEXP);
  define(PREFIX, ".*?");
  define(SUFFIX, ".*");
  return registry;
}

function unquote(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'" || first === "`") && value.endsWith(first))
    return value.slice(1, -1);
  return value;
}

/** A request path as the spec writes it: no scheme/host, query string, fragment or trailing punctuation. */
export function normalizeRequestPath(raw: string): string {
  let path = unquote(raw).replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, "");
  path = path.split(/[?#]/)[0] ?? "";
  path = path.replace(/[.,;:!]+$/, "");
  if (!path.startsWith("/")) path = `/${path}`;
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}

/** Words a binding expression requires literally: a cheap test before running its regular expression. */
function requiredWords(binding: string): string[] {
  return binding
    .replace(/\([^)]*\)/g, " ")
    .split(/\s+/)
    .filter((word) => word !== "" && !/[{}()/\\]/.test(word));
}

/** Cheap tests a text must pass for each checker-only parameter type to possibly match. */
const PARAMETER_HINTS: Record<string, RegExp> = {
  method: new RegExp(METHOD_REGEXP),
  path: /\//,
  status: /[1-5]\d\d/,
  operationId: /["'`]/,
};

function parameterHints(binding: string): RegExp[] {
  const hints: RegExp[] = [];
  for (const [name, hint] of Object.entries(PARAMETER_HINTS))
    if (binding.includes(`{${name}}`)) hints.push(hint);
  return hints;
}

interface CompiledBinding {
  readonly expression: CucumberExpression;
  readonly words: readonly string[];
  readonly hints: readonly RegExp[];
}

export class Binder {
  private readonly expressions: CompiledBinding[] = [];
  readonly problems: BindingProblem[] = [];

  constructor(bindings: readonly string[]) {
    const registry = bindingRegistry();
    for (const binding of bindings) {
      try {
        const expression = new CucumberExpression(`{${PREFIX}}${binding}{${SUFFIX}}`, registry);
        this.expressions.push({ expression, words: requiredWords(binding), hints: parameterHints(binding) });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.problems.push({
          expression: binding,
          message: message.replaceAll(`{${PREFIX}}`, "").replaceAll(`{${SUFFIX}}`, ""),
        });
      }
    }
  }

  bind(text: string): StepBinding {
    let request: BoundRequest | null = null;
    let status: string | null = null;
    for (const { expression, words, hints } of this.expressions) {
      if (request && status) break;
      if (!words.every((word) => text.includes(word)) || !hints.every((hint) => hint.test(text))) continue;
      const args = expression.match(text);
      if (!args) continue;
      const values = new Map<string, string>();
      for (const arg of args) {
        const name = arg.parameterType.name ?? "";
        if (!values.has(name) && arg.group.value !== undefined) values.set(name, arg.group.value);
      }
      const method = values.get("method");
      const path = values.get("path");
      const operationId = values.get("operationId");
      if (!request && (operationId !== undefined || path !== undefined)) {
        request = {
          method: method ? method.toUpperCase() : null,
          path: path !== undefined ? normalizeRequestPath(path) : null,
          operationId: operationId !== undefined ? unquote(operationId) : null,
        };
      }
      const code = values.get("status");
      if (status === null && code !== undefined) status = unquote(code);
    }
    return { request, status };
  }
}

/** Problems in configured binding expressions (for config validation). */
export function validateBindings(bindings: readonly string[]): readonly BindingProblem[] {
  return new Binder(bindings).problems;
}

export type Resolution =
  | { readonly found: true; readonly spec: LoadedSpec; readonly operation: SpecOperation }
  | { readonly found: false; readonly reason: string };

function candidatePaths(spec: LoadedSpec, path: string): string[] {
  const candidates = [path];
  for (const base of spec.basePaths) {
    if (path === base) candidates.push("/");
    else if (path.startsWith(`${base}/`)) candidates.push(path.slice(base.length));
  }
  return candidates;
}

/** Finds the operation a bound request targets; a concrete path beats a template. */
export function resolveRequest(request: BoundRequest, specs: readonly LoadedSpec[]): Resolution {
  if (request.operationId !== null && request.path === null) {
    for (const spec of specs) {
      const operation = spec.operations.find((candidate) => candidate.operationId === request.operationId);
      if (operation) return { found: true, spec, operation };
    }
    return { found: false, reason: "operationId" };
  }
  const path = request.path ?? "/";
  let best: { spec: LoadedSpec; operation: SpecOperation; score: number } | null = null;
  let pathKnown = false;
  for (const spec of specs) {
    for (const candidate of candidatePaths(spec, path)) {
      for (const operation of spec.operations) {
        const score =
          operation.path === candidate
            ? 0
            : operation.pathPattern.test(candidate)
              ? 1 + operation.templateParameters
              : -1;
        if (score < 0) continue;
        pathKnown = true;
        if (request.method !== null && operation.method !== request.method) continue;
        if (!best || score < best.score) best = { spec, operation, score };
      }
    }
  }
  if (best) return { found: true, spec: best.spec, operation: best.operation };
  return { found: false, reason: pathKnown ? "method" : "path" };
}
