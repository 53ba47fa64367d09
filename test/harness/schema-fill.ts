/**
 * Completes JSON against a JSON Schema from GitHub's OpenAPI descriptions: fills required fields a value
 * lacks with typed empty values. Used by the webhook sender (old example payloads lack fields GitHub now
 * always sends) and by the fake GitHub (its answers carry every field GitHub's response schema requires).
 * The validator must be compiled with `verbose: true` (errors need their parentSchema).
 */
import type { ErrorObject, ValidateFunction } from "ajv";

type JsonObject = Record<string, unknown>;
/** components.schemas of the description, for resolving "#/components/schemas/NAME". */
export type Components = Record<string, JsonObject>;

const EPOCH = "2026-01-01T00:00:00Z";

function deref(schema: JsonObject, components: Components): JsonObject {
  let current = schema;
  for (let depth = 0; typeof current.$ref === "string" && depth < 20; depth++) {
    const name = current.$ref.replace("#/components/schemas/", "");
    const target = components[name];
    if (!target) throw new Error(`unknown schema ${current.$ref}`);
    current = target;
  }
  return current;
}

/** A typed empty value for a schema: what "GitHub sent this field, empty" looks like. */
function emptyValueFor(input: JsonObject, components: Components, depth = 0): unknown {
  const schema = deref(input, components);
  if (schema.nullable === true) return null;
  const types = Array.isArray(schema.type)
    ? (schema.type as string[])
    : schema.type
      ? [String(schema.type)]
      : [];
  if (types.includes("null")) return null;
  const variants = (schema.anyOf ?? schema.oneOf) as JsonObject[] | undefined;
  if (variants) {
    const resolved = variants.map((variant) => deref(variant, components));
    if (resolved.some((variant) => variant.type === "null" || variant.nullable === true)) return null;
    return resolved[0] ? emptyValueFor(resolved[0], components, depth + 1) : null;
  }
  const allOf = schema.allOf as JsonObject[] | undefined;
  if (allOf?.[0]) return emptyValueFor(allOf[0], components, depth + 1);
  if (Array.isArray(schema.enum)) return schema.enum[0];
  switch (types[0]) {
    case "boolean":
      return false;
    case "integer":
    case "number":
      return typeof schema.minimum === "number" ? schema.minimum : 0;
    case "string":
      if (schema.format === "date-time") return EPOCH;
      if (schema.format === "uri" || schema.format === "uri-template") return "https://github.com";
      if (schema.format === "email") return "noreply@github.com";
      return "";
    case "array":
      return [];
    default: {
      const object: JsonObject = {};
      if (depth > 8) return object;
      const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
      for (const name of (schema.required ?? []) as string[]) {
        const property = properties[name];
        object[name] = property ? emptyValueFor(property, components, depth + 1) : null;
      }
      return object;
    }
  }
}

function pointerGet(root: unknown, pointer: string): unknown {
  if (!pointer) return root;
  let node = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as JsonObject)[key];
  }
  return node;
}

function pointerSet(root: unknown, pointer: string, value: unknown): void {
  const keys = pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replaceAll("~1", "/").replaceAll("~0", "~"));
  const last = keys.pop();
  const parent = pointerGet(root, keys.length ? `/${keys.join("/")}` : "") as JsonObject | undefined;
  if (parent && last !== undefined) parent[last] = value;
}

/**
 * Fills, in place, what `value` lacks but `validate`'s schema requires: missing required properties get
 * typed empty values, and date-time fields given as epoch numbers or "YYYY-MM-DD hh:mm:ss" become ISO
 * strings. Returns the problems it could not fix (empty when `value` now validates).
 */
export function fillRequired(value: unknown, validate: ValidateFunction, components: Components): string[] {
  const secondary = secondaryAlternatives(components);
  for (let round = 0; round < 25 && !validate(value); round++) {
    let changed = false;
    for (const error of validate.errors ?? [])
      changed = fixError(value, error, components, secondary) || changed;
    if (!changed) break;
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
}

const secondaryCache = new WeakMap<Components, Set<unknown>>();

/** Schemas that appear as the 2nd, 3rd… alternative of a oneOf/anyOf somewhere in `components`. */
function secondaryAlternatives(components: Components): Set<unknown> {
  let found = secondaryCache.get(components);
  if (found) return found;
  const set = new Set<unknown>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const schema = node as JsonObject;
    for (const key of ["oneOf", "anyOf"]) {
      const variants = schema[key];
      if (Array.isArray(variants)) {
        // A `{ type: "null" }` alternative is how a nullable value is spelled; it does not count.
        const real = variants
          .map((variant) => deref(variant as JsonObject, components))
          .filter((variant) => variant.type !== "null");
        for (const variant of real.slice(1)) set.add(variant);
      }
    }
    for (const child of Object.values(schema)) walk(child);
  };
  walk(components);
  found = set;
  secondaryCache.set(components, found);
  return found;
}

function fixError(
  payload: unknown,
  error: ErrorObject,
  components: Components,
  secondary: Set<unknown>,
): boolean {
  // Only the first alternative of a oneOf/anyOf is filled: filling several could make a value match
  // more than one alternative of a oneOf.
  if (secondary.has(error.parentSchema)) return false;
  if (error.keyword === "required") {
    const missing = (error.params as { missingProperty: string }).missingProperty;
    const parent = pointerGet(payload, error.instancePath);
    if (typeof parent !== "object" || parent === null || Array.isArray(parent) || missing in parent)
      return false;
    const properties = ((error.parentSchema as JsonObject | undefined)?.properties ?? {}) as Record<
      string,
      JsonObject
    >;
    const property = properties[missing];
    (parent as JsonObject)[missing] = property ? emptyValueFor(property, components) : null;
    return true;
  }
  const isDateTime =
    (error.keyword === "type" && (error.parentSchema as JsonObject | undefined)?.format === "date-time") ||
    (error.keyword === "format" && (error.params as { format?: string }).format === "date-time");
  if (isDateTime) {
    // Old examples carry epoch seconds or "2018-04-25 20:42:10"; GitHub now sends ISO 8601.
    const value = pointerGet(payload, error.instancePath);
    const date =
      typeof value === "number"
        ? new Date(value * 1000)
        : typeof value === "string"
          ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(" ", "T")}Z`)
          : undefined;
    if (date && !Number.isNaN(date.getTime())) {
      pointerSet(payload, error.instancePath, date.toISOString().replace(/\.\d{3}Z$/, "Z"));
      return true;
    }
  }
  return false;
}
