import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { importRuleOptions, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { describeSelector, unmatchedExemptionFindings } from "./edges.ts";
import { accFinding } from "./finding.ts";
import { compileSelector, ruleView, scopedSources } from "./selection.ts";
import { FILES, validateSelectors } from "./validation.ts";

export const requiredSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("required"),
    /** The files that must depend on `to`. */
    module: selectorSchema(),
    to: selectorSchema(),
    /** false: a direct import is needed; any: reaching `to` through other files is enough (dependency-cruiser `reachable`). */
    indirect: z.union([z.literal(false), z.literal("any")]).default(false),
    ...importRuleOptions(),
  }),
);

export type RequiredRule = z.output<ReturnType<typeof requiredSchema>>;

/** `required` (dependency-cruiser `required`): every file of `module` (that is not itself a `to` file) must import a `to` file. */
export const requiredRule = describeRule<RequiredRule>({
  type: "required",
  schema: requiredSchema,
  summary: "every file of `module` must import (or, with indirect: any, reach) a file of `to`",
  validate: validateSelectors<RequiredRule>({ module: FILES, to: FILES }, { importOptions: true }),
  incremental: (rule) => (rule.indirect === false ? "per-file" : "graph"),
  evaluate: evaluateRequired,
});

function evaluateRequired(rule: RequiredRule, ctx: AccContext, run: RuleRun): Finding[] {
  const view = ruleView(ctx, rule);
  const module = compileSelector(ctx, rule.module, { asPackages: rule.asPackages });
  const to = compileSelector(ctx, rule.to, {
    asPackages: rule.asPackages,
    outerNames: module.captureNames(),
  });
  const findings: Finding[] = [];
  for (const node of scopedSources(ctx, null, run.only)) {
    const match = module.file(node);
    if (match === null) continue;
    const targets = to.bound(match.bindings);
    if (targets.file(node) !== null) continue;
    const satisfied =
      rule.indirect === false
        ? view.out(node).some((next) => targets.file(next) !== null)
        : reaches(view, node, (next) => targets.file(next) !== null);
    if (satisfied) continue;
    const path = ctx.names[node]!;
    findings.push(
      accFinding(rule, {
        identity: [path],
        file: path,
        line: null,
        target: describeSelector(rule.to),
        message: `${path} must ${rule.indirect === false ? "import" : "depend on"} ${describeSelector(rule.to)}, and does not`,
      }),
    );
  }
  return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
}

/** Whether any file reachable from `start` (not itself) passes the test. */
function reaches(view: ReturnType<typeof ruleView>, start: number, test: (node: number) => boolean): boolean {
  const seen = new Set<number>([start]);
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    for (const next of view.out(queue[head]!)) {
      if (seen.has(next)) continue;
      if (test(next)) return true;
      seen.add(next);
      queue.push(next);
    }
  }
  return false;
}
