import type { Finding, Notice } from "../../findings.ts";
import type { AccContext } from "./context.ts";
import type { BaseRule } from "./descriptor.ts";
import { descriptorOf } from "./table.ts";

/**
 * What evaluateRules may take over from an evaluation of the same rules on a previous graph
 * whose context this one was derived from (deriveAccContext): `changed` lists the nodes
 * (sorted) whose imports differ; every other node's imports are the same.
 */
export interface PreviousEvaluation {
  readonly findings: readonly Finding[];
  readonly changed: readonly number[];
}

export interface EvaluateOptions {
  /** Where rules put notices (exemptions that match nothing, searches cut short). */
  readonly notices?: Notice[];
}

/**
 * Evaluates every rule on the graph. Findings come in rule order (config order), then by
 * file, line and target; a rule yields at most one finding per (file, target).
 *
 * With `previous`, the rules whose descriptor says `per-file` (a finding depends only on its
 * importing file's own imports) keep the previous findings of unchanged files and are
 * evaluated on the changed files only; the graph-wide rules run in full.
 */
export function evaluateRules(
  rules: readonly BaseRule[],
  ctx: AccContext,
  previous?: PreviousEvaluation,
  options: EvaluateOptions = {},
): Finding[] {
  const memo = new Map<string, unknown>();
  const notices = options.notices ?? [];
  const kept = previous ? keptFindings(previous, ctx) : null;
  const findings: Finding[] = [];
  for (const rule of rules) {
    const descriptor = descriptorOf(rule);
    const perFile = previous !== undefined && descriptor.incremental(rule) === "per-file";
    let produced = descriptor.evaluate(rule, ctx, {
      only: perFile ? previous.changed : undefined,
      notices,
      memo,
    });
    if (perFile) produced = (kept!.get(rule.id) ?? []).concat(produced);
    produced.sort(compareFindings);
    for (const finding of produced) findings.push(finding);
  }
  return findings;
}

/** Previous findings on files that did not change, by rule id (findings without a file are always re-evaluated). */
function keptFindings(previous: PreviousEvaluation, ctx: AccContext): Map<string, Finding[]> {
  const changed = new Set(previous.changed.map((node) => ctx.names[node]!));
  const kept = new Map<string, Finding[]>();
  for (const finding of previous.findings) {
    if (finding.file === null || changed.has(finding.file)) continue;
    const list = kept.get(finding.rule);
    if (list) list.push(finding);
    else kept.set(finding.rule, [finding]);
  }
  return kept;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compare(a.file ?? "", b.file ?? "") ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compare(a.target ?? "", b.target ?? "") ||
    compare(a.id, b.id)
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
