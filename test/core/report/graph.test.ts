import { describe, expect, it } from "vitest";
import type { ImportGraph } from "../../../src/core/acc/model.ts";
import {
  renderGraphDot,
  renderGraphFileJson,
  renderGraphJson,
  renderGraphMermaid,
} from "../../../src/core/report/graph.ts";

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
  it("json is JSON.stringify's indented text, whether files were rendered one by one beforehand or not", () => {
    const parsed = JSON.parse(renderGraphJson(GRAPH));
    const expected = `${JSON.stringify(parsed, null, 2)}\n`;
    expect(renderGraphJson(GRAPH)).toBe(expected);
    const some = new Map([[GRAPH.files[1]!, renderGraphFileJson(GRAPH.files[1]!)]]);
    expect(renderGraphJson(GRAPH, some)).toBe(expected);
    const all = new Map(GRAPH.files.map((file) => [file, renderGraphFileJson(file)]));
    expect(renderGraphJson(GRAPH, all)).toBe(expected);
    expect(renderGraphJson({ files: [] })).toBe(`${JSON.stringify({ files: [] }, null, 2)}\n`);
  });

  it("json is exactly the contract, with the import kinds rules filter on beside `kind`", () => {
    const parsed = JSON.parse(renderGraphJson(GRAPH));
    const kinds = [["static"], ["static", "type-only"], ["require"], ["dynamic"]];
    expect(parsed).toEqual({
      files: GRAPH.files.map((file) => ({
        ...file,
        imports: file.imports.map((imp, i) => ({ ...imp, kinds: kinds[i] })),
      })),
    });
    expect(Object.keys(parsed.files[0].imports[0])).toEqual([
      "specifier",
      "line",
      "kind",
      "kinds",
      "target",
      "external",
    ]);
  });

  it("json kinds tell side-effect imports, re-exports and Python TYPE_CHECKING imports apart", () => {
    const graph: ImportGraph = {
      files: [
        {
          path: "a.ts",
          language: "typescript",
          imports: [
            {
              specifier: "./polyfill",
              line: 1,
              kind: "import",
              sideEffect: true,
              target: null,
              external: null,
            },
            { specifier: "./b", line: 2, kind: "export", target: null, external: null },
          ],
        },
        {
          path: "m.py",
          language: "python",
          imports: [{ specifier: "pkg.types", line: 3, kind: "type", target: null, external: null }],
        },
      ],
    };
    const parsed = JSON.parse(renderGraphJson(graph));
    expect(parsed.files[0].imports.map((imp: { kinds: string[] }) => imp.kinds)).toEqual([
      ["static", "side-effect"],
      ["static", "export"],
    ]);
    expect(parsed.files[0].imports[0]).not.toHaveProperty("sideEffect");
    expect(parsed.files[1].imports[0].kinds).toEqual(["static", "type-only", "type-checking"]);
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
