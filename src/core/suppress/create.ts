import { findingId, type StreamName } from "../findings.ts";
import { parseExpiry } from "./duration.ts";
import type { PatternType, Suppression, SuppressionLevel, SuppressionSource } from "./model.ts";
import { normalizePattern } from "./pattern.ts";
import { type SuppressionIssue, type ValidationContext, validateSuppression } from "./validate.ts";

/**
 * Turning user input (CLI, PR comment command) into a validated suppression. A duration
 * such as `30d` resolves against `now` here, once, so the stored entry has a fixed date.
 */

export interface SuppressionInput {
  readonly id?: string | undefined;
  readonly level: SuppressionLevel;
  readonly pattern: string;
  readonly patternType?: PatternType | undefined;
  readonly rule?: string | undefined;
  readonly stream?: StreamName | undefined;
  readonly threshold?: number | undefined;
  /** A duration (`30d`, `12h`, `2w`), an ISO date, or a Date. */
  readonly expires?: string | Date | undefined;
  readonly permanent?: boolean | undefined;
  readonly justification: string;
  readonly author?: string | undefined;
  readonly ticket?: string | undefined;
  readonly adr?: string | undefined;
  readonly source: SuppressionSource;
}

export interface CreateContext extends Omit<ValidationContext, "mode"> {
  /**
   * Expiry applied when the input gives neither `expires` nor `permanent` (the CLI and
   * comment commands use DEFAULT_EXPIRY). Without it such input is an error.
   */
  readonly defaultExpiry?: string | undefined;
}

/** What the CLI and comment commands apply when no expiry is given. */
export const DEFAULT_EXPIRY = "90d";

export type CreateResult =
  | { readonly ok: true; readonly suppression: Suppression; readonly warnings: SuppressionIssue[] }
  | { readonly ok: false; readonly errors: SuppressionIssue[]; readonly warnings: SuppressionIssue[] };

export function createSuppression(input: SuppressionInput, context: CreateContext): CreateResult {
  const patternType = input.patternType ?? "glob";
  const pattern = normalizePattern(input.level, patternType, input.pattern);
  const id = (input.id ?? generatedId(input.level, patternType, pattern, input.rule, context.now)).trim();
  const permanent = input.permanent ?? false;

  let expires: Date | null = null;
  const expiryInput = input.expires ?? (permanent ? undefined : context.defaultExpiry);
  if (expiryInput !== undefined) {
    const parsed = parseExpiry(expiryInput, context.now);
    if (!parsed.ok)
      return { ok: false, errors: [{ id, field: "expires", message: parsed.error }], warnings: [] };
    expires = parsed.expires;
  }

  const suppression: Suppression = {
    id,
    level: input.level,
    pattern,
    patternType,
    rule: blankToNull(input.rule),
    stream: input.stream ?? null,
    threshold: input.threshold ?? null,
    expires,
    permanent,
    justification: input.justification.trim(),
    author: blankToNull(input.author),
    createdAt: context.now,
    lastUsedAt: null,
    useCount: 0,
    source: input.source,
    ticket: blankToNull(input.ticket),
    adr: blankToNull(input.adr),
  };
  const { errors, warnings } = validateSuppression(suppression, { ...context, mode: "create" });
  return errors.length > 0 ? { ok: false, errors, warnings } : { ok: true, suppression, warnings };
}

function blankToNull(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}

/** `s-` + 8 hex of what the entry suppresses and when: readable, and unique in practice. */
function generatedId(
  level: SuppressionLevel,
  patternType: PatternType,
  pattern: string,
  rule: string | undefined,
  now: Date,
): string {
  return `s-${findingId([level, patternType, pattern, rule, now.toISOString()]).slice(0, 8)}`;
}
