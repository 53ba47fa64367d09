import type { Finding } from "../../findings.ts";
import { type CouplingMetrics, componentMetrics, fanIn } from "../metrics.ts";
import type { AccContext } from "./context.ts";
import { accFinding } from "./finding.ts";
import type { CouplingRule } from "./types.ts";

const METRIC_LABEL: Record<CouplingRule["metric"], string> = {
  "fan-in": "fan-in (Ca)",
  "fan-out": "fan-out (Ce)",
  total: "coupling (Ca+Ce)",
};

/**
 * `coupling`: a violation when the metric is GREATER than `max` (max itself is allowed).
 * Scope file measures the graph's files (of `from` when given); scope component measures
 * components (only `from` when given). See metrics.ts for how Ca and Ce are counted. The
 * finding carries the measured `value`, which suppression thresholds compare against.
 */
export function evaluateCoupling(rule: CouplingRule, ctx: AccContext, ca?: Int32Array): Finding[] {
  const findings: Finding[] = [];
  const check = (subject: string, measured: CouplingMetrics, file: string | null, target: string | null) => {
    const value =
      rule.metric === "fan-in" ? measured.ca : rule.metric === "fan-out" ? measured.ce : measured.total;
    if (value <= rule.max) return;
    findings.push(
      accFinding(rule, {
        identity: [file, target],
        file,
        line: null,
        target,
        value,
        message: `${subject} has ${METRIC_LABEL[rule.metric]} ${value}, more than the maximum ${rule.max} (Ca ${measured.ca}, Ce ${measured.ce})`,
      }),
    );
  };
  if (rule.scope === "component") {
    for (const measured of componentMetrics(ctx)) {
      if (rule.from !== undefined && measured.name !== rule.from) continue;
      check(`component "${measured.name}"`, measured, null, measured.name);
    }
    return findings;
  }
  const afferent = ca ?? fanIn(ctx);
  for (let node = 0; node < ctx.names.length; node++) {
    if (!ctx.isSource[node]) continue;
    if (rule.from !== undefined && ctx.component[node] !== rule.from) continue;
    const inbound = afferent[node]!;
    const outbound = ctx.out[node]!.length;
    check(
      ctx.names[node]!,
      { ca: inbound, ce: outbound, total: inbound + outbound, instability: 0 },
      ctx.names[node]!,
      null,
    );
  }
  return findings;
}
