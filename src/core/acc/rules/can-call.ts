import type { Finding } from "../../findings.ts";
import type { AccContext } from "./context.ts";
import { accFinding, describeFile } from "./finding.ts";
import { importsPackage, listedComponents, listedPackages } from "./packages.ts";
import type { CanCallRule } from "./types.ts";

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
  const findings: Finding[] = [];
  const count = only ? only.length : ctx.names.length;
  for (let i = 0; i < count; i++) {
    const from = only ? only[i]! : i;
    if (ctx.component[from] !== rule.from || !ctx.isSource[from]) continue;
    const fromPath = ctx.names[from]!;
    const targets = ctx.out[from]!;
    for (let k = 0; k < targets.length; k++) {
      const to = targets[k]!;
      const toComponent = ctx.component[to] ?? null;
      if (toComponent === null || allowed.has(toComponent)) continue;
      const toPath = ctx.names[to]!;
      findings.push(
        accFinding(rule, {
          identity: [fromPath, toPath],
          file: fromPath,
          line: ctx.outLine[from]![k]!,
          target: toPath,
          message:
            `${describeFile(fromPath, rule.from)} imports ${describeFile(toPath, toComponent)}: ` +
            `"${rule.from}" may call ${summary}`,
        }),
      );
    }
    if (packages.length === 0) continue;
    const reported = new Set<string>();
    for (const edge of ctx.external[from]!) {
      const name = edge.external!;
      if (reported.has(name) || packages.some((pkg) => importsPackage(pkg, edge, ctx.language[from] ?? null)))
        continue;
      reported.add(name);
      findings.push(
        accFinding(rule, {
          identity: [fromPath, name],
          file: fromPath,
          line: edge.line,
          target: name,
          message:
            `${describeFile(fromPath, rule.from)} imports package "${edge.specifier}": ` +
            `"${rule.from}" may call only the packages ${packages.join(", ")}`,
        }),
      );
    }
  }
  return findings;
}
