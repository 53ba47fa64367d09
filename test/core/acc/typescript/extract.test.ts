import { describe, expect, it } from "vitest";
import {
  extractTypeScript,
  isTypeScriptOrJavaScriptPath,
  MAX_TYPESCRIPT_SOURCE_LENGTH,
  TS_JS_EXTENSIONS,
  typeScriptLanguageOf,
} from "../../../../src/core/acc/languages/typescript.ts";

const lines = (...source: string[]) => source.join("\n");

describe("extractTypeScript: kinds", () => {
  it("reads static imports, side-effect imports and re-exports", () => {
    const source = lines(
      'import a from "./a";',
      'import * as b from "b";',
      'import { c, d as e } from "@scope/c";',
      'import "./side-effect";',
      'export { f } from "./f";',
      'export * from "./all";',
      'export * as ns from "./ns";',
      "export const local = 1;",
      "export { local as alias };",
    );
    expect(extractTypeScript("src/x.ts", source)).toEqual({
      imports: [
        { specifier: "./a", line: 1, kind: "import" },
        { specifier: "b", line: 2, kind: "import" },
        { specifier: "@scope/c", line: 3, kind: "import" },
        { specifier: "./side-effect", line: 4, kind: "import", sideEffect: true },
        { specifier: "./f", line: 5, kind: "export" },
        { specifier: "./all", line: 6, kind: "export" },
        { specifier: "./ns", line: 7, kind: "export" },
      ],
    });
  });

  it("marks type-only imports and exports as type, mixed ones as import/export", () => {
    const source = lines(
      'import type { A } from "./a";',
      'import { type B, type C } from "./bc";',
      'import { type D, e } from "./de";',
      'export type { F } from "./f";',
      'export { type G } from "./g";',
      'export { type H, i } from "./hi";',
      'export type * from "./star";',
      'import {} from "./empty";',
      'import type Default from "./default";',
    );
    expect(extractTypeScript("src/x.ts", source).imports).toEqual([
      { specifier: "./a", line: 1, kind: "type" },
      { specifier: "./bc", line: 2, kind: "type" },
      { specifier: "./de", line: 3, kind: "import" },
      { specifier: "./f", line: 4, kind: "type" },
      { specifier: "./g", line: 5, kind: "type" },
      { specifier: "./hi", line: 6, kind: "export" },
      { specifier: "./star", line: 7, kind: "type" },
      { specifier: "./empty", line: 8, kind: "import", sideEffect: true },
      { specifier: "./default", line: 9, kind: "type" },
    ]);
  });

  it("reads require, dynamic import and import-equals with literal specifiers only", () => {
    const source = lines(
      'const a = require("./a");',
      "const b = require(`./b`);",
      'const c = await import("./c");',
      "const d = import(`./d`);",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source text under test
      "const e = import(`./e/${name}`);",
      "const f = require(name);",
      'const g = require.resolve("./g");',
      'const h = module.require("./h");',
      'const i = require("./i", "extra");',
      'import j = require("./j");',
      'import type k = require("./k");',
      'export import l = require("./l");',
      "import m = Namespace.Member;",
      'function lazy() { if (x) { return require("./nested"); } }',
    );
    expect(extractTypeScript("src/x.ts", source).imports).toEqual([
      { specifier: "./a", line: 1, kind: "require" },
      { specifier: "./b", line: 2, kind: "require" },
      { specifier: "./c", line: 3, kind: "dynamic" },
      { specifier: "./d", line: 4, kind: "dynamic" },
      { specifier: "./j", line: 10, kind: "require" },
      { specifier: "./k", line: 11, kind: "type" },
      { specifier: "./l", line: 12, kind: "require" },
      { specifier: "./nested", line: 14, kind: "require" },
    ]);
  });

  it("finds require calls however they are spaced, commented, typed or escaped, and only those", () => {
    const source = lines(
      "// This file is required; a required value, requirements.",
      'const a = require ("./a");',
      'const b = require /* why */ ("./b");',
      "const c = require",
      '  ("./c");',
      'const d = require<Module>("./d");',
      'const e = require?.("./e");',
      'const f = \\u0072equire("./f");',
      "const g = required(x);",
    );
    expect(extractTypeScript("src/x.ts", source).imports).toEqual([
      { specifier: "./a", line: 2, kind: "require" },
      { specifier: "./b", line: 3, kind: "require" },
      { specifier: "./c", line: 4, kind: "require" },
      { specifier: "./d", line: 6, kind: "require" },
      { specifier: "./e", line: 7, kind: "require" },
      { specifier: "./f", line: 8, kind: "require" },
    ]);
    // Words like "required" alone never make a call.
    expect(extractTypeScript("src/y.ts", 'export const required = "requires";\n').imports).toEqual([]);
  });

  it("reads import() in type positions as type, including variable annotations", () => {
    const source = lines(
      'type A = import("./a").A;',
      'type B = typeof import("./b");',
      'function f(p: import("./c").C): import("./d").D { return p; }',
      'let v: import("./e").E;',
      'export declare const w: import("./f").F<object>;',
    );
    expect(extractTypeScript("src/x.d.ts", source).imports).toEqual([
      { specifier: "./a", line: 1, kind: "type" },
      { specifier: "./b", line: 2, kind: "type" },
      { specifier: "./c", line: 3, kind: "type" },
      { specifier: "./d", line: 3, kind: "type" },
      { specifier: "./e", line: 4, kind: "type" },
      { specifier: "./f", line: 5, kind: "type" },
    ]);
    expect(
      extractTypeScript("src/y.ts", 'let v: import("./e").E = make();\nrequire("./r");').imports,
    ).toEqual([
      { specifier: "./e", line: 1, kind: "type" },
      { specifier: "./r", line: 2, kind: "require" },
    ]);
  });
});

