import { describe, expect, it } from "vitest";
import type { GraphFile, ImportGraph } from "../../../src/core/acc/model.ts";
import {
  buildGraphView,
  componentDiagram,
  renderViewDot,
  renderViewMermaid,
  violatingPairs,
  violationKey,
} from "../../../src/core/report/graph-view.ts";

/** A 5,000-file repository: 50 packages of 100 files, each file importing 4 (one across packages). */
function bigGraph(): ImportGraph {
  const files: GraphFile[] = [];
  const path = (pkg: number, file: number) => `packages/p${pkg}/src/f${file}.ts`;
  for (let pkg = 0; pkg < 50; pkg++) {
    for (let file = 0; file < 100; file++) {
      const targets = [
        path(pkg, (file + 1) % 100),
        path(pkg, (file + 7) % 100),
        path(pkg, (file + 31) % 100),
        path((pkg + 1 + (file % 5)) % 50, file),
      ];
      files.push({
        path: path(pkg, file),
        language: "typescript",
        imports: targets.map((target, i) => ({
          specifier: `./x${i}`,
          line: i + 1,
          kind: "import",
          target,
          external: null,
        })),
      });
    }
  }
  return { files };
}

describe("graph views stay within Graphviz's and Mermaid's practical limits", () => {
  const graph = bigGraph();

  it("a 5,000-file / 20,000-import graph is capped, and says so", () => {
    const view = buildGraphView(graph);
    expect(view.nodes.length).toBe(80);
    expect(view.edges.length).toBeLessThanOrEqual(160);
    expect(view.notes[0]).toContain("showing 80 of 5000 nodes");
    const mermaid = renderViewMermaid(view);
    // Mermaid's defaults: maxEdges 500, maxTextSize 50,000.
    expect(mermaid.length).toBeLessThan(50_000);
    expect(mermaid).toContain("%% showing 80 of 5000 nodes");
    expect(renderViewDot(view)).toContain("subgraph cluster_");
  });

  it("collapsing to folders or components gives one node per folder or component, edges counted", () => {
    const folders = buildGraphView(graph, { collapse: { kind: "depth", depth: 2 }, maxEdges: 1000 });
    expect(folders.nodes.length).toBe(50);
    expect(folders.notes).toEqual([]);
    const p0 = folders.edges.filter((edge) => edge.from === "packages/p0");
    expect(p0.map((edge) => [edge.to, edge.count])).toEqual([
      ["packages/p1", 20],
      ["packages/p2", 20],
      ["packages/p3", 20],
      ["packages/p4", 20],
      ["packages/p5", 20],
    ]);
    const components = buildGraphView(graph, {
      collapse: { kind: "components", components: { low: ["packages/p[0-9]/**"], rest: ["packages/**"] } },
    });
    expect(components.nodes.map((node) => [node.id, node.files])).toEqual([
      ["low", 1000],
      ["rest", 4000],
    ]);
  });

  it("focus keeps a node and its neighbourhood; violating edges are red", () => {
    const view = buildGraphView(graph, {
      collapse: { kind: "depth", depth: 2 },
      focus: "packages/p10",
      depth: 1,
      violating: new Set([violationKey("packages/p10/src/f0.ts", "packages/p11/src/f0.ts")]),
    });
    expect(view.nodes.map((node) => node.id)).toEqual([
      "packages/p10",
      "packages/p11",
      "packages/p12",
      "packages/p13",
      "packages/p14",
      "packages/p15",
      "packages/p5",
      "packages/p6",
      "packages/p7",
      "packages/p8",
      "packages/p9",
    ]);
    const red = view.edges.filter((edge) => edge.violating);
    expect(red.map((edge) => `${edge.from}>${edge.to}`)).toEqual(["packages/p10>packages/p11"]);
    const mermaid = renderViewMermaid(view);
    const index = view.edges.indexOf(red[0]!);
    expect(mermaid).toContain(`linkStyle ${index} stroke:#d73a49`);
    expect(renderViewDot(view)).toContain(
      '"packages/p10" -> "packages/p11" [label="20", color="red", penwidth=2];',
    );
    expect(buildGraphView(graph, { focus: "nowhere" }).notes).toContain(
      'nothing matches the focus "nowhere"',
    );
  });
});

describe("the sticky comment's component diagram", () => {
  it("draws the touched components and their neighbours, escaping names, violations red", () => {
    const file = (path: string, targets: string[]): GraphFile => ({
      path,
      language: "typescript",
      imports: targets.map((target, i) => ({
        specifier: `./${i}`,
        line: i + 1,
        kind: "import",
        target,
        external: null,
      })),
    });
    const graph: ImportGraph = {
      files: [
        file("src/ui/a.ts", ["src/core/b.ts"]),
        file("src/core/b.ts", ["src/db/c.ts"]),
        file("src/db/c.ts", ["src/ui/a.ts"]),
        file("src/far/d.ts", ["src/db/c.ts"]),
      ],
    };
    const components = {
      "ui``` <b>": ["src/ui/**"],
      core: ["src/core/**"],
      db: ["src/db/**"],
      far: ["src/far/**"],
    };
    const diagram = componentDiagram(
      graph,
      components,
      ["src/core/b.ts"],
      violatingPairs([{ file: "src/db/c.ts", target: "src/ui/a.ts", suppressed: false }]),
    )!;
    expect(diagram).toContain('["core"]');
    expect(diagram).toContain('["db"]');
    expect(diagram).toContain('["ui#96;#96;#96; #lt;b#gt;"]');
    expect(diagram).not.toContain('["far"]'); // not a neighbour of core
    expect(diagram).not.toContain("```");
    expect(diagram).toMatch(/linkStyle \d+ stroke:#d73a49/);
    expect(componentDiagram(graph, components, ["README.md"], new Set())).toBeNull();
    expect(componentDiagram(graph, {}, ["src/core/b.ts"], new Set())).toBeNull();
  });
});
