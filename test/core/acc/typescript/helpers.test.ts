import { describe, expect, it } from "vitest";
import { builtinExternal } from "../../../../src/core/acc/resolve/ts-builtins.ts";
import { parseJsonc } from "../../../../src/core/acc/resolve/ts-jsonc.ts";
import { exportsTargets, importsTargets } from "../../../../src/core/acc/resolve/ts-package.ts";
import { joinPath, packageNameOf } from "../../../../src/core/acc/resolve/ts-paths.ts";
import { sourceCandidates } from "../../../../src/core/acc/resolve/ts-probe.ts";

describe("joinPath", () => {
  it.each([
    ["a/b", "./c", "a/b/c"],
    ["a/b", "../c", "a/c"],
    ["a/b", "../../c", "c"],
    ["a/b", "../../../c", undefined],
    ["", "./x", "x"],
    ["a", ".", "a"],
    ["a", "./", "a"],
    ["a/b", "..", "a"],
    ["a/b", "../", "a"],
    ["a/b", "./c/../d", "a/b/d"],
    ["a", "./.hidden/x", "a/.hidden/x"],
    ["a", "x//y/", "a/x/y"],
    ["a", "../..", undefined],
  ])("joinPath(%j, %j) = %j", (base, relative, expected) => {
    expect(joinPath(base, relative)).toBe(expected);
  });
});

describe("packageNameOf and builtinExternal", () => {
  it("names packages and built-ins", () => {
    expect(["lodash", "lodash/fp/map", "@s/n", "@s/n/x/y", "@s"].map(packageNameOf)).toEqual([
      "lodash",
      "lodash",
      "@s/n",
      "@s/n",
      "@s",
    ]);
    expect(
      ["fs", "node:fs", "fs/promises", "node:sqlite", "sqlite", "left-pad"].map(builtinExternal),
    ).toEqual(["node:fs", "node:fs", "node:fs", "node:sqlite", undefined, undefined]);
  });
});

describe("parseJsonc", () => {
  it("accepts comments and trailing commas but keeps them inside strings", () => {
    const text = `{
      // line comment
      "a": "http://x.y/*not a comment*/", /* block */
      "b": [1, 2, /* c */ 3,],
      "c": { "d": "trailing, \\"comma\\"", },
    }`;
    expect(parseJsonc(text)).toEqual({
      a: "http://x.y/*not a comment*/",
      b: [1, 2, 3],
      c: { d: 'trailing, "comma"' },
    });
  });

  it("returns undefined for text that is not JSON", () => {
    expect(parseJsonc("{ nope")).toBeUndefined();
    expect(parseJsonc("")).toBeUndefined();
  });
});

describe("exports and imports maps", () => {
  it("follows Node's rules: sugar, conditions in object order, longest pattern, null exclusions", () => {
    expect(exportsTargets("./main.js", ".")).toEqual(["./main.js"]);
    expect(exportsTargets({ import: "./a.mjs", require: "./a.cjs" }, ".")).toEqual(["./a.mjs", "./a.cjs"]);
    const map = {
      ".": [{ browser: "./b.js", node: "./n.js" }, "./fallback.js"],
      "./*": "./src/*.ts",
      "./utils/*": { types: "./types/utils/*.d.ts", default: "./dist/utils/*.js" },
      "./private/*": null,
    };
    expect(exportsTargets(map, ".")).toEqual(["./n.js", "./fallback.js"]);
    expect(exportsTargets(map, "./x/y")).toEqual(["./src/x/y.ts"]);
    expect(exportsTargets(map, "./utils/a")).toEqual(["./types/utils/a.d.ts", "./dist/utils/a.js"]);
    expect(exportsTargets(map, "./private/a")).toEqual([]);
    expect(exportsTargets({ "./only": "./o.js" }, ".")).toEqual([]);
    expect(importsTargets({ "#a/*.js": "./src/a/*.ts", "#b": "pkg" }, "#a/x.js")).toEqual(["./src/a/x.ts"]);
    expect(importsTargets({ "#b": "pkg" }, "#b")).toEqual(["pkg"]);
  });
});

describe("sourceCandidates", () => {
  it("maps build output back to sources", () => {
    expect(sourceCandidates("./dist/index.js")).toEqual(["dist/index.js", "src/index", "index"]);
    expect(sourceCandidates("lib/esm/x/y.d.ts")).toEqual(["lib/esm/x/y.d.ts", "src/x/y", "x/y"]);
    expect(sourceCandidates("./src/index.ts")).toEqual(["src/index.ts", "src/index"]);
    expect(sourceCandidates("./main")).toEqual(["main"]);
  });
});
