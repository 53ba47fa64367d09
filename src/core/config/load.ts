import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "yaml";
import type { z } from "zod";
import { DEFAULT_CONFIG_PATH } from "./default-path.ts";
import {
  accSchema,
  configSchema,
  configSuppressionSchema,
  ddeExpectSchema,
  type MaestroConfig,
  ruleSchema,
} from "./schema.ts";
import { allowedKeys, closest } from "./suggest.ts";
import { type CheckableConfig, type ConfigIssue, validateConfig } from "./validate.ts";

export { DEFAULT_CONFIG_PATH };

/** A config problem, positioned in the file (1-based) when the YAML text is known. */
export interface ConfigError {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  /** Where in the document, e.g. `acc.rules[2].from`. Empty for the whole document. */
  readonly path: string;
  readonly message: string;
}

export type ConfigLoadResult =
  | { readonly ok: true; readonly config: MaestroConfig }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

type PathPart = string | number;

/**
 * YAML text → validated config, or every error found (syntax, schema and semantic), each
 * with its line and column. An empty file is a config with every default.
 */
export function loadConfig(text: string, file: string = DEFAULT_CONFIG_PATH): ConfigLoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((error) => ({
        file,
        line: error.linePos?.[0].line ?? null,
        column: error.linePos?.[0].col ?? null,
        path: "",
        message: `YAML syntax error: ${firstLine(error.message)}`,
      })),
    };
  }
  const locate = (path: readonly PathPart[], atKey: boolean): { line: number; column: number } => {
    const offset = offsetOf(doc, path, atKey);
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    // The yaml library refuses an alias bomb ("billion laughs") with a ReferenceError.
    const at = firstAliasOffset(doc);
    const pos = at === null ? null : lineCounter.linePos(at);
    return {
      ok: false,
      errors: [
        {
          file,
          line: pos?.line ?? null,
          column: pos?.col ?? null,
          path: "",
          message: `YAML aliases expand too much (more than ${MAX_YAML_ALIAS_COUNT} nodes): ${firstLine((error as Error).message)}`,
        },
      ],
    };
  }
  return check(value, file, locate);
}

/** As Probot's config plugin (the yaml library's default): a config needs no more. */
export const MAX_YAML_ALIAS_COUNT = 100;

