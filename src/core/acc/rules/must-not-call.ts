import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import type { Finding } from "../../findings.ts";
import type { AccContext } from "./context.ts";
import { describeRule } from "./descriptor.ts";
import { importFindings } from "./import-findings.ts";
import { importsPackage, listedComponents, listedPackages } from "./packages.ts";
import { checkCallTargets, checkComponent } from "./validation.ts";

export const mustNotCallSchema = z.strictObject({
  ...ruleBase,
  type: z.literal("must-not-call"),
  from: z.string().min(1),
  to: z.array(z.string().min(1)).min(1),
});

export type MustNotCallRule = z.output<typeof mustNotCallSchema>;

export const mustNotCallRule = describeRule<MustNotCallRule>({
  type: "must-not-call",
  schema: mustNotCallSchema,
  summary:
    "files of `from` must not import the listed components or `package:NAME` packages (direct imports)",
  validate(rule, at, env) {
    const issues: ConfigIssue[] = [];
    checkComponent(rule, rule.from, [...at, "from"], env, issues);
    checkCallTargets(rule, rule.to, [...at, "to"], env, issues);
    return issues;
  },
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
  return importFindings(rule, ctx, only, {
    constrains: (component) => component === rule.from,
    componentViolation: (_from, to) => (forbidden.has(to) ? `"${rule.from}" must not call "${to}"` : null),
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
