import type { Finding } from "../findings.ts";
import { DAY_MS, EXPIRING_SOON_DAYS, isExpired, type Suppression, UNUSED_AFTER_DAYS } from "./model.ts";

/**
 * What maintainers should look at: entries about to expire, entries that matched nothing
 * in this analysis (stale), entries not matched for 30 days or never (unused), and ones
 * already expired (which no longer apply and can be removed).
 */
export interface SuppressionReview {
  /** Active, not permanent, expiring within 7 days of now; soonest first. */
  readonly expiringSoon: Suppression[];
  /** Active and matched no finding in this analysis. */
  readonly stale: Suppression[];
  /** Active and not matched in the last 30 days, or never (this analysis counts as a match). */
  readonly unused: Suppression[];
  readonly expired: Suppression[];
}

export function reviewSuppressions(
  list: readonly Suppression[],
  usageThisRun: ReadonlyMap<string, number>,
  now: Date,
): SuppressionReview {
  const expiringSoon: Suppression[] = [];
  const stale: Suppression[] = [];
  const unused: Suppression[] = [];
  const expired: Suppression[] = [];
  const soonLimit = now.getTime() + EXPIRING_SOON_DAYS * DAY_MS;
  const unusedLimit = now.getTime() - UNUSED_AFTER_DAYS * DAY_MS;
  for (const suppression of list) {
    if (isExpired(suppression, now)) {
      expired.push(suppression);
      continue;
    }
    if (
      !suppression.permanent &&
      suppression.expires !== null &&
      suppression.expires.getTime() <= soonLimit
    ) {
      expiringSoon.push(suppression);
    }
    const usedNow = (usageThisRun.get(suppression.id) ?? 0) > 0;
    if (!usedNow) stale.push(suppression);
    const lastUsed = usedNow ? now.getTime() : (suppression.lastUsedAt?.getTime() ?? null);
    if (lastUsed === null || lastUsed < unusedLimit) unused.push(suppression);
  }
  expiringSoon.sort((a, b) => a.expires!.getTime() - b.expires!.getTime() || (a.id < b.id ? -1 : 1));
  return { expiringSoon, stale, unused, expired };
}

/** Suppressed findings are counted and listed apart from the ones that count. */
export function partitionSuppressed<F extends Finding & { readonly suppressed: boolean }>(
  findings: readonly F[],
): { readonly reported: F[]; readonly suppressed: F[] } {
  const reported: F[] = [];
  const suppressed: F[] = [];
  for (const finding of findings) (finding.suppressed ? suppressed : reported).push(finding);
  return { reported, suppressed };
}
