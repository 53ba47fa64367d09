/**
 * A canonical JSON encoding: object keys sorted at every depth, no whitespace, dates as ISO
 * strings, undefined members dropped. Two equal values always encode to the same bytes, which
 * is what a hash chain needs (jsonb reorders keys on the way through the database).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalise(value));
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((item) => (item === undefined ? null : normalise(item)));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = normalise(member);
    }
    return out;
  }
  if (typeof value === "bigint") return value.toString();
  return value;
}
