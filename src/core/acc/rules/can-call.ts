import type { z } from "zod";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { callFindings, callRuleSchema, validateCallRule } from "./call-rules.ts";
import type { AccContext } from "./context.ts";
import { describeRule } from "./descriptor.ts";
import { importsPackage, listedComponents, listedPackages } from "./packages.ts";

export const canCallSchema = once(() => callRuleSchema("can-call", 0));

export type CanCallRule = z.output<ReturnType<typeof canCallSchema>>;

export const canCallRule = describeRule<CanCallRule>({
  type: "can-call",
  schema: canCallSchema,
  summary:
    "files of `from` may import their own component and the listed ones (and, once one is listed, only the listed packages)",
  validate: validateCallRule,
  incremental: () => "per-file",
  evaluate: (rule, ctx, run) => evaluateCanCall(rule, ctx, run.only),
});

/**
 * `can-call`: files of `from` may import their own component and the listed ones; an
 * import of any other MAPPED component is a violation (unmapped files are not constrained).
 *
 * Packages: a rule that lists no `package:NAME` does not constrain external imports. A
 * rule that lists at least one turns into an allow-list for packages as well: an import
 * of a package that is not listed (node builtins and the standard library included) is
 * a violation, with the package name as target.
 */
export function evaluateCanCall(rule: CanCallRule, ctx: AccContext, only?: readonly number[]): Finding[] {
  const allowed = new Set([rule.from, ...listedComponents(rule.to)]);
  const packages = listedPackages(rule.to);
  const allowedText = [...allowed].filter((name) => name !== rule.from);
  const summary = allowedText.length > 0 ? `only ${allowedText.join(", ")}` : "no other component";
  return callFindings(rule, ctx, only, {
    componentViolation: (to) => (allowed.has(to) ? null : `"${rule.from}" may call ${summary}`),
    packageViolation:
      packages.length === 0
        ? undefined
        : (edge, language) =>
            packages.some((pkg) => importsPackage(pkg, edge, language))
              ? null
              : {
                  target: edge.external!,
                  reason: `"${rule.from}" may call only the packages ${packages.join(", ")}`,
                },
  });
}
