import { describe, expect, it } from "vitest";
import { CycleFinder, cyclicComponents } from "../../../../src/core/acc/cycles.ts";
import { findingId } from "../../../../src/core/findings.ts";
import { brief, findingsOf, graphOf } from "./harness.ts";

const FILE_CYCLES = `acc:
  rules:
    - { id: no-cycles, type: no-cycles, scope: file }
`;

describe("no-cycles rule, file scope", () => {
  it("reports one finding per strongly connected group with a shortest cycle through its smallest member", () => {
    // One group {a, b, c, d}: a→b→c→d→a and a shortcut c→a; plus a separate 2-cycle {x, y}; e only imports.
    const graph = graphOf({
      "src/a.ts": ["src/b.ts@3"],
      "src/b.ts": ["src/c.ts@5"],
      "src/c.ts": ["src/d.ts@1", "src/a.ts@2"],
      "src/d.ts": ["src/a.ts@9"],
      "src/e.ts": ["src/a.ts@1"],
      "src/x.ts": ["src/y.ts@4"],
      "src/y.ts": ["src/x.ts@6"],
    });
    const findings = findingsOf(FILE_CYCLES, graph);
    expect(brief(findings)).toEqual([
      { rule: "no-cycles", file: "src/a.ts", line: 3, target: "src/b.ts" },
      { rule: "no-cycles", file: "src/x.ts", line: 4, target: "src/y.ts" },
    ]);
    expect(findings[0]).toMatchObject({
      id: findingId(["no-cycles", "no-cycles", "src/a.ts", "src/b.ts", "src/c.ts", "src/d.ts"]),
      type: "no-cycles",
      severity: "error",
      message: "import cycle: src/a.ts → src/b.ts → src/c.ts → src/a.ts (4 files are in this cycle group)",
    });
    expect(findings[0]!.details).toBe(
      "cycle (file:line of each import): src/a.ts:3 → src/b.ts:5 → src/c.ts:2\n" +
        "files in the cycle group (4):\n  src/a.ts\n  src/b.ts\n  src/c.ts\n  src/d.ts",
    );
    expect(findings[1]!.message).toBe("import cycle: src/x.ts → src/y.ts → src/x.ts");
  });

  it("gives a cycle the same id whatever the file order, import lines or entry point (the original's ids were random)", () => {
    const one = graphOf({ "p.ts": ["q.ts@1"], "q.ts": ["r.ts@1"], "r.ts": ["p.ts@1"] });
    const other = graphOf({
      "r.ts": ["p.ts@30"],
      "q.ts": ["r.ts@20", "z.ts@1"],
      "p.ts": ["q.ts@10"],
      "z.ts": [],
    });
    const [a] = findingsOf(FILE_CYCLES, one);
    const [b] = findingsOf(FILE_CYCLES, other);
    expect(a!.id).toBe(b!.id);
    expect(a!.id).toBe(findingId(["no-cycles", "no-cycles", "p.ts", "q.ts", "r.ts"]));
  });

  it("ignores self-imports and acyclic graphs", () => {
    expect(
      findingsOf(FILE_CYCLES, graphOf({ "a.ts": ["a.ts", "b.ts"], "b.ts": ["c.ts"], "c.ts": [] })),
    ).toEqual([]);
  });
});

describe("no-cycles rule, component scope", () => {
  it("reports cycles between components, sitting on a real import of the first step", () => {
    const yaml = `acc:
  components: { ui: ["ui/**"], core: ["core/**"], db: ["db/**"], misc: ["misc/**"] }
  rules:
    - { id: comp-cycles, type: no-cycles, scope: component, severity: info }
`;
    const graph = graphOf({
      "ui/a.ts": ["core/b.ts@2", "ui/z.ts@1"],
      "ui/z.ts": ["ui/a.ts@1"],
      "core/b.ts": ["db/c.ts@4"],
      "db/c.ts": ["ui/z.ts@6"],
      "misc/m.ts": ["ui/a.ts@1"],
      "lib/free.ts": ["misc/m.ts@1"],
    });
    const findings = findingsOf(yaml, graph);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: findingId(["comp-cycles", "no-cycles", "core", "db", "ui"]),
      severity: "info",
      file: "core/b.ts",
      line: 4,
      target: "db",
      message: "component cycle: core → db → ui → core",
      details:
        "core → db: core/b.ts:4 imports db/c.ts\ndb → ui: db/c.ts:6 imports ui/z.ts\nui → core: ui/a.ts:2 imports core/b.ts",
    });
  });
});

describe("iterative strongly connected components", () => {
  it("handles a 100,000-file import chain closed into one cycle without recursion", () => {
    const n = 100_000;
    const out = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    const components = cyclicComponents(n, out);
    expect(components).toHaveLength(1);
    expect(components[0]).toHaveLength(n);
    expect(new CycleFinder(out).shortestCycleThrough(0, components[0]!)).toHaveLength(n);
  });

  it("handles a 100,000-file open chain (no cycle) and finds the one short cycle at its end", () => {
    const n = 100_000;
    const out = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [n - 3]));
    expect(cyclicComponents(n, out)).toEqual([[n - 3, n - 2, n - 1]]);
  });

  it("agrees with an independent Kosaraju computation on a large random graph", () => {
    const n = 30_000;
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const out = Array.from({ length: n }, () => {
      const degree = Math.floor(random() * 4);
      return [...new Set(Array.from({ length: degree }, () => Math.floor(random() * n)))].sort(
        (a, b) => a - b,
      );
    });
    const expected = kosaraju(n, out)
      .filter((members) => members.length > 1)
      .map((members) => members.sort((a, b) => a - b))
      .sort((a, b) => a[0]! - b[0]!);
    const actual = cyclicComponents(n, out);
    expect(actual.length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
    const finder = new CycleFinder(out);
    for (const members of actual.slice(0, 20)) {
      const cycle = finder.shortestCycleThrough(members[0]!, members);
      cycle.forEach((node, i) => {
        expect(out[node]!.includes(cycle[(i + 1) % cycle.length]!)).toBe(true);
      });
    }
  });
});

/** Kosaraju's algorithm with explicit stacks: an independent oracle for the SCC test above. */
function kosaraju(n: number, out: readonly number[][]): number[][] {
  const incoming: number[][] = Array.from({ length: n }, () => []);
  out.forEach((targets, from) => {
    for (const to of targets) incoming[to]!.push(from);
  });
  const visited = new Uint8Array(n);
  const order: number[] = [];
  for (let root = 0; root < n; root++) {
    if (visited[root]) continue;
    const stack: [number, number][] = [[root, 0]];
    visited[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const [node, edge] = top;
      if (edge < out[node]!.length) {
        top[1]++;
        const next = out[node]![edge]!;
        if (!visited[next]) {
          visited[next] = 1;
          stack.push([next, 0]);
        }
      } else {
        order.push(node);
        stack.pop();
      }
    }
  }
  const assigned = new Uint8Array(n);
  const components: number[][] = [];
  for (let i = order.length - 1; i >= 0; i--) {
    const root = order[i]!;
    if (assigned[root]) continue;
    const members: number[] = [];
    const stack = [root];
    assigned[root] = 1;
    while (stack.length > 0) {
      const node = stack.pop()!;
      members.push(node);
      for (const prev of incoming[node]!) {
        if (!assigned[prev]) {
          assigned[prev] = 1;
          stack.push(prev);
        }
      }
    }
    components.push(members);
  }
  return components;
}
