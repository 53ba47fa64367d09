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
 * Evaluates every rule on the graph. Findings come in rule order (config order), then by
 * file, line and target; a rule yields at most one finding per (file, target).
 */
export function evaluateRules(rules: readonly Rule[], ctx: AccContext): Finding[] {
  let afferent: Int32Array | undefined;
  const findings: Finding[] = [];
  for (const rule of rules) {
    let produced: Finding[];
    switch (rule.type) {
      case "layers":
        produced = evaluateLayers(rule, ctx);
        break;
      case "can-call":
        produced = evaluateCanCall(rule, ctx);
        break;
      case "must-not-call":
        produced = evaluateMustNotCall(rule, ctx);
        break;
      case "no-cycles":
        produced = evaluateNoCycles(rule, ctx);
        break;
      case "coupling":
        afferent ??= fanIn(ctx);
        produced = evaluateCoupling(rule, ctx, afferent);
        break;
    }
    findings.push(...produced.sort(compareFindings));
  }
  return findings;
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
