import { configSchema } from "./schema.ts";

export { closest } from "./closest.ts";

interface SchemaDef {
  readonly type: string;
  readonly shape?: Readonly<Record<string, unknown>>;
  readonly innerType?: unknown;
  readonly in?: unknown;
  readonly element?: unknown;
  readonly valueType?: unknown;
  readonly options?: readonly unknown[];
  readonly discriminator?: string;
  readonly values?: readonly unknown[];
  readonly getter?: () => unknown;
}

function defOf(schema: unknown): SchemaDef | undefined {
  return (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
}

/** Strips optional/default/pipe wrappers down to the schema that validates the value. */
function unwrap(schema: unknown): SchemaDef | undefined {
  let def = defOf(schema);
  while (def && (def.innerType !== undefined || (def.type === "pipe" && def.in !== undefined))) {
    def = defOf(def.innerType ?? def.in);
  }
  return def;
}

/**
 * The keys the config schema allows in the mapping at `path`, for "did you mean" hints.
 * `root` is the whole config as written: at each union on the way (a rule's type, a
 * selector or layer that may be a string, a mapping or a list) it picks the option that
 * fits what is written there. Null when the schema at that path is not a fixed-key mapping.
 */
export function allowedKeys(path: readonly (string | number)[], root: unknown): string[] | null {
  let def = unwrap(configSchema);
  let value = root;
  for (const part of path) {
    def = pickOption(def, value);
    if (!def) return null;
    if (def.type === "object" && typeof part === "string") def = unwrap(def.shape?.[part]);
    else if (def.type === "array") def = unwrap(def.element);
    else if (def.type === "record") def = unwrap(def.valueType);
    else return null;
    value =
      value !== null && typeof value === "object"
        ? (value as Record<string | number, unknown>)[part]
        : undefined;
  }
  def = pickOption(def, value);
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : null;
}

/** For a union, the option that fits the written value (by discriminator, or by shape); lazy schemas resolved. */
function pickOption(def: SchemaDef | undefined, value: unknown): SchemaDef | undefined {
  let current = def;
  for (let depth = 0; current && depth < 10; depth++) {
    if (current.type === "lazy" && current.getter) {
      current = unwrap(current.getter());
      continue;
    }
    if (current.type !== "union" || !current.options) return current;
    const options = current.options.map(unwrap);
    if (current.discriminator) {
      const wanted = (value as Record<string, unknown> | null)?.[current.discriminator];
      return options.find((candidate) =>
        unwrap(candidate?.shape?.[current!.discriminator!])?.values?.includes(wanted),
      );
    }
    const shape = Array.isArray(value)
      ? "array"
      : value !== null && typeof value === "object"
        ? "object"
        : null;
    const fitting = options.filter((option) => resolved(option)?.type === shape);
    if (fitting.length === 0) return undefined;
    // Several mappings fit (layer entries): the one whose keys the written mapping uses.
    const keys = shape === "object" ? Object.keys(value as object) : [];
    current = resolved(
      fitting.find((option) => keys.some((key) => resolved(option)?.shape?.[key] !== undefined)) ??
        fitting[0],
    );
  }
  return current;
}

function resolved(def: SchemaDef | undefined): SchemaDef | undefined {
  return def?.type === "lazy" && def.getter ? unwrap(def.getter()) : def;
}
