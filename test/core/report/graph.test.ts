import { describe, expect, it } from "vitest";
import type { ImportGraph } from "../../../src/core/acc/model.ts";
import { renderGraphDot, renderGraphJson, renderGraphMermaid } from "../../../src/core/report/graph.ts";

const GRAPH: ImportGraph = {
  files: [
    {
      path: "src/a.ts",
      language: "typescript",
      imports: [
        { specifier: "./b.ts", line: 1, kind: "import", target: "src/b.ts", external: null },
        { specifier: "./b.ts", line: 2, kind: "type", target: "src/b.ts", external: null },
        { specifier: "lodash/fp", line: 3, kind: "require", target: null, external: "lodash" },
        { specifier: "./missing", line: 4, kind: "dynamic", target: null, external: null },
      ],
    },
    { path: 'src/b "quoted".ts', language: "typescript", imports: [] },
  ],
};

describe("graph formats", () => {
  it("json is exactly the contract", () => {
    const parsed = JSON.parse(renderGraphJson(GRAPH));
    expect(parsed).toEqual(GRAPH);
    expect(Object.keys(parsed.files[0].imports[0])).toEqual([
      "specifier",
      "line",
      "kind",
      "target",
      "external",
    ]);
  });

  it("dot has one edge per distinct pair and dashed package nodes, with quotes escaped", () => {
    const dot = renderGraphDot(GRAPH);
    expect(dot.match(/"src\/a.ts" -> "src\/b.ts";/g)).toHaveLength(1);
    expect(dot).toContain('"package:lodash" [style=dashed, label="lodash"];');
    expect(dot).toContain('"src/b \\"quoted\\".ts";');
    expect(dot.trimEnd().endsWith("}")).toBe(true);
  });

  it("mermaid declares nodes with ids and safe labels", () => {
    const mermaid = renderGraphMermaid(GRAPH);
    expect(mermaid.split("\n")[0]).toBe("graph LR");
    expect(mermaid).toContain('f2["src/b #quot;quoted#quot;.ts"]');
    expect(mermaid).toContain("f0 --> f1");
    expect(mermaid).toContain('p0(["lodash"])');
    expect(mermaid).toContain("f0 -.-> p0");
  });
});
