import type { Finding } from "../../findings.ts";
import type { AccContext } from "./context.ts";
import { accFinding, describeFile } from "./finding.ts";
import type { LayersRule } from "./types.ts";

/**
 * `layers`, listed top to bottom: a file may import its own layer and any layer below it;
 * an import of a higher layer is a violation. Files outside the listed components (and
 * unmapped files) are not constrained, on either side of the import.
 */
export function evaluateLayers(rule: LayersRule, ctx: AccContext, only?: readonly number[]): Finding[] {
  const rank = new Map(rule.layers.map((name, i) => [name, i]));
  const order = rule.layers.join(" > ");
  const findings: Finding[] = [];
  const count = only ? only.length : ctx.names.length;
  for (let i = 0; i < count; i++) {
    const from = only ? only[i]! : i;
    const fromComponent = ctx.component[from] ?? null;
    const fromRank = fromComponent === null ? undefined : rank.get(fromComponent);
    if (fromRank === undefined || !ctx.isSource[from]) continue;
    const targets = ctx.out[from]!;
    for (let k = 0; k < targets.length; k++) {
      const to = targets[k]!;
      const toComponent = ctx.component[to] ?? null;
      const toRank = toComponent === null ? undefined : rank.get(toComponent);
      if (toRank === undefined || toRank >= fromRank) continue;
      const fromPath = ctx.names[from]!;
      const toPath = ctx.names[to]!;
      findings.push(
        accFinding(rule, {
          identity: [fromPath, toPath],
          file: fromPath,
          line: ctx.outLine[from]![k]!,
          target: toPath,
          message:
            `${describeFile(fromPath, fromComponent)} imports ${describeFile(toPath, toComponent)}: ` +
            `layer "${fromComponent}" may not depend on the higher layer "${toComponent}" (${order})`,
        }),
      );
    }
  }
  return findings;
}
