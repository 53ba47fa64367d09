import type { Finding, FindingStatus } from "./findings.ts";

/**
 * Base-vs-head comparison by finding id, the same for every stream. Ids carry no line
 * numbers, so moving an import does not make its violation "new".
 */
export interface FindingDiff<F extends Finding = Finding> {
  /** Head findings in head order, each marked new or existing. */
  readonly findings: readonly (F & { readonly status: FindingStatus })[];
  /** Base findings whose id is absent from head, one per id, in base order. */
  readonly fixed: readonly F[];
  /** Base findings absent from head that the head run did not check: neither fixed nor current. */
  readonly unverified: readonly F[];
}

/**
 * What the head run did not check, so that its silence proves nothing: every check (`all`:
 * the stream failed or ran in part), some checks everywhere, or every check on some files
 * (files that do not parse, or were skipped).
 */
export interface Unchecked {
  readonly all?: boolean;
  readonly checks?: ReadonlySet<string>;
  readonly files?: ReadonlySet<string>;
}

function wasChecked(finding: Finding, unchecked: Unchecked): boolean {
  if (unchecked.all) return false;
  if (unchecked.checks?.has(finding.type)) return false;
  return finding.file === null || !unchecked.files?.has(finding.file);
}

/**
 * Marks each head finding `existing` when a base finding has the same id, else `new`.
 * Without a base (`null`) every finding is new and nothing is fixed: the base is taken
 * to be an empty repository. A base finding is fixed only when the head checked it again.
 */
export function diffFindings<F extends Finding>(
  head: readonly F[],
  base: readonly F[] | null,
  unchecked: Unchecked = {},
): FindingDiff<F> {
  const baseIds = new Set((base ?? []).map((finding) => finding.id));
  const headIds = new Set(head.map((finding) => finding.id));
  const findings = head.map((finding) => ({
    ...finding,
    status: baseIds.has(finding.id) ? ("existing" as const) : ("new" as const),
  }));
  const fixed: F[] = [];
  const unverified: F[] = [];
  const seen = new Set<string>();
  for (const finding of base ?? []) {
    if (headIds.has(finding.id) || seen.has(finding.id)) continue;
    seen.add(finding.id);
    (wasChecked(finding, unchecked) ? fixed : unverified).push(finding);
  }
  return { findings, fixed, unverified };
}
