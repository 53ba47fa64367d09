/**
 * Indirect imports: the shortest chains from source files to target files (or to files
 * importing a target package) through an edge view. A chain never passes through a
 * `blocked` node or through a target (it ends at the first target it enters), unless
 * `throughTargets` (dependency-cruiser's `reachable`: any path).
 *
 * Cost: per group (or once, for rules whose groups share their targets and barriers), one
 * reverse search from the targets marks the nodes that can still lead to one; each source
 * then runs a breadth-first search inside those nodes only, so a source that reaches no
 * target costs next to nothing and the work grows with the violations found. Every edge
 * step counts against a budget shared by the rule; when it runs out the search stops and
 * the rule reports a notice (never a silent partial answer).
 */
import type { ResolvedImport } from "../model.ts";
import type { EdgeView } from "./edges.ts";

export interface ReachGroup {
  /** Where chains start, sorted. */
  readonly sources: readonly number[];
  /** Whether a chain ends at this file. */
  isTarget(node: number): boolean;
  /** The target name when this package import (of `node`) ends a chain, else null. */
  packageTarget?: ((node: number, edge: ResolvedImport) => string | null) | undefined;
  /** Nodes a chain may not pass through (sources' own unit, other layers, …). */
  isBlocked(node: number): boolean;
  /** Chains may continue through targets (every target reached is reported). */
  readonly throughTargets?: boolean;
}

export interface Reached {
  readonly source: number;
  /** The internal file reached, or -1 for a package target. */
  readonly target: number;
  /** For a package target: its name; the chain's last node imports it. */
  readonly packageName: string | null;
  /** Nodes from the source to the target (file target) or to the file importing the package. */
  readonly path: readonly number[];
  /** For a package target: the import of the package by the last node. */
  readonly packageEdge: ResolvedImport | null;
}

export class Budget {
  private left: number;
  exhausted = false;

  constructor(steps: number) {
    this.left = steps;
  }

  spend(steps: number): boolean {
    this.left -= steps;
    if (this.left < 0) this.exhausted = true;
    return !this.exhausted;
  }
}

/** Edge steps one rule may spend on chains or cycle paths: well under a second, far beyond a real graph's needs. */
export const DEFAULT_REACH_BUDGET = 10_000_000;

/**
 * Every (source, target) pair of the group joined by a chain of two or more imports, with a
 * shortest chain each (ties: the path through the smallest node ids), sources in order
 * until `limit` pairs are found. Direct imports are not reported here: rules judge them on
 * their own.
 */
export function findChains(
  view: EdgeView,
  group: ReachGroup,
  budget: Budget,
  reverse: ReverseIndex,
  shared?: Uint8Array,
  limit = Number.POSITIVE_INFINITY,
): Reached[] {
  const n = view.ctx.names.length;
  const leads = shared ?? leadingNodes(view, group, budget, reverse);
  const reached: Reached[] = [];
  const parent = new Int32Array(n);
  const seen = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  for (const source of group.sources) {
    if (budget.exhausted || reached.length >= limit) break;
    // Most sources import no file a chain could continue through: nothing to search.
    // (With throughTargets a chain may also continue through a target the source imports.)
    if (
      !view
        .out(source)
        .some((next) =>
          group.isTarget(next) ? group.throughTargets === true : leads[next] === 1 && !group.isBlocked(next),
        )
    )
      continue;
    let head = 0;
    let tail = 0;
    seen[source] = source;
    parent[source] = -1;
    queue[tail++] = source;
    const packages = new Set<string>();
    while (head < tail) {
      const node = queue[head++]!;
      const targets = view.out(node);
      if (!budget.spend(targets.length + 1)) break;
      if (node !== source && group.packageTarget) {
        for (const edge of view.packages(node)) {
          const name = group.packageTarget(node, edge);
          if (name === null || packages.has(name)) continue;
          packages.add(name);
          reached.push({
            source,
            target: -1,
            packageName: name,
            path: pathTo(parent, node),
            packageEdge: edge,
          });
        }
      }
      for (let k = 0; k < targets.length; k++) {
        const next = targets[k]!;
        if (seen[next] === source) continue;
        seen[next] = source;
        parent[next] = node;
        const target = group.isTarget(next);
        if (target && node !== source)
          reached.push({
            source,
            target: next,
            packageName: null,
            path: pathTo(parent, next),
            packageEdge: null,
          });
        const expand = target ? group.throughTargets === true : !group.isBlocked(next) && leads[next] === 1;
        if (expand) queue[tail++] = next;
      }
    }
  }
  return reached;
}

function pathTo(parent: Int32Array, node: number): number[] {
  const path: number[] = [];
  for (let at = node; at !== -1; at = parent[at]!) path.push(at);
  return path.reverse();
}

/** Predecessors of each node in a view, built once per view and shared by its searches. */
export class ReverseIndex {
  private inbound: number[][] | null = null;
  private readonly view: EdgeView;

  constructor(view: EdgeView) {
    this.view = view;
  }

  of(node: number): readonly number[] {
    if (this.inbound === null) {
      const n = this.view.ctx.names.length;
      this.inbound = Array.from({ length: n }, () => []);
      for (let from = 0; from < n; from++) for (const to of this.view.out(from)) this.inbound[to]!.push(from);
    }
    return this.inbound[node]!;
  }
}

/**
 * 1 for nodes from which a chain can still reach a target: the targets, the unblocked nodes
 * importing a target package, and every unblocked predecessor of a marked node.
 */
export function leadingNodes(
  view: EdgeView,
  group: Pick<ReachGroup, "isTarget" | "isBlocked" | "packageTarget">,
  budget: Budget,
  reverse: ReverseIndex,
): Uint8Array {
  const n = view.ctx.names.length;
  const leads = new Uint8Array(n);
  const queue: number[] = [];
  for (let node = 0; node < n; node++) {
    const endpoint =
      group.isTarget(node) ||
      (group.packageTarget !== undefined && !group.isBlocked(node) && importsTarget(view, group, node));
    if (endpoint) {
      leads[node] = 1;
      queue.push(node);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const predecessors = reverse.of(queue[head]!);
    if (!budget.spend(predecessors.length + 1)) break;
    for (const previous of predecessors) {
      if (leads[previous] === 1 || group.isBlocked(previous)) continue;
      leads[previous] = 1;
      queue.push(previous);
    }
  }
  return leads;
}

function importsTarget(view: EdgeView, group: Pick<ReachGroup, "packageTarget">, node: number): boolean {
  return view.packages(node).some((edge) => group.packageTarget!(node, edge) !== null);
}
