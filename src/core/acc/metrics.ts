import type { AccContext } from "./rules/context.ts";

/**
 * Coupling metrics, counted over DISTINCT internal dependencies, not import statements
 * (three imports of one file count once; self-imports and packages do not count):
 * - file: Ca (afferent, fan-in) = files that import it; Ce (efferent, fan-out) = files it
 *   imports; every import kind counts, type-only ones included.
 * - component: Ca = other components with at least one file importing into it; Ce = other
 *   components it imports from. Unmapped files are not counted at this level.
 * Instability I = Ce / (Ca + Ce), 0 when isolated.
 */
export interface CouplingMetrics {
  readonly ca: number;
  readonly ce: number;
  readonly total: number;
  readonly instability: number;
}

export interface FileMetrics extends CouplingMetrics {
  readonly path: string;
  readonly component: string | null;
}

export interface ComponentMetrics extends CouplingMetrics {
  readonly name: string;
  readonly files: number;
}

export interface AccMetrics {
  /** Files of the graph, by path. */
  readonly files: readonly FileMetrics[];
  /** Components in config order. */
  readonly components: readonly ComponentMetrics[];
}

function metrics(ca: number, ce: number): CouplingMetrics {
  return { ca, ce, total: ca + ce, instability: ca + ce === 0 ? 0 : ce / (ca + ce) };
}

/** Fan-in of every node of the context (index = node id). */
export function fanIn(ctx: AccContext): Int32Array {
  const counts = new Int32Array(ctx.names.length);
  for (const targets of ctx.out) for (let k = 0; k < targets.length; k++) counts[targets[k]!]!++;
  return counts;
}

export function fileMetrics(ctx: AccContext, ca: Int32Array = fanIn(ctx)): FileMetrics[] {
  const result: FileMetrics[] = [];
  for (let node = 0; node < ctx.names.length; node++) {
    if (!ctx.isSource[node]) continue;
    result.push({
      path: ctx.names[node]!,
      component: ctx.component[node] ?? null,
      ...metrics(ca[node]!, ctx.out[node]!.length),
    });
  }
  return result;
}

export function componentMetrics(ctx: AccContext): ComponentMetrics[] {
  const dependents = new Map(ctx.componentNames.map((name) => [name, new Set<string>()]));
  const dependencies = new Map(ctx.componentNames.map((name) => [name, new Set<string>()]));
  const files = new Map(ctx.componentNames.map((name) => [name, 0]));
  for (let from = 0; from < ctx.names.length; from++) {
    const source = ctx.component[from];
    if (source == null || !ctx.isSource[from]) continue;
    files.set(source, (files.get(source) ?? 0) + 1);
    const targets = ctx.out[from]!;
    for (let k = 0; k < targets.length; k++) {
      const target = ctx.component[targets[k]!];
      if (target == null || target === source) continue;
      dependencies.get(source)!.add(target);
      dependents.get(target)!.add(source);
    }
  }
  return ctx.componentNames.map((name) => ({
    name,
    files: files.get(name)!,
    ...metrics(dependents.get(name)!.size, dependencies.get(name)!.size),
  }));
}

export function computeMetrics(ctx: AccContext): AccMetrics {
  return { files: fileMetrics(ctx), components: componentMetrics(ctx) };
}
