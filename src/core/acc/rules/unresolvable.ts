import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { wildcardRegex } from "../select/regex.ts";
import { importRuleOptions, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { unmatchedExemptionFindings } from "./edges.ts";
import { accFinding } from "./finding.ts";
import { compileSelector, ruleView, scopedSources } from "./selection.ts";
import { FILES, validateSelectors } from "./validation.ts";

export const unresolvableSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("unresolvable"),
    /** The files checked (all analysed files when absent). */
    from: selectorSchema().optional(),
    /** Specifiers to leave alone (`*` wildcards), e.g. virtual modules of a bundler. */
    ignore: z.array(z.string().min(1)).default([]),
    ...importRuleOptions(),
  }),
);

export type UnresolvableRule = z.output<ReturnType<typeof unresolvableSchema>>;

/**
 * `unresolvable` (dependency-cruiser `couldNotResolve`): an import that resolves neither to a
 * file of the repository nor to a package is a violation, one per (file, specifier).
 */
export const unresolvableRule = describeRule<UnresolvableRule>({
  type: "unresolvable",
  schema: unresolvableSchema,
  summary: "an import that resolves to no file of the repository and no package is a violation",
  validate: validateSelectors<UnresolvableRule>({ from: FILES }, { importOptions: true }),
  incremental: () => "per-file",
  evaluate(rule, ctx: AccContext, run: RuleRun): Finding[] {
    const view = ruleView(ctx, rule);
    const scope =
      rule.from === undefined ? null : compileSelector(ctx, rule.from, { asPackages: rule.asPackages });
    const ignored = rule.ignore.map(wildcardRegex);
    const findings: Finding[] = [];
    for (const node of scopedSources(ctx, scope, run.only)) {
      const seen = new Set<string>();
      for (const edge of view.unresolved(node)) {
        if (seen.has(edge.specifier) || ignored.some((regex) => regex.test(edge.specifier))) continue;
        seen.add(edge.specifier);
        const path = ctx.names[node]!;
        findings.push(
          accFinding(rule, {
            identity: [path, edge.specifier],
            file: path,
            line: edge.line,
            target: edge.specifier,
            message: `${path} imports "${edge.specifier}", which resolves to no file of the repository and no package`,
          }),
        );
      }
    }
    return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
  },
});
