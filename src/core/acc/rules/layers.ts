import type { Finding } from "../../findings.ts";
import type { AccContext } from "./context.ts";
import { importFindings } from "./import-findings.ts";
import type { LayersRule } from "./types.ts";

/**
 * `layers`, listed top to bottom: a file may import its own layer and any layer below it;
 * an import of a higher layer is a violation. Files outside the listed components (and
 * unmapped files) are not constrained, on either side of the import.
 */
export function evaluateLayers(rule: LayersRule, ctx: AccContext, only?: readonly number[]): Finding[] {
  const rank = new Map(rule.layers.map((name, i) => [name, i]));
  const order = rule.layers.join(" > ");
  return importFindings(rule, ctx, only, {
    constrains: (component) => rank.has(component),
    componentViolation: (from, to) => {
      const toRank = rank.get(to);
      return toRank === undefined || toRank >= rank.get(from)!
        ? null
        : `layer "${from}" may not depend on the higher layer "${to}" (${order})`;
    },
  });
}
