import type { Finding } from "../../findings.ts";
import type { AccContext } from "./context.ts";
import { importFindings } from "./import-findings.ts";
import { importsPackage, listedComponents, listedPackages } from "./packages.ts";
import type { MustNotCallRule } from "./types.ts";

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
