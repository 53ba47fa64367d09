import type { Rule } from "../../config/schema.ts";
import type { Finding } from "../../findings.ts";
import { fanIn } from "../metrics.ts";
import { evaluateCanCall } from "./can-call.ts";
import type { AccContext } from "./context.ts";
import { evaluateCoupling } from "./coupling.ts";
import { evaluateLayers } from "./layers.ts";
import { evaluateMustNotCall } from "./must-not-call.ts";
import { evaluateNoCycles } from "./no-cycles.ts";

/**
 * What evaluateRules may take over from an evaluation of the same rules on a previous graph
 * whose context this one was derived from (deriveAccContext): `changed` lists the nodes
 * (sorted) whose imports differ; every other node's imports are the same.
 */
export interface PreviousEvaluation {
  readonly findings: readonly Finding[];
  readonly changed: readonly number[];
}

/**
 * Evaluates every rule on the graph. Findings come in rule order (config order), then by
 * file, line and target; a rule yields at most one finding per (file, target).
 *
 * With `previous`, the per-file rules (layers, can-call, must-not-call: a finding depends
 * only on its importing file's own imports) keep the previous findings of unchanged files
 * and are evaluated on the changed files only; the graph-wide rules run in full.
 */
export function evaluateRules(
  rules: readonly Rule[],
  ctx: AccContext,
  previous?: PreviousEvaluation,
): Finding[] {
  let afferent: Int32Array | undefined;
  const kept = previous ? keptFindings(previous, ctx) : undefined;
  const only = previous?.changed;
  const findings: Finding[] = [];
  for (const rule of rules) {
    let produced: Finding[];
    switch (rule.type) {
      case "layers":
        produced = evaluateLayers(rule, ctx, only);
        break;
      case "can-call":
        produced = evaluateCanCall(rule, ctx, only);
        break;
      case "must-not-call":
        produced = evaluateMustNotCall(rule, ctx, only);
        break;
      case "no-cycles":
        produced = evaluateNoCycles(rule, ctx);
        break;
      case "coupling":
        afferent ??= fanIn(ctx);
        produced = evaluateCoupling(rule, ctx, afferent);
        break;
    }
    if (kept && PER_FILE_RULES.has(rule.type)) {
      const previousFindings = kept.get(rule.id);
      if (previousFindings) produced = previousFindings.concat(produced);
    }
    produced.sort(compareFindings);
    for (const finding of produced) findings.push(finding);
  }
  return findings;
}

const PER_FILE_RULES: ReadonlySet<Rule["type"]> = new Set(["layers", "can-call", "must-not-call"]);

/** Previous findings of the per-file rules whose file did not change, by rule id. */
function keptFindings(previous: PreviousEvaluation, ctx: AccContext): Map<string, Finding[]> {
  const changedPaths = new Set(previous.changed.map((node) => ctx.names[node]!));
  const kept = new Map<string, Finding[]>();
  for (const finding of previous.findings) {
    if (!PER_FILE_RULES.has(finding.type as Rule["type"])) continue;
    if (finding.file === null || changedPaths.has(finding.file)) continue;
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
