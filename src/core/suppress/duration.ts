import { DAY_MS } from "./model.ts";

/**
 * Expiry input: a duration (`12h`, `30d`, `2w`) resolved against the creation time, or an
 * ISO date (`2026-12-31`, valid through the end of that UTC day) or date-time
 * (`2026-12-31T10:00:00Z`; without a zone it is read as UTC, never as local time).
 */

const DURATION = /^(\d{1,6})\s*(h|d|w)$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/i;

const UNIT_MS: Readonly<Record<string, number>> = { h: 3_600_000, d: DAY_MS, w: 7 * DAY_MS };

export type ExpiryParse =
  | { readonly ok: true; readonly expires: Date; readonly kind: "duration" | "date" }
  | { readonly ok: false; readonly error: string };

export function isDuration(text: string): boolean {
  return DURATION.test(text.trim());
}

/** Milliseconds of a duration such as `30d`, or null when the text is not one. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  const amount = Number(match[1]);
  const unit = UNIT_MS[match[2]!.toLowerCase()]!;
  return amount * unit;
}

export function parseExpiry(input: string | Date, now: Date): ExpiryParse {
  if (input instanceof Date) {
    return Number.isNaN(input.getTime())
      ? { ok: false, error: "expires is not a valid date" }
      : { ok: true, expires: input, kind: "date" };
  }
  const text = input.trim();
  const duration = parseDuration(text);
  if (duration !== null) {
    if (duration === 0) return { ok: false, error: `expires "${text}" is zero: give a positive duration` };
    return { ok: true, expires: new Date(now.getTime() + duration), kind: "duration" };
  }
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [, y, m, d] = dateOnly;
    const start = Date.UTC(Number(y), Number(m) - 1, Number(d));
    const check = new Date(start);
    if (
      check.getUTCFullYear() !== Number(y) ||
      check.getUTCMonth() !== Number(m) - 1 ||
      check.getUTCDate() !== Number(d)
    ) {
      return { ok: false, error: `expires "${text}" is not a real calendar date` };
    }
    return { ok: true, expires: new Date(start + DAY_MS - 1), kind: "date" };
  }
  if (DATE_TIME.test(text)) {
    const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text);
    const parsed = new Date(hasZone ? text : `${text.replace(" ", "T")}Z`);
    if (!Number.isNaN(parsed.getTime())) return { ok: true, expires: parsed, kind: "date" };
  }
  return {
    ok: false,
    error: `expires "${text}" is neither a duration (12h, 30d, 2w) nor an ISO date (2026-12-31)`,
  };
}