describe("extractTypeScript: ambient module blocks", () => {
  it("reads imports nested in declare module blocks, but not the block's own name", () => {
    const source = lines(
      'import top from "./top";',
      'declare module "augmented" {',
      '  import z from "./inner";',
      '  import type { T } from "./inner-type";',
      '  export * from "./inner-star";',
      '  export { a } from "./inner-named";',
      '  export type { B } from "./inner-type-named";',
      '  const r: typeof import("./inner-import-type");',
      "}",
      'export { x } from "./x";',
    );
    const expected = [
      { specifier: "./top", line: 1, kind: "import" },
      { specifier: "./inner", line: 3, kind: "import" },
      { specifier: "./inner-type", line: 4, kind: "type" },
      { specifier: "./inner-star", line: 5, kind: "export" },
      { specifier: "./inner-named", line: 6, kind: "export" },
      { specifier: "./inner-type-named", line: 7, kind: "type" },
      { specifier: "./inner-import-type", line: 8, kind: "type" },
      { specifier: "./x", line: 10, kind: "export" },
    ];
    expect(extractTypeScript("src/types.d.ts", source)).toEqual({ imports: expected });
    expect(extractTypeScript("src/augment.ts", source)).toEqual({ imports: expected });
  });
});

describe("extractTypeScript: what is not an import", () => {
  it("ignores imports inside strings, comments and template literals", () => {
    const source = lines(
      "const s = 'import x from \"./in-string\"';",
      "const t = \"require('./in-string2')\";",
      '// import y from "./in-line-comment";',
      '/* require("./in-block-comment") */',
      "/**",
      ' * @example import("./in-jsdoc")',
      " */",
      "const u = `import z from './in-template'; require('./in-template2')`;",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: JavaScript source text under test
      'const v = `${require("./in-substitution")}`;',
      'import real from "./real";',
    );
    expect(extractTypeScript("src/x.ts", source).imports).toEqual([
      { specifier: "./in-substitution", line: 9, kind: "require" },
      { specifier: "./real", line: 10, kind: "import" },
    ]);
  });

  it("returns no imports for a file without any", () => {
    expect(extractTypeScript("src/x.ts", "export const x = 1;\n")).toEqual({ imports: [] });
    expect(extractTypeScript("src/x.js", "")).toEqual({ imports: [] });
  });
});

describe("extractTypeScript: lines", () => {
  it("uses the line where a multi-line statement starts and where a call starts", () => {
    const source = lines(
      "// header",
      "import {",
      "  a,",
      "  b,",
      '} from "./ab";',
      "",
      "const x = foo(",
      '  require("./late"),',
      ");",
    );
    expect(extractTypeScript("src/x.ts", source).imports).toEqual([
      { specifier: "./ab", line: 2, kind: "import" },
      { specifier: "./late", line: 8, kind: "require" },
    ]);
  });

  it("counts lines correctly with CRLF endings and non-ASCII text", () => {
    const source = '// é漢字 😀 ünïcödé\r\nconst s = "😀😀";\r\nimport a from "./a";\r\nrequire("./b");\r\n';
    expect(extractTypeScript("src/x.ts", source).imports).toEqual([
      { specifier: "./a", line: 3, kind: "import" },
      { specifier: "./b", line: 4, kind: "require" },
    ]);
  });
});

