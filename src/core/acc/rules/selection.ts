/** Selectors, exemptions and edge views of a rule, compiled against one analysis context. */

import type { ImportKindName } from "../kinds.ts";
import { CompiledSelector, type CompileOptions, type SelectionContext } from "../select/compile.ts";
import { parseSelector } from "../select/parse.ts";
import type { Exemption, SelectorValue } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { type CompiledExemption, type EdgeView, edgeView } from "./edges.ts";

const selections = new WeakMap<AccContext, SelectionContext>();

/** What selectors read, for this context. */
export function selectionOf(ctx: AccContext): SelectionContext {
  let selection = selections.get(ctx);
  if (!selection) {
    selection = {
      names: ctx.names,
      component: ctx.component,
      language: ctx.language,
      moduleName: (node) => ctx.facts.moduleName(ctx.names[node]!),
      declaredClasses: (from, edge) =>
        ctx.facts.manifests.classify(ctx.names[from]!, ctx.language[from] ?? null, edge),
    };
    selections.set(ctx, selection);
  }
  return selection;
}

/** A selector of a validated config (its problems were reported when the config was loaded). */
export function compileSelector(
  ctx: AccContext,
  value: SelectorValue,
  options: CompileOptions = {},
): CompiledSelector {
  const selector = parseSelector(value, [], { components: new Set(ctx.componentNames) }, []);
  return new CompiledSelector(selector, selectionOf(ctx), options);
}

export interface ImportOptions {
  readonly kinds?: readonly ImportKindName[] | undefined;
  readonly ignoreKinds?: readonly ImportKindName[] | undefined;
  readonly exempt?: readonly Exemption[] | undefined;
  readonly asPackages?: boolean | undefined;
}

export function compileExemptions(ctx: AccContext, rule: ImportOptions): CompiledExemption[] {
  return (rule.exempt ?? []).map((written) => {
    // import-linter's ignore_imports name exact modules: no package expansion here.
    const from = compileSelector(ctx, written.from, { asPackages: false });
    const to = compileSelector(ctx, written.to, { asPackages: false, outerNames: from.captureNames() });
    return { from, to, written };
  });
}

/** The imports a rule considers (its kinds and exemptions). */
export function ruleView(ctx: AccContext, rule: ImportOptions): EdgeView {
  return edgeView(ctx, {
    kinds: rule.kinds,
    ignoreKinds: rule.ignoreKinds,
    exemptions: compileExemptions(ctx, rule),
  });
}

/** The graph files an evaluation covers (every node, or `only`) that `scope` selects (all when null). */
export function scopedSources(
  ctx: AccContext,
  scope: CompiledSelector | null,
  only: readonly number[] | undefined,
): number[] {
  const nodes = only ?? ctx.names.map((_, node) => node);
  return nodes.filter((node) => ctx.isSource[node] && (scope === null || scope.file(node) !== null));
}
