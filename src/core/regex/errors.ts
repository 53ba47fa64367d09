/**
 * Why a pattern cannot run on the linear-time engine:
 * - `syntax`: it is not a valid pattern in its own dialect (or RE2 rejects what we passed on);
 * - `unsupported`: valid in its dialect but needs backtracking (backreferences, lookahead,
 *   atomic groups, conditionals) or something RE2 cannot express;
 * - `too-large`: the pattern (or its compiled program) is over the size limit.
 */
export type RegexErrorKind = "syntax" | "unsupported" | "too-large";

export class RegexError extends Error {
  override readonly name = "RegexError";
  readonly kind: RegexErrorKind;
  /** The pattern as the author wrote it. */
  readonly pattern: string;
  /** 0-based index into `pattern` where the problem starts, when known. */
  readonly position: number | null;
  /** The problem alone, without the pattern (for messages that quote the pattern themselves). */
  readonly reason: string;

  constructor(kind: RegexErrorKind, pattern: string, reason: string, position: number | null = null) {
    const where = position === null ? "" : ` at position ${position + 1}`;
    super(`regex /${pattern}/${where}: ${reason}`);
    this.kind = kind;
    this.pattern = pattern;
    this.position = position;
    this.reason = position === null ? reason : `${reason} (at position ${position + 1})`;
  }
}

/** The advice every "unsupported" message ends with. */
export const LINEAR_ENGINE_NOTE =
  "patterns from repositories and configs run on a linear-time engine (RE2) that has no backtracking";
