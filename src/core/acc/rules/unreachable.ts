import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { kindOptions, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { describeRule } from "./descriptor.ts";
import { describeSelector } from "./edges.ts";
import { accFinding } from "./finding.ts";
import { compileSelector, ruleView } from "./selection.ts";
import { FILES, validateSelectors } from "./validation.ts";

export const unreachableSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("unreachable"),
    /** The entry points. */
    from: selectorSchema(),
    /** The files every one of which must be reachable from an entry point (captures of `from` may be used). */
    to: selectorSchema(),
    ...kindOptions(),
  }),
);

export type UnreachableRule = z.output<ReturnType<typeof unreachableSchema>>;

/** `unreachable` (dependency-cruiser `reachable: false`): a `to` file no entry point reaches is dead code. */
export const unreachableRule = describeRule<UnreachableRule>({
  type: "unreachable",
  schema: unreachableSchema,
  summary: "every file of `to` must be reachable from an entry point of `from` (dead code detection)",
  validate: validateSelectors<UnreachableRule>({ from: FILES, to: FILES }),
  incremental: () => "graph",
  evaluate(rule, ctx: AccContext): Finding[] {
    const view = ruleView(ctx, { kinds: rule.kinds, ignoreKinds: rule.ignoreKinds });
    const from = compileSelector(ctx, rule.from);
    const to = compileSelector(ctx, rule.to, { outerNames: from.captureNames() });
    // Entry points grouped by their captures: each group reaches the `to` files bound to them.
    const groups = new Map<string, { bindings: Readonly<Record<string, string>>; entries: number[] }>();
    for (let node = 0; node < ctx.names.length; node++) {
      const match = ctx.isSource[node] ? from.file(node) : null;
      if (match === null) continue;
      const key = JSON.stringify(match.bindings);
      const group = groups.get(key) ?? { bindings: match.bindings, entries: [] };
      group.entries.push(node);
      groups.set(key, group);
    }
    const inScope = new Uint8Array(ctx.names.length);
    const reached = new Uint8Array(ctx.names.length);
    for (const group of groups.values()) {
      const targets = to.bound(group.bindings);
      // dependency-cruiser's semantics: a file is reached through at least one import, and
      // is judged only against entry points other than itself (a lone entry point is never
      // unreachable; of two that do not reach each other, both are).
      const seen = new Uint8Array(ctx.names.length);
      const queue = [...group.entries];
      for (let head = 0; head < queue.length; head++)
        for (const next of view.out(queue[head]!))
          if (seen[next] === 0) {
            seen[next] = 1;
            queue.push(next);
          }
      for (let node = 0; node < ctx.names.length; node++) {
        if (!ctx.isSource[node] || targets.file(node) === null) continue;
        if (group.entries.length === 1 && group.entries[0] === node) continue;
        inScope[node] = 1;
        if (seen[node] === 1) reached[node] = 1;
      }
    }
    const findings: Finding[] = [];
    for (let node = 0; node < ctx.names.length; node++) {
      if (inScope[node] === 0 || reached[node] === 1) continue;
      const path = ctx.names[node]!;
      findings.push(
        accFinding(rule, {
          identity: [path],
          file: path,
          line: null,
          target: null,
          message: `${path} is not reachable from ${describeSelector(rule.from)}`,
        }),
      );
    }
    return findings;
  },
});
