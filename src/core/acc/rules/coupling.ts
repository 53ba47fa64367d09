import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { type CouplingMetrics, componentMetrics, fanIn } from "../metrics.ts";
import type { AccContext } from "./context.ts";
import { describeRule } from "./descriptor.ts";
import { accFinding } from "./finding.ts";
import { checkComponent } from "./validation.ts";

export const couplingSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("coupling"),
    /** Only files (or, with scope component, only this component) are measured; all when absent. */
    from: z.string().min(1).optional(),
    metric: z.enum(["fan-in", "fan-out", "total"]).default("total"),
    scope: z.enum(["file", "component"]).default("file"),
    max: z.number().int().nonnegative(),
  }),
);

export type CouplingRule = z.output<ReturnType<typeof couplingSchema>>;

export const couplingRule = describeRule<CouplingRule>({
  type: "coupling",
  schema: couplingSchema,
  summary: "fan-in (Ca), fan-out (Ce) or both of files or components must not be greater than `max`",
  validate(rule, at, env) {
    const issues: ConfigIssue[] = [];
    if (rule.from !== undefined) checkComponent(rule, rule.from, [...at, "from"], env, issues);
    return issues;
  },
  incremental: () => "graph",
  evaluate(rule, ctx, run) {
    let afferent = run.memo.get("fan-in") as Int32Array | undefined;
    if (afferent === undefined) {
      afferent = fanIn(ctx);
      run.memo.set("fan-in", afferent);
    }
    return evaluateCoupling(rule, ctx, afferent);
  },
});

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