function firstAliasOffset(doc: Document): number | null {
  let offset: number | null = null;
  visit(doc, {
    Alias(_key, node) {
      offset = node.range?.[0] ?? null;
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Validates an already parsed config value (for instance what Probot's `context.config`
 * returned after resolving `_extends`). Errors carry the path but no line or column.
 */
export function parseConfigValue(value: unknown, file: string = DEFAULT_CONFIG_PATH): ConfigLoadResult {
  return check(value, file, null);
}

type Locate = (path: readonly PathPart[], atKey: boolean) => { line: number; column: number };

function check(value: unknown, file: string, locate: Locate | null): ConfigLoadResult {
  const raw = value === null || value === undefined ? {} : value;
  const errorAt = (path: readonly PathPart[], message: string, atKey = false): ConfigError => {
    const pos = locate ? locate(path, atKey) : null;
    return { file, line: pos?.line ?? null, column: pos?.column ?? null, path: formatPath(path), message };
  };
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const errors = parsed.error.issues.flatMap((issue) => schemaErrors(issue, raw, errorAt));
    // Also report the semantic errors of the entries that did parse: all errors in one go.
    const semantic = validateConfig(salvage(raw)).map((issue) => errorAt(issue.path, issue.message));
    return { ok: false, errors: sortErrors(dedupe([...errors, ...semantic])) };
  }
  const issues: ConfigIssue[] = validateConfig(parsed.data);
  if (issues.length > 0) {
    return { ok: false, errors: sortErrors(issues.map((issue) => errorAt(issue.path, issue.message))) };
  }
  return { ok: true, config: parsed.data };
}

type ErrorAt = (path: readonly PathPart[], message: string, atKey?: boolean) => ConfigError;

function schemaErrors(issue: z.core.$ZodIssue, raw: unknown, errorAt: ErrorAt): ConfigError[] {
  const path = issue.path.filter((part): part is PathPart => typeof part !== "symbol");
  const where = formatPath(path) || "the config";
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeys(path, raw)?.filter((key) => key !== "_extends") ?? [];
      return issue.keys.map((key) => {
        const guess = closest(key, allowed);
        const hint = guess
          ? `; did you mean "${guess}"?`
          : allowed.length > 0
            ? ` (allowed: ${allowed.join(", ")})`
            : "";
        return errorAt([...path, key], `unknown key "${key}" in ${where}${hint}`, true);
      });
    }
    case "invalid_union": {
      const options = (issue as { options?: unknown[] }).options;
      if (options && path[path.length - 1] === "type") {
        const given = valueAt(raw, path);
        return [
          errorAt(
            path,
            given === undefined
              ? `missing required field "type" in ${formatPath(path.slice(0, -1))} (one of ${options.join(", ")})`
              : `unknown rule type ${JSON.stringify(given)} (expected one of ${options.join(", ")})${typeHint(given, options)}`,
          ),
        ];
      }
      return [errorAt(path, `${where}: ${issue.message}`)];
    }
    case "invalid_type": {
      if (valueAt(raw, path) === undefined) {
        const field = path[path.length - 1];
        return [
          errorAt(
            path,
            `missing required field "${String(field)}" in ${formatPath(path.slice(0, -1)) || "the config"}`,
          ),
        ];
      }
      return [
        errorAt(
          path,
          `${where}: expected ${expectedName(issue.expected)}, got ${describe(valueAt(raw, path))}`,
        ),
      ];
    }
    case "invalid_value":
      return [
        errorAt(
          path,
          `${where}: ${JSON.stringify(valueAt(raw, path))} is not one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        ),
      ];
    default:
      return [errorAt(path, `${where}: ${issue.message}`)];
  }
}

/** The entries of a config that parse on their own, `null` in place of those that do not. */
function salvage(raw: unknown): CheckableConfig {
  const section = (key: string): Record<string, unknown> | undefined => {
    const value = valueAt(raw, [key]);
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  };
  const list = <T>(value: unknown, parse: (item: unknown) => T | null): (T | null)[] =>
    Array.isArray(value) ? value.map(parse) : [];
  const globs = (value: unknown): string[] | undefined => {
    const parsed = accSchema.shape.exclude.safeParse(value);
    return parsed.success && value !== undefined ? parsed.data : undefined;
  };
  const suppression = (item: unknown) => configSuppressionSchema.safeParse(item).data ?? null;
  const acc = section("acc");
  const bdv = section("bdv");
  const dde = section("dde");
  const rawRules = Array.isArray(acc?.rules) ? acc.rules : [];
  const components = acc?.components;
  return {
    acc: acc && {
      include: globs(acc.include),
      exclude: globs(acc.exclude),
      components:
        components !== null && typeof components === "object"
          ? Object.fromEntries(
              Object.entries(components).map(([name, value]) => [name, globs(value) ?? null]),
            )
          : {},
      rules: list(rawRules, (item) => ruleSchema().safeParse(item).data ?? null),
      suppressions: list(acc.suppressions, suppression),
      rawRuleIds: rawRules.map((rule) => {
        const id = valueAt(rule, ["id"]);
        return typeof id === "string" ? id : null;
      }),
    },
    bdv: bdv && {
      features: globs(bdv.features),
      steps: globs(bdv.steps) ?? [],
      suppressions: list(bdv.suppressions, suppression),
    },
    dde: dde && {
      expect: list(dde.expect, (item) => ddeExpectSchema.safeParse(item).data ?? null),
      suppressions: list(dde.suppressions, suppression),
    },
  };
}

function dedupe(errors: ConfigError[]): ConfigError[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.path}\u0000${error.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function typeHint(given: unknown, options: readonly unknown[]): string {
  const guess = typeof given === "string" ? closest(given, options.map(String)) : null;
  return guess ? `; did you mean "${guess}"?` : "";
}

function valueAt(raw: unknown, path: readonly PathPart[]): unknown {
  let current: unknown = raw;
  for (const part of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PathPart, unknown>)[part];
  }
  return current;
}

function expectedName(expected: string): string {
  const names: Record<string, string> = {
    object: "a mapping",
    record: "a mapping",
    array: "a list",
    string: "a string",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
  };
  return names[expected] ?? expected;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * Offset of the node at `path`: the key itself when `atKey`, else the value. A path that
 * does not exist (a missing field) points at the deepest node that does.
 */
function offsetOf(doc: Document, path: readonly PathPart[], atKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const part = path[i]!;
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && keyOf(item.key) === String(part));
      if (!pair) return offset;
      const last = i === path.length - 1;
      if (last && atKey) return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof part === "number") {
      node = node.items[part];
      if (node === undefined) return offset;
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function keyOf(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function rangeStart(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

function formatPath(path: readonly PathPart[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(part)) out += out ? `.${part}` : part;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function firstLine(message: string): string {
  return message.split("\n")[0] ?? message;
}

function sortErrors(errors: ConfigError[]): ConfigError[] {
  return errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

/** `file:line:column: message`, the form editors and CI logs understand. */
export function formatConfigError(error: ConfigError): string {
  const position = error.line === null ? "" : `:${error.line}:${error.column ?? 1}`;
  return `${error.file}${position}: ${error.message}`;
}
