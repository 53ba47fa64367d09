import type { Finding } from "../../findings.ts";
import type { AccContext } from "./context.ts";
import { accFinding, describeFile } from "./finding.ts";
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
      if (toComponent === null || !forbidden.has(toComponent)) continue;
      const toPath = ctx.names[to]!;
      findings.push(
        accFinding(rule, {
          identity: [fromPath, toPath],
          file: fromPath,
          line: ctx.outLine[from]![k]!,
          target: toPath,
          message:
            `${describeFile(fromPath, rule.from)} imports ${describeFile(toPath, toComponent)}: ` +
            `"${rule.from}" must not call "${toComponent}"`,
        }),
      );
    }
    if (packages.length === 0) continue;
    const reported = new Set<string>();
    for (const edge of ctx.external[from]!) {
      const name = packages.find((pkg) => importsPackage(pkg, edge, ctx.language[from] ?? null));
      if (name === undefined || reported.has(name)) continue;
      reported.add(name);
      findings.push(
        accFinding(rule, {
          identity: [fromPath, name],
          file: fromPath,
          line: edge.line,
          target: name,
          message:
            `${describeFile(fromPath, rule.from)} imports package "${edge.specifier}": ` +
            `"${rule.from}" must not call package:${name}`,
        }),
      );
    }
  }
  return findings;
}
