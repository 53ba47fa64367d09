import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { importRuleOptions, indirectSchema, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { judgeImports } from "./dependency-findings.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { describeSelector, unmatchedExemptionFindings } from "./edges.ts";
import { compileSelector, ruleView } from "./selection.ts";
import { FILES, validateSelectors } from "./validation.ts";

export const protectedSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("protected"),
    /** The protected modules; files of one protected module may import each other. */
    modules: selectorSchema(),
    /** The only files allowed to import them (none when absent). */
    allowedImporters: selectorSchema().optional(),
    indirect: indirectSchema().default(false),
    ...importRuleOptions(),
  }),
);

export type ProtectedRule = z.output<ReturnType<typeof protectedSchema>>;

/** `protected` (import-linter protected): only `allowedImporters` may import the protected modules (direct imports by default). */
export const protectedRule = describeRule<ProtectedRule>({
  type: "protected",
  schema: protectedSchema,
  summary: "only `allowedImporters` (and the protected module itself) may import the protected modules",
  validate: validateSelectors<ProtectedRule>(
    { modules: FILES, allowedImporters: FILES },
    { importOptions: true },
  ),
  incremental: (rule) => (rule.indirect === false ? "per-file" : "graph"),
  evaluate: evaluateProtected,
});

function evaluateProtected(rule: ProtectedRule, ctx: AccContext, run: RuleRun): Finding[] {
  const view = ruleView(ctx, rule);
  const modules = compileSelector(ctx, rule.modules, { asPackages: rule.asPackages });
  const allowed =
    rule.allowedImporters === undefined
      ? null
      : compileSelector(ctx, rule.allowedImporters, { asPackages: rule.asPackages });
  const isAllowed = (node: number) => allowed?.file(node) != null;
  const unitOf = (node: number) => modules.file(node)?.unit ?? null;
  const reason = `only ${rule.allowedImporters === undefined ? "no other file" : describeSelector(rule.allowedImporters)} may import ${describeSelector(rule.modules)}`;
  const findings = judgeImports(
    rule,
    view,
    {
      group: (node) => (isAllowed(node) ? null : `${unitOf(node) ?? ""}`),
      fileReason(source, target) {
        const unit = unitOf(target);
        return unit === null || unit === unitOf(source) ? null : reason;
      },
      blocked: (source, node) =>
        isAllowed(node) || (unitOf(node) !== null && unitOf(node) === unitOf(source)),
      describe: (node) => ctx.names[node]!,
    },
    rule.indirect,
    run,
  );
  return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
}
