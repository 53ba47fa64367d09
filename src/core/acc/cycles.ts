/**
 * Cycle detection on an integer graph (nodes 0..n-1, `out[v]` = successors).
 * Tarjan's algorithm run with an explicit stack instead of recursion, so a 100,000-file
 * import chain cannot overflow the call stack; O(nodes + edges).
 */

/** Strongly connected components with more than one node, each sorted, in order of their smallest node. */
export function cyclicComponents(n: number, out: readonly ArrayLike<number>[]): number[][] {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let stackTop = 0;
  let counter = 0;
  const components: number[][] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    let pending = root;
    while (pending !== -1 || depth > 0) {
      if (pending !== -1) {
        // "Call": give the node its index and push it on both stacks.
        index[pending] = counter;
        low[pending] = counter;
        counter++;
        stack[stackTop++] = pending;
        onStack[pending] = 1;
        callNode[depth] = pending;
        callEdge[depth] = 0;
        depth++;
        pending = -1;
      }
      const v = callNode[depth - 1]!;
      const successors = out[v]!;
      const e = callEdge[depth - 1]!;
      if (e < successors.length) {
        callEdge[depth - 1] = e + 1;
        const w = successors[e]!;
        if (index[w] === -1) pending = w;
        else if (onStack[w] && index[w]! < low[v]!) low[v] = index[w]!;
        continue;
      }
      depth--;
      if (low[v] === index[v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = stack[--stackTop]!;
          onStack[w] = 0;
          members.push(w);
        } while (w !== v);
        if (members.length > 1) components.push(members.sort((a, b) => a - b));
      }
      if (depth > 0) {
        const parent = callNode[depth - 1]!;
        if (low[v]! < low[parent]!) low[parent] = low[v]!;
      }
    }
  }
  return components.sort((a, b) => a[0]! - b[0]!);
}

/**
 * Shortest cycles inside strongly connected components. Scratch arrays are sized to the
 * graph once and reset after each search (only the entries a search touched), so many
 * small searches on a big graph stay cheap.
 */
export class CycleFinder {
  private readonly parent: Int32Array;
  private readonly inside: Uint8Array;
  private readonly queue: Int32Array;

  private readonly out: readonly ArrayLike<number>[];

  constructor(out: readonly ArrayLike<number>[]) {
    this.out = out;
    this.parent = new Int32Array(out.length).fill(-2);
    this.inside = new Uint8Array(out.length);
    this.queue = new Int32Array(out.length);
  }

  /**
   * A shortest cycle through `start` that stays inside `members` (an SCC containing start):
   * breadth-first search from start until an edge leads back to it. Returns the nodes in
   * cycle order beginning with start (the closing edge back to start is implied).
   * Successors are visited in ascending order, so the result is deterministic.
   */
  shortestCycleThrough(start: number, members: readonly number[]): number[] {
    const { out, parent, inside, queue } = this;
    for (const member of members) inside[member] = 1;
    // FIFO order visits nodes by distance from start, so the first edge back is a shortest cycle.
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    parent[start] = -1;
    let last = -1;
    search: while (head < tail) {
      const u = queue[head++]!;
      const successors = out[u]!;
      for (let k = 0; k < successors.length; k++) {
        const w = successors[k]!;
        if (w === start) {
          last = u;
          break search;
        }
        if (inside[w] === 0 || parent[w] !== -2) continue;
        parent[w] = u;
        queue[tail++] = w;
      }
    }
    const cycle: number[] = [];
    for (let node = last; node !== -1; node = parent[node]!) cycle.push(node);
    for (let i = 0; i < tail; i++) parent[queue[i]!] = -2;
    for (const member of members) inside[member] = 0;
    return last === -1 ? [start] : cycle.reverse();
  }

  /** Edges the last shortestPath call looked at (for callers that bound their work). */
  lastSteps = 0;

  /** A shortest path from `from` to `to` inside `members` (both in it), as nodes from `from` to `to`. */
  shortestPath(from: number, to: number, members: readonly number[]): number[] {
    const { out, parent, inside, queue } = this;
    for (const member of members) inside[member] = 1;
    let head = 0;
    let tail = 0;
    queue[tail++] = from;
    parent[from] = -1;
    let steps = 0;
    while (head < tail && parent[to] === -2) {
      const u = queue[head++]!;
      const successors = out[u]!;
      steps += successors.length;
      for (let k = 0; k < successors.length; k++) {
        const w = successors[k]!;
        if (inside[w] === 0 || parent[w] !== -2) continue;
        parent[w] = u;
        queue[tail++] = w;
      }
    }
    const path: number[] = [];
    if (parent[to] !== -2) for (let node = to; node !== -1; node = parent[node]!) path.push(node);
    for (let i = 0; i < tail; i++) parent[queue[i]!] = -2;
    for (const member of members) inside[member] = 0;
    this.lastSteps = steps + members.length;
    return path.reverse();
  }
}
