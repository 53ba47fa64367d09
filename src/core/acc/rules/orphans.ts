import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { kindOptions, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { describeRule } from "./descriptor.ts";
import { accFinding } from "./finding.ts";
import { compileSelector, ruleView } from "./selection.ts";
import { FILES, validateSelectors } from "./validation.ts";

export const orphansSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("orphans"),
    /** The files checked (all analysed files when absent); e.g. `{ glob: "src/**", not: "glob:**\/*.d.ts" }`. */
    files: selectorSchema().optional(),
    ...kindOptions(),
  }),
);

export type OrphansRule = z.output<ReturnType<typeof orphansSchema>>;

/**
 * `orphans` (dependency-cruiser `orphan`): a file that imports nothing (no file, no package,
 * nothing unresolvable) and that no file imports is a violation.
 */
export const orphansRule = describeRule<OrphansRule>({
  type: "orphans",
  schema: orphansSchema,
  summary: "a file that imports nothing and that nothing imports is a violation",
  validate: validateSelectors<OrphansRule>({ files: FILES }),
  incremental: () => "graph",
  evaluate(rule, ctx: AccContext): Finding[] {
    const view = ruleView(ctx, { kinds: rule.kinds, ignoreKinds: rule.ignoreKinds });
    const scope = rule.files === undefined ? null : compileSelector(ctx, rule.files);
    const imported = new Uint8Array(ctx.names.length);
    for (let node = 0; node < ctx.names.length; node++) for (const to of view.out(node)) imported[to] = 1;
    const findings: Finding[] = [];
    for (let node = 0; node < ctx.names.length; node++) {
      if (!ctx.isSource[node] || imported[node] === 1 || (scope !== null && scope.file(node) === null))
        continue;
      if (view.out(node).length > 0 || view.packages(node).length > 0 || view.unresolved(node).length > 0)
        continue;
      const path = ctx.names[node]!;
      findings.push(
        accFinding(rule, {
          identity: [path],
          file: path,
          line: null,
          target: null,
          message: `${path} is an orphan: it imports nothing and no file imports it`,
        }),
      );
    }
    return findings;
  },
});
