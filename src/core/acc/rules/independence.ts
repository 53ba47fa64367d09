import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { importRuleOptions, indirectSchema, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { judgeImports } from "./dependency-findings.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { unmatchedExemptionFindings } from "./edges.ts";
import { compileSelector, ruleView } from "./selection.ts";
import { FILES, validateSelectors } from "./validation.ts";

export const independenceSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("independence"),
    /**
     * The modules that must not depend on each other: each listed entry, each module a wildcard
     * matches, each component, or each value of a capture (`glob:packages/{pkg}/**`) is one module.
     */
    modules: selectorSchema(),
    indirect: indirectSchema().default(true),
    ...importRuleOptions(),
  }),
);

export type IndependenceRule = z.output<ReturnType<typeof independenceSchema>>;

/**
 * `independence` (import-linter independence): no module of the set may import another,
 * directly or through other files. A chain may not pass through any module of the set (as
 * import-linter: a chain through a third module is that module's violation).
 */
export const independenceRule = describeRule<IndependenceRule>({
  type: "independence",
  schema: independenceSchema,
  summary:
    "the listed modules (or the values of a capture) must not import each other, directly or through other files",
  validate: validateSelectors<IndependenceRule>({ modules: FILES }, { importOptions: true }),
  incremental: (rule) => (rule.indirect === false ? "per-file" : "graph"),
  evaluate: evaluateIndependence,
});

function evaluateIndependence(rule: IndependenceRule, ctx: AccContext, run: RuleRun): Finding[] {
  const view = ruleView(ctx, rule);
  const modules = compileSelector(ctx, rule.modules, { asPackages: rule.asPackages });
  const unitOf = (node: number) => modules.file(node)?.unit ?? null;
  const label = (node: number) => {
    const unit = unitOf(node);
    return unit === null ? "" : unit.split("\u0000").slice(1).join("/") || "the set";
  };
  const findings = judgeImports(
    rule,
    view,
    {
      group: unitOf,
      fileReason(source, target) {
        const a = unitOf(source);
        const b = unitOf(target);
        return a === null || b === null || a === b
          ? null
          : `"${label(source)}" and "${label(target)}" must be independent of each other`;
      },
      blocked: (_source, node) => unitOf(node) !== null,
      describe: (node) => ctx.names[node]!,
      sharedReach: { isTarget: (node) => unitOf(node) !== null, isBlocked: (node) => unitOf(node) !== null },
    },
    rule.indirect,
    run,
  );
  return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
}
