/** The argument checks comment commands share: counts, reasons, ids, expiry. Pure. */
import { parseExpiry } from "../suppress/duration.ts";
import { argumentError, type OptionName, type Parsed, parsed } from "./parse.ts";

/** Longest reason accepted (a reason is a sentence or two, not an essay). */
export const MAX_REASON_LENGTH = 1000;
export const FINDING_ID = /^[0-9a-f]{12}$/i;
const SUPPRESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** An error when there are not exactly `count` words; `what` names them ("the id of …"). */
export function exactly(
  name: string,
  positional: readonly string[],
  count: number,
  what = "",
): Parsed<never> | null {
  if (positional.length === count) return null;
  if (positional.length < count) return argumentError(`${name} needs ${what}`);
  const extra = positional.slice(count).map((value) => `"${value}"`);
  return argumentError(`unexpected argument${extra.length > 1 ? "s" : ""} ${extra.join(" ")}`);
}

/** The `--reason`, trimmed: required, not empty, at most MAX_REASON_LENGTH characters. */
export function requiredReason(options: ReadonlyMap<OptionName, string>): Parsed<string> {
  const reason = options.get("reason");
  if (reason === undefined) return argumentError('--reason "…" is required: say why');
  const trimmed = reason.trim();
  if (trimmed === "") return argumentError("the reason is empty: say why");
  if (trimmed.length > MAX_REASON_LENGTH)
    return argumentError(`the reason is ${trimmed.length} characters long; at most ${MAX_REASON_LENGTH}`);
  return parsed(trimmed);
}

export interface Expiry {
  /** The expiry as written (a duration or a date), or null: the default applies unless permanent. */
  readonly expires: string | null;
  readonly permanent: boolean;
}

/** `--expires 30d|2026-12-31` or `--permanent` (not both); the expiry must read. */
export function expiryOptions(options: ReadonlyMap<OptionName, string>): Parsed<Expiry> {
  const expires = options.get("expires") ?? null;
  const permanent = options.has("permanent");
  if (expires !== null && permanent) return argumentError("give either --expires or --permanent, not both");
  if (expires !== null) {
    const read = parseExpiry(expires, new Date(0));
    if (!read.ok) return argumentError(read.error);
  }
  return parsed({ expires, permanent });
}

/** A finding id (12 hexadecimal characters), lowercased. */
export function findingIdArgument(id: string): Parsed<string> {
  return FINDING_ID.test(id)
    ? parsed(id.toLowerCase())
    : argumentError(`"${id}" is not a finding id (12 hexadecimal characters)`);
}

export function suppressionIdArgument(id: string): Parsed<string> {
  return SUPPRESSION_ID.test(id) ? parsed(id) : argumentError(`"${id}" is not a suppression id`);
}

/** For commands that take no words and no options. */
export function noArguments(name: string, positional: readonly string[]): Parsed<Record<never, never>> {
  return exactly(name, positional, 0) ?? parsed({});
}
