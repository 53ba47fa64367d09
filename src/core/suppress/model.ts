import type { StreamName } from "../findings.ts";

/**
 * The suppression model (docs/design.md, "Suppression model"). A suppression accepts findings
 * for a reason and for a time. It is scoped by level and pattern, optionally narrowed to
 * one rule id, one stream, and (for measured findings such as coupling) a threshold.
 */

export const SUPPRESSION_LEVELS = ["violation", "file", "directory", "rule"] as const;
export type SuppressionLevel = (typeof SUPPRESSION_LEVELS)[number];

export const PATTERN_TYPES = ["exact", "glob", "regex"] as const;
export type PatternType = (typeof PATTERN_TYPES)[number];

export const SUPPRESSION_SOURCES = ["config", "command", "cli"] as const;
export type SuppressionSource = (typeof SUPPRESSION_SOURCES)[number];

export interface Suppression {
  readonly id: string;
  readonly level: SuppressionLevel;
  readonly pattern: string;
  readonly patternType: PatternType;
  /** Only findings of this rule id are suppressed; null: any rule. */
  readonly rule: string | null;
  /** Only findings of this stream (config entries are scoped to their section); null: any. */
  readonly stream: StreamName | null;
  /** Suppressed only while the finding's measured `value` is ≤ threshold; null: no threshold. */
  readonly threshold: number | null;
  /** Stops applying once `now` is after this instant; null only when permanent. */
  readonly expires: Date | null;
  readonly permanent: boolean;
  readonly justification: string;
  readonly author: string | null;
  readonly createdAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly useCount: number;
  readonly source: SuppressionSource;
  readonly ticket: string | null;
  readonly adr: string | null;
}

/** Lower rank = more specific = wins. */
export const LEVEL_RANK: Readonly<Record<SuppressionLevel, number>> = {
  violation: 0,
  file: 1,
  directory: 2,
  rule: 3,
};

export const PATTERN_TYPE_RANK: Readonly<Record<PatternType, number>> = { exact: 0, glob: 1, regex: 2 };

/** Window in which an active suppression is reported as expiring soon. */
export const EXPIRING_SOON_DAYS = 7;
/** A suppression not matched for this long (or never) is reported as unused. */
export const UNUSED_AFTER_DAYS = 30;

export const DAY_MS = 86_400_000;

/** Expired means `now` is strictly after `expires`; a permanent suppression never expires. */
export function isExpired(suppression: Pick<Suppression, "permanent" | "expires">, now: Date): boolean {
  if (suppression.permanent) return false;
  if (suppression.expires === null) return false;
  return now.getTime() > suppression.expires.getTime();
}

export function isActive(suppression: Pick<Suppression, "permanent" | "expires">, now: Date): boolean {
  return !isExpired(suppression, now);
}

/**
 * Orders candidates within one level (and, for directories, one ancestor): exact before
 * glob before regex, then an entry narrowed to a rule before an unnarrowed one, then id
 * (code-unit order), so the winner never depends on input order.
 */
export function compareWithinLevel(a: Suppression, b: Suppression): number {
  const byType = PATTERN_TYPE_RANK[a.patternType] - PATTERN_TYPE_RANK[b.patternType];
  if (byType !== 0) return byType;
  const byRule = (a.rule === null ? 1 : 0) - (b.rule === null ? 1 : 0);
  if (byRule !== 0) return byRule;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
