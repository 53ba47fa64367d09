/**
 * The imports one rule considers: its import kinds (`kinds`, `ignoreKinds`) and its
 * exemptions (`exempt: [{ from, to }]`, import-linter's ignore_imports) applied to the
 * context's graph. Chains, cycles and direct checks of that rule all walk this view, so an
 * ignored import is gone for every purpose, as import-linter removes it from its graph.
 */
import type { Finding } from "../../findings.ts";
import { ALL_FORMS, formFilter, formOf, type ImportKindName } from "../kinds.ts";
import type { ResolvedImport } from "../model.ts";
import type { CompiledSelector } from "../select/compile.ts";
import { wildcardRegex } from "../select/regex.ts";
import type { Exemption, UnmatchedAlert } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import type { BaseRule, RuleRun } from "./descriptor.ts";
import { accFinding } from "./finding.ts";

export interface CompiledExemption {
  readonly from: CompiledSelector;
  readonly to: CompiledSelector;
  readonly written: Exemption;
}

export interface EdgeView {
  readonly ctx: AccContext;
  /** Distinct internal files node i imports through considered imports, sorted. */
  out(node: number): readonly number[];
  /** The first line of a considered import of `out(node)[k]`. */
  line(node: number, k: number): number;
  /** The considered package imports of a node, in line order. */
  packages(node: number): readonly ResolvedImport[];
  /** The considered imports of a node that resolve to nothing, in line order. */
  unresolved(node: number): readonly ResolvedImport[];
  /** The first line of a considered import from `node` to file `to` (-1 when none). */
  lineTo(node: number, to: number): number;
  /** Indexes (into the rule's `exempt`) of the exemptions that matched no considered import. */
  readonly unmatched: readonly number[];
  /** Whether the view is the whole graph (no kind filter, no exemption). */
  readonly whole: boolean;
}

export interface EdgeFilter {
  readonly kinds?: readonly ImportKindName[] | undefined;
  readonly ignoreKinds?: readonly ImportKindName[] | undefined;
  readonly exemptions?: readonly CompiledExemption[] | undefined;
}

export function edgeView(ctx: AccContext, filter: EdgeFilter): EdgeView {
  const forms = formFilter(filter.kinds, filter.ignoreKinds);
  const exemptions = filter.exemptions ?? [];
  const n = ctx.names.length;
  const considered = (node: number, edge: ResolvedImport) =>
    ((1 << formOf(edge, ctx.language[node] ?? null)) & forms) !== 0;
  const unresolvedOf = (node: number) =>
    ctx.imports[node]!.filter(
      (edge) => edge.target === null && edge.external === null && considered(node, edge),
    );
  if (forms === ALL_FORMS && exemptions.length === 0) {
    return {
      ctx,
      out: (node) => ctx.out[node]!,
      line: (node, k) => ctx.outLine[node]![k]!,
      packages: (node) => ctx.external[node]!,
      unresolved: unresolvedOf,
      lineTo: (node, to) => {
        const k = ctx.out[node]!.indexOf(to);
        return k < 0 ? -1 : ctx.outLine[node]![k]!;
      },
      unmatched: [],
      whole: true,
    };
  }
  const out = new Array<readonly number[]>(n);
  const lines = new Array<readonly number[]>(n);
  const packages = new Array<readonly ResolvedImport[]>(n);
  const unresolved = new Array<readonly ResolvedImport[]>(n);
  const matched = new Uint8Array(exemptions.length);
  const bySpecifier = exemptions.some((exemption) => exemption.written.specifier !== undefined);
  for (let node = 0; node < n; node++) {
    const targets = ctx.out[node]!;
    const kept: number[] = [];
    const keptLines: number[] = [];
    for (let k = 0; k < targets.length; k++) {
      const edgeForms = ctx.outForms[node]![k]!;
      if ((edgeForms & forms) === 0) continue;
      const to = targets[k]!;
      if (exemptions.length > 0) {
        const toFile = (sel: CompiledSelector) => sel.selectsFiles && sel.file(to) !== null;
        // With specifier exemptions the import is gone only when each of its imports of `to` is.
        const isExempt = bySpecifier
          ? ctx.imports[node]!.filter(
              (edge) => edge.target === ctx.names[to] && considered(node, edge),
            ).every((edge) => exempt(exemptions, matched, node, toFile, edge.specifier))
          : exempt(exemptions, matched, node, toFile, null);
        if (isExempt) continue;
      }
      kept.push(to);
      keptLines.push(
        (edgeForms & ~forms) === 0 ? ctx.outLine[node]![k]! : firstLine(ctx, node, to, considered),
      );
    }
    out[node] = kept;
    lines[node] = keptLines;
    const isExempt = (test: (to: CompiledSelector) => boolean, specifier: string) =>
      exemptions.length > 0 && exempt(exemptions, matched, node, test, specifier);
    packages[node] = ctx.external[node]!.filter(
      (edge) => considered(node, edge) && !isExempt((to) => to.package(node, edge) !== null, edge.specifier),
    );
    unresolved[node] = unresolvedOf(node).filter(
      (edge) => !isExempt((to) => to.unresolved(node, edge), edge.specifier),
    );
  }
  const unmatched: number[] = [];
  matched.forEach((hit, i) => {
    if (hit === 0) unmatched.push(i);
  });
  return {
    ctx,
    out: (node) => out[node]!,
    line: (node, k) => lines[node]![k]!,
    packages: (node) => packages[node]!,
    unresolved: (node) => unresolved[node]!,
    lineTo: (node, to) => {
      const k = out[node]!.indexOf(to);
      return k < 0 ? -1 : lines[node]![k]!;
    },
    unmatched,
    whole: false,
  };
}

