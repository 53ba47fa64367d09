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
}

/**
 * Marks each head finding `existing` when a base finding has the same id, else `new`.
 * Without a base (`null`) every finding is new and nothing is fixed: the base is taken
 * to be an empty repository.
 */
export function diffFindings<F extends Finding>(
  head: readonly F[],
  base: readonly F[] | null,
): FindingDiff<F> {
  const baseIds = new Set((base ?? []).map((finding) => finding.id));
  const headIds = new Set(head.map((finding) => finding.id));
  const findings = head.map((finding) => ({
    ...finding,
    status: baseIds.has(finding.id) ? ("existing" as const) : ("new" as const),
  }));
  const fixed: F[] = [];
  const seenFixed = new Set<string>();
  for (const finding of base ?? []) {
    if (headIds.has(finding.id) || seenFixed.has(finding.id)) continue;
    seenFixed.add(finding.id);
    fixed.push(finding);
  }
  return { findings, fixed };
}
