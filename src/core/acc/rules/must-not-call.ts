import type { z } from "zod";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { callFindings, callRuleSchema, validateCallRule } from "./call-rules.ts";
import type { AccContext } from "./context.ts";
import { describeRule } from "./descriptor.ts";
import { importsPackage, listedComponents, listedPackages } from "./packages.ts";

export const mustNotCallSchema = once(() => callRuleSchema("must-not-call", 1));

export type MustNotCallRule = z.output<ReturnType<typeof mustNotCallSchema>>;

export const mustNotCallRule = describeRule<MustNotCallRule>({
  type: "must-not-call",
  schema: mustNotCallSchema,
  summary:
    "files of `from` must not import the listed components or `package:NAME` packages (direct imports)",
  validate: validateCallRule,
  incremental: () => "per-file",
  evaluate: (rule, ctx, run) => evaluateMustNotCall(rule, ctx, run.only),
});

/**
 * `must-not-call`: an import from a file of `from` into any listed component, or of any
 * listed `package:NAME` (the package or a deep import below it), is a violation. One
 * finding per (importing file, imported file or package), on the first such import line.
 */
export function evaluateMustNotCall(
  rule: MustNotCallRule,
  ctx: AccContext,
  only?: readonly number[],
): Finding[] {
  const forbidden = new Set(listedComponents(rule.to));
  const packages = listedPackages(rule.to);
  return callFindings(rule, ctx, only, {
    componentViolation: (to) => (forbidden.has(to) ? `"${rule.from}" must not call "${to}"` : null),
    packageViolation:
      packages.length === 0
        ? undefined
        : (edge, language) => {
            const name = packages.find((pkg) => importsPackage(pkg, edge, language));
            return name === undefined
              ? null
              : { target: name, reason: `"${rule.from}" must not call package:${name}` };
          },
  });
}