function firstLine(
  ctx: AccContext,
  node: number,
  to: number,
  considered: (node: number, edge: ResolvedImport) => boolean,
): number {
  const path = ctx.names[to]!;
  let line = Number.POSITIVE_INFINITY;
  for (const edge of ctx.imports[node]!)
    if (edge.target === path && considered(node, edge) && edge.line < line) line = edge.line;
  return line;
}

/**
 * Whether an import of `from` is exempt: some exemption's `from` matches the file and its
 * `to` (with the captures of `from`) matches what is imported. Marks every exemption that
 * matches, so the ones matching nothing can be reported.
 */
function exempt(
  exemptions: readonly CompiledExemption[],
  matched: Uint8Array,
  from: number,
  test: (to: CompiledSelector) => boolean,
  specifier: string | null,
): boolean {
  let found = false;
  exemptions.forEach((exemption, i) => {
    const patterns = exemption.written.specifier;
    if (patterns !== undefined) {
      const list = typeof patterns === "string" ? [patterns] : patterns;
      if (specifier === null || !list.some((pattern) => wildcardRegex(pattern).test(specifier))) return;
    }
    const source = exemption.from.file(from);
    if (source === null || !test(exemption.to.bound(source.bindings))) return;
    matched[i] = 1;
    found = true;
  });
  return found;
}

/**
 * What the rule's `unmatchedExemptions` makes of exemptions that matched no import: findings
 * of that severity (no file: they are about the config), notices, or nothing.
 */
export function unmatchedExemptionFindings(
  rule: BaseRule & { readonly exempt: readonly Exemption[]; readonly unmatchedExemptions: UnmatchedAlert },
  unmatched: readonly number[],
  run: RuleRun,
): Finding[] {
  if (rule.unmatchedExemptions === "off") return [];
  const findings: Finding[] = [];
  for (const i of unmatched) {
    const exemption = rule.exempt[i]!;
    const text = `${describeSelector(exemption.from)} -> ${describeSelector(exemption.to)}`;
    const message = `rule "${rule.id}": exemption #${i + 1} (${text}) matches no import`;
    if (rule.unmatchedExemptions === "notice") {
      run.notices.push({ file: null, kind: "exemption-unmatched", message });
      continue;
    }
    findings.push(
      accFinding(
        { ...rule, severity: rule.unmatchedExemptions },
        {
          identity: ["unmatched-exemption", JSON.stringify(exemption.from), JSON.stringify(exemption.to)],
          file: null,
          line: null,
          target: text,
          message,
        },
      ),
    );
  }
  return findings;
}

/** A selector as written, for messages. */
export function describeSelector(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(describeSelector).join(", ");
  return JSON.stringify(value);
}
