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
 * `value` is that mapping as written (it picks the rule type of a discriminated union).
 * Null when the schema at that path is not a fixed-key mapping.
 */
export function allowedKeys(path: readonly (string | number)[], value: unknown): string[] | null {
  let def = unwrap(configSchema);
  for (const part of path) {
    if (!def) return null;
    if (def.type === "object" && typeof part === "string") def = unwrap(def.shape?.[part]);
    else if (def.type === "array") def = unwrap(def.element);
    else if (def.type === "record") def = unwrap(def.valueType);
    else return null;
  }
  if (def?.type === "union" && def.discriminator && def.options) {
    const wanted = (value as Record<string, unknown> | null)?.[def.discriminator];
    const option = def.options
      .map(unwrap)
      .find((candidate) => unwrap(candidate?.shape?.[def!.discriminator!])?.values?.includes(wanted));
    def = option;
  }
  return def?.type === "object" && def.shape ? Object.keys(def.shape) : null;
}