describe("extractTypeScript: languages per extension", () => {
  it("parses JSX in .js, .jsx and .tsx files", () => {
    const jsx =
      'import React from "react";\nexport const A = () => <div className="a">{require("./x")}</div>;';
    for (const path of ["a.js", "a.jsx", "a.tsx"]) {
      expect(extractTypeScript(path, jsx)).toEqual({
        imports: [
          { specifier: "react", line: 1, kind: "import" },
          { specifier: "./x", line: 2, kind: "require" },
        ],
      });
    }
  });

  it("parses TypeScript generics with angle brackets in .ts, .mts and .cts", () => {
    const ts = 'import { f } from "./f";\nconst x = <T,>(v: T) => v;\nconst y = <string>f();';
    for (const path of ["a.ts", "a.mts", "a.cts"]) {
      expect(extractTypeScript(path, ts)).toEqual({
        imports: [{ specifier: "./f", line: 1, kind: "import" }],
      });
    }
  });

  it("parses CommonJS scripts (sloppy mode) in .js and .cjs, and ES modules in .mjs", () => {
    const script = 'var m = require("./m");\nwith (m) { x = 010; }\nmodule.exports = m;';
    expect(extractTypeScript("a.cjs", script)).toEqual({
      imports: [{ specifier: "./m", line: 1, kind: "require" }],
    });
    expect(extractTypeScript("a.js", script)).toEqual({
      imports: [{ specifier: "./m", line: 1, kind: "require" }],
    });
    const esm = 'import m from "./m.mjs";\nexport default await import("./n.mjs");';
    expect(extractTypeScript("a.mjs", esm).imports).toEqual([
      { specifier: "./m.mjs", line: 1, kind: "import" },
      { specifier: "./n.mjs", line: 2, kind: "dynamic" },
    ]);
  });

  it("knows its extensions and languages", () => {
    expect(TS_JS_EXTENSIONS).toEqual([".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]);
    expect(typeScriptLanguageOf("src/a.tsx")).toBe("typescript");
    expect(typeScriptLanguageOf("src/a.d.ts")).toBe("typescript");
    expect(typeScriptLanguageOf("src/a.cjs")).toBe("javascript");
    expect(typeScriptLanguageOf("src/a.py")).toBeUndefined();
    expect(isTypeScriptOrJavaScriptPath("src/a.mts")).toBe(true);
    expect(isTypeScriptOrJavaScriptPath("src/a.json")).toBe(false);
    expect(isTypeScriptOrJavaScriptPath("src.ts/README")).toBe(false);
  });
});

describe("extractTypeScript: big files", () => {
  // Raw transfer (fast) takes long files with few imports; the standard parse (slow, safe)
  // takes those with thousands, on which raw transfer would abort the process.
  const filler = Array.from(
    { length: 2500 },
    (_, i) => `export const value${i} = compute(${i}, [1, 2], { a: "b" });`,
  );

  it("reads every kind of import in a 200 KB file", () => {
    const source = lines(
      'import { a } from "./a";',
      ...filler,
      'export * from "./b";',
      'const c = require("./c");',
      'const d = import("./d");',
      'let e: typeof import("./e");',
      ...filler,
    );
    expect(source.length).toBeGreaterThan(200_000);
    expect(extractTypeScript("src/big.ts", source).imports).toEqual([
      { specifier: "./a", line: 1, kind: "import" },
      { specifier: "./b", line: 2502, kind: "export" },
      { specifier: "./c", line: 2503, kind: "require" },
      { specifier: "./d", line: 2504, kind: "dynamic" },
      { specifier: "./e", line: 2505, kind: "type" },
    ]);
  });

  it("reads a file of 5,000 imports (which would abort raw transfer) without crashing", () => {
    const source = lines(...Array.from({ length: 5000 }, (_, i) => `import { a${i} } from "./m${i}";`));
    const imports = extractTypeScript("src/many.ts", source).imports;
    expect(imports).toHaveLength(5000);
    expect(imports[4999]).toEqual({ specifier: "./m4999", line: 5000, kind: "import" });
  });
});

describe("extractTypeScript: failures never throw", () => {
  it("reports a syntax error with line and column and keeps the imports it could read", () => {
    const result = extractTypeScript("src/bad.ts", 'import a from "./a";\nconst = ;\n');
    expect(result.imports).toEqual([{ specifier: "./a", line: 1, kind: "import" }]);
    expect(result.error).toEqual({ message: "Unexpected token", line: 2, column: 7 });
  });

  it("reports TypeScript syntax in a .js file as an error", () => {
    const result = extractTypeScript("src/bad.js", "let x: number = 1;");
    expect(result.error).toEqual({
      message: "Expected a semicolon or an implicit semicolon after a statement, but found none",
      line: 1,
      column: 6,
    });
  });

  it("refuses files over the size limit", () => {
    const big = `import a from "./a";\n${"x".repeat(MAX_TYPESCRIPT_SOURCE_LENGTH)}`;
    expect(extractTypeScript("src/big.ts", big)).toEqual({
      imports: [],
      error: {
        message: `file too large (${big.length} characters; limit ${MAX_TYPESCRIPT_SOURCE_LENGTH})`,
        unreadable: true,
      },
    });
  });

  it("reads a NUL inside a comment or string as tsc and Node do", () => {
    expect(extractTypeScript("src/nul.ts", "// \u0000\nconst s = '\u0000';\nimport a from './a';\n")).toEqual(
      {
        imports: [{ specifier: "./a", line: 3, kind: "import" }],
      },
    );
  });
});

describe("extractTypeScript: import( in text that is not code", () => {
  it("ignores it in comments, strings and templates, and still finds the calls the lazy walk skips", () => {
    const source = lines(
      "/** @typedef {import('./in-comment').A} A */",
      'const text = "import(\\"./in-string\\")";',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the source holds a template
      "const template = `/** @typedef {import('./in-template').B} B */ ${f(import(\"./in-substitution\"))}`;",
      'const typed: import("./in-annotation").T = value;',
    );
    expect(extractTypeScript("src/x.ts", source)).toEqual({
      imports: [
        { specifier: "./in-substitution", line: 3, kind: "dynamic" },
        { specifier: "./in-annotation", line: 4, kind: "type" },
      ],
    });
  });

  it("finds a type-position import( the lazy walk skips when text elsewhere only mentions one", () => {
    const source = lines("// see import('./elsewhere')", 'const typed: import("./m").T = value;');
    expect(extractTypeScript("src/x.ts", source).imports).toEqual([
      { specifier: "./m", line: 2, kind: "type" },
    ]);
  });
});

describe("extractTypeScript: require( in text that is not code", () => {
  // The walk is skipped only when every candidate is provably in a comment or a one-line string.
  it.each([
    ["a.ts", 'const r = /"/; const a = require("./a");', ["./a"]],
    ["b.ts", 'const s = "it\'s"; require("./b");', ["./b"]],
    ["c.ts", "const t = `x`; const u = \"require('./c')\";", []],
    ["d.ts", "const v = \"a\\\nrequire('./d')\";", []],
    ["e.ts", 'const x = \'require("./e")\'; const y = require("./f");', ["./f"]],
    ["g.tsx", 'const el = <div>it\'s</div>; const a = require("./g");', ["./g"]],
    ["h.ts", '/* it\'s */ const h = require("./h");', ["./h"]],
    ["i.ts", 'const s = "don\\"t"; const i = require("./i");', ["./i"]],
    ["j.ts", "const s = 'a\\\\'; const j = require('./j');", ["./j"]],
    [
      "k.ts",
      '// require("./not")\nconst k = "require(\'./not-either\')";\nconst real = require("./k");',
      ["./k"],
    ],
    ["l.ts", 'const l = "x" + require("./l") + "y";', ["./l"]],
    ["m.ts", 'const m = "require(\'./not\')"; /*\n*/ const real = require("./m");', ["./m"]],
    ["n.ts", "if (name === \"require('./fake')\") total -= 1;", []],
  ])("%s", (path, source, specifiers) => {
    expect(extractTypeScript(path, source).imports.map((item) => item.specifier)).toEqual(specifiers);
  });
});
