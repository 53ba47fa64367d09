import { createHash } from "./hash.ts";

export type Severity = "error" | "warning" | "info";
export type StreamName = "acc" | "bdv" | "dde";

/**
 * One problem found by a stream. Identity (`id`) never includes a line number, so a
 * finding survives edits above it; base-vs-head diffs, suppressions and the audit trail
 * all key on it.
 */
export interface Finding {
  readonly id: string;
  readonly stream: StreamName;
  /** The configured rule id (ACC) or check name (BDV/DDE). */
  readonly rule: string;
  /** Rule type or check kind, e.g. "layers", "no-cycles", "undefined-step". */
  readonly type: string;
  readonly severity: Severity;
  /** Repo-relative file the finding is reported on, or null when it has none. */
  readonly file: string | null;
  readonly line: number | null;
  readonly column?: number | null;
  /** Imported file, component, package or other subject; null when not applicable. */
  readonly target: string | null;
  readonly message: string;
  /** Measured value for threshold rules (coupling); compared with suppression thresholds. */
  readonly value?: number;
  /** Longer text for annotation raw details (snippets, candidate lists, cycle paths). */
  readonly details?: string;
  /** An indirect import: the hops from the importing file to the imported file or package. */
  readonly chain?: readonly ChainHop[];
  /** A cycle: its files (or components), sorted. */
  readonly members?: readonly string[];
}

/** One import of a chain: `file` imports `target` on `line`. */
export interface ChainHop {
  readonly file: string;
  readonly line: number;
  readonly target: string;
}

export type FindingStatus = "new" | "existing";

/** A finding after the base-vs-head diff and suppressions were applied. */
export interface ReportedFinding extends Finding {
  readonly status: FindingStatus;
  readonly suppressed: boolean;
  readonly suppressionId: string | null;
}

/** Something the user should know that is not a rule violation (parse errors, skipped files). */
export interface Notice {
  readonly file: string | null;
  readonly line?: number | null;
  readonly column?: number | null;
  readonly kind: string;
  readonly message: string;
}

/**
 * Stable short id from the parts that identify a finding. Parts are joined with a
 * separator that cannot occur in paths or rule ids, then hashed.
 */
export function findingId(parts: readonly (string | null | undefined)[]): string {
  const canonical = parts.map((part) => part ?? "").join("\u0000");
  return createHash("sha256").update(canonical).digest("hex").slice(0, 12);
}

export const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
