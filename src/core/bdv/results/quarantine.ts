/**
 * Scenario quarantines: a scenario (by its stable id) or every scenario of the feature files a
 * glob matches (`feature:GLOB`) whose failures stop failing the BDV stream until the quarantine
 * expires. Always expiring: a quarantine is a loan, not a pardon.
 */
import { minimatch } from "minimatch";
import { globProblem } from "../../config/globs.ts";
import { parseExpiry } from "../../suppress/duration.ts";

export interface Quarantine {
  /** A scenario id (12 hex digits) or `feature:GLOB`. */
  readonly scope: string;
  readonly reason: string;
  readonly author: string;
  readonly createdAt: Date;
  readonly expires: Date;
}

export const DEFAULT_QUARANTINE_EXPIRY = "14d";
/** The longest a quarantine may last (from its creation). */
export const MAX_QUARANTINE_DAYS = 90;
const MAX_REASON_CHARS = 500;
const SCENARIO_ID = /^[0-9a-f]{12}$/;
const FEATURE_SCOPE = /^feature:(.{1,300})$/;

export type QuarantineParse =
  | { readonly ok: true; readonly quarantine: Quarantine }
  | { readonly ok: false; readonly error: string };

/** Checks a scope: a scenario id or feature:GLOB. Returns an error text or null. */
export function scopeProblem(scope: string): string | null {
  if (SCENARIO_ID.test(scope)) return null;
  const feature = FEATURE_SCOPE.exec(scope);
  if (feature) return globProblem(feature[1]!);
  return `"${scope}" is not a scenario id (12 hex digits, as the BDV check lists it) or feature:GLOB`;
}

export function createQuarantine(
  input: { scope: string; reason: string; author: string; expires?: string | null },
  now: Date,
): QuarantineParse {
  const scope = input.scope.trim();
  const problem = scopeProblem(scope);
  if (problem) return { ok: false, error: problem };
  const reason = input.reason.trim();
  if (reason === "") return { ok: false, error: 'a quarantine needs a reason (--reason "…")' };
  if (reason.length > MAX_REASON_CHARS)
    return { ok: false, error: `the reason is longer than ${MAX_REASON_CHARS} characters` };
  const expiry = parseExpiry(input.expires ?? DEFAULT_QUARANTINE_EXPIRY, now);
  if (!expiry.ok) return { ok: false, error: expiry.error };
  if (expiry.expires.getTime() <= now.getTime())
    return { ok: false, error: "the quarantine would expire in the past" };
  if (expiry.expires.getTime() - now.getTime() > MAX_QUARANTINE_DAYS * 86_400_000)
    return { ok: false, error: `a quarantine lasts at most ${MAX_QUARANTINE_DAYS} days` };
  return {
    ok: true,
    quarantine: { scope, reason, author: input.author, createdAt: now, expires: expiry.expires },
  };
}

export function isQuarantineActive(quarantine: Quarantine, now: Date): boolean {
  return quarantine.expires.getTime() > now.getTime();
}

/** The active quarantine covering a scenario, if any. */
export function quarantineOf(
  quarantines: readonly Quarantine[],
  scenario: { readonly id: string; readonly feature: string },
  now: Date,
): Quarantine | null {
  for (const quarantine of quarantines) {
    if (!isQuarantineActive(quarantine, now)) continue;
    if (quarantine.scope === scenario.id) return quarantine;
    const feature = FEATURE_SCOPE.exec(quarantine.scope);
    if (feature && minimatch(scenario.feature, feature[1]!, { dot: true })) return quarantine;
  }
  return null;
}
