import { describe, expect, it } from "vitest";
import type { ImportKind, RawImport, ResolvedImport } from "../../../../src/core/acc/model.ts";
import { createTypeScriptResolver } from "../../../../src/core/acc/resolve/typescript.ts";
import { projectFromMap } from "./project.ts";

/** Resolves each specifier from `from` and returns [specifier, target, external] rows. */
function resolveAll(files: Record<string, string>, from: string, specifiers: string[]) {
  const resolve = createTypeScriptResolver(projectFromMap(files));
  return specifiers.map((specifier) => {
    const results = resolve(from, { specifier, line: 1, kind: "import" });
    expect(results).toHaveLength(1);
    const [only] = results as [ResolvedImport];
    return [specifier, only.target, only.external];
  });
}

const json = (value: unknown) => JSON.stringify(value, null, 2);

describe("TS resolver: relative specifiers", () => {
  const files = {
    "src/app.ts": "",
    "src/a.ts": "",
    "src/b.tsx": "",
    "src/c.js": "",
    "src/d/index.ts": "",
    "src/e.ts": "",
    "src/f.mts": "",
    "src/g.cts": "",
    "src/h.tsx": "",
    "src/data.json": "{}",
    "src/only-types.d.ts": "",
    "src/both.ts": "",
    "src/both.d.ts": "",
    "src/legacy.js": "",
    "src/styles.css": "",
    "src/index.ts": "",
    "src/lib/package.json": json({ main: "./entry.js" }),
    "src/lib/entry.ts": "",
    "src/jsx-index/index.jsx": "",
    "top.ts": "",
    "src/x.service.ts": "",
  };

  it("probes extensions, index files, .js → .ts sources, and declaration files last", () => {
    expect(
      resolveAll(files, "src/app.ts", [
        "./a",
        "./b",
        "./c",
        "./d",
        "./d/",
        "./d/index",
        "./e.js",
        "./f.mjs",
        "./g.cjs",
        "./h.jsx",
        "./h.js",
        "./data.json",
        "./only-types",
        "./only-types.js",
        "./both",
        "./legacy.js",
        "./styles.css",
        "./a.ts",
        ".",
        "./",
        "./lib",
        "./jsx-index",
        "../top",
        "../top.js",
        "./x.service",
        "./a?raw",
      ]),
    ).toEqual([
      ["./a", "src/a.ts", null],
      ["./b", "src/b.tsx", null],
      ["./c", "src/c.js", null],
      ["./d", "src/d/index.ts", null],
      ["./d/", "src/d/index.ts", null],
      ["./d/index", "src/d/index.ts", null],
      ["./e.js", "src/e.ts", null],
      ["./f.mjs", "src/f.mts", null],
      ["./g.cjs", "src/g.cts", null],
      ["./h.jsx", "src/h.tsx", null],
      ["./h.js", "src/h.tsx", null],
      ["./data.json", "src/data.json", null],
      ["./only-types", "src/only-types.d.ts", null],
      ["./only-types.js", "src/only-types.d.ts", null],
      ["./both", "src/both.ts", null],
      ["./legacy.js", "src/legacy.js", null],
      ["./styles.css", "src/styles.css", null],
      ["./a.ts", "src/a.ts", null],
      [".", "src/index.ts", null],
      ["./", "src/index.ts", null],
      ["./lib", "src/lib/entry.ts", null],
      ["./jsx-index", "src/jsx-index/index.jsx", null],
      ["../top", "top.ts", null],
      ["../top.js", "top.ts", null],
      ["./x.service", "src/x.service.ts", null],
      ["./a?raw", "src/a.ts", null],
    ]);
  });

  it("leaves unresolvable relative imports with neither target nor external", () => {
    expect(
      resolveAll(files, "src/app.ts", ["./missing", "./missing.js", "../../outside", "./d/nope"]),
    ).toEqual([
      ["./missing", null, null],
      ["./missing.js", null, null],
      ["../../outside", null, null],
      ["./d/nope", null, null],
    ]);
  });

  it("keeps specifier, line and kind of the raw import", () => {
    const resolve = createTypeScriptResolver(projectFromMap(files));
    const kinds: ImportKind[] = ["import", "export", "require", "dynamic", "type"];
    for (const kind of kinds) {
      const raw: RawImport = { specifier: "./a", line: 7, kind };
      expect(resolve("src/app.ts", raw)).toEqual([
        { specifier: "./a", line: 7, kind, target: "src/a.ts", external: null },
      ]);
    }
  });
});

describe("TS resolver: externals and built-ins", () => {
  it("names the package of bare specifiers and prefixes built-ins with node:", () => {
    expect(
      resolveAll({ "a.ts": "" }, "a.ts", [
        "lodash",
        "lodash/fp",
        "@scope/name",
        "@scope/name/deep/path.js",
        "fs",
        "node:fs",
        "fs/promises",
        "node:fs/promises",
        "node:test",
        "test",
        "path",
        "react-dom/client",
      ]),
    ).toEqual([
      ["lodash", null, "lodash"],
      ["lodash/fp", null, "lodash"],
      ["@scope/name", null, "@scope/name"],
      ["@scope/name/deep/path.js", null, "@scope/name"],
      ["fs", null, "node:fs"],
      ["node:fs", null, "node:fs"],
      ["fs/promises", null, "node:fs"],
      ["node:fs/promises", null, "node:fs"],
      ["node:test", null, "node:test"],
      ["test", null, "test"],
      ["path", null, "node:path"],
      ["react-dom/client", null, "react-dom"],
    ]);
  });
});

describe("TS resolver: tsconfig.json", () => {
  const files = {
    "tsconfig.base.json": `{
      // shared settings, JSONC style
      "compilerOptions": {
        "baseUrl": ".",
        /* aliases */
        "paths": {
          "@shared/*": ["libs/shared/src/*", "libs/fallback/*",],
          "@exact": ["libs/exact/main.ts"],
          "@app/*": ["apps/web/src/*"],
          "@app/special/*": ["apps/web/special/*"],
        },
      },
    }`,
    "tsconfig.json": json({ extends: "./tsconfig.base.json" }),
    "apps/web/tsconfig.json": json({
      extends: "../../tsconfig.base.json",
      compilerOptions: { paths: { "~/*": ["apps/web/src/*"], "#root/*": ["./src/*"] } },
    }),
    "apps/web/src/main.ts": "",
    "apps/web/src/pages/home.tsx": "",
    "apps/web/special/thing.ts": "",
    "apps/admin/tsconfig.json": json({ compilerOptions: { baseUrl: "src" } }),
    "apps/admin/src/main.ts": "",
    "apps/admin/src/services/users.ts": "",
    "apps/admin/src/lodash.ts": "",
    "libs/shared/src/format.ts": "",
    "libs/fallback/only-here.ts": "",
    "libs/exact/main.ts": "",
    "libs/js/jsconfig.json": json({ compilerOptions: { baseUrl: ".", paths: { "@js/*": ["lib/*"] } } }),
    "libs/js/lib/util.js": "",
    "libs/js/index.js": "",
    "tools/script.ts": "",
  };

  it("uses the nearest tsconfig per directory, following extends, baseUrl and paths", () => {
    expect(
      resolveAll(files, "apps/web/src/main.ts", [
        "~/pages/home",
        "#root/main",
        "@shared/format",
        "@exact",
        "@app/main",
        "libs/exact/main",
      ]),
    ).toEqual([
      // paths are relative to the baseUrl ("." of the root base config), as in TypeScript
      ["~/pages/home", "apps/web/src/pages/home.tsx", null],
      ["#root/main", null, null],
      // the child's paths replace the parent's, but the inherited baseUrl still applies
      ["@shared/format", null, "@shared/format"],
      ["@exact", null, "@exact"],
      ["@app/main", null, "@app/main"],
      ["libs/exact/main", "libs/exact/main.ts", null],
    ]);
    expect(
      resolveAll(files, "tools/script.ts", [
        "@shared/format",
        "@shared/only-here",
        "@shared/missing",
        "@exact",
        "@app/special/thing",
        "@app/main",
        "libs/exact/main",
        "~/pages/home",
      ]),
    ).toEqual([
      ["@shared/format", "libs/shared/src/format.ts", null],
      ["@shared/only-here", "libs/fallback/only-here.ts", null],
      ["@shared/missing", null, "@shared/missing"],
      ["@exact", "libs/exact/main.ts", null],
      ["@app/special/thing", "apps/web/special/thing.ts", null],
      ["@app/main", "apps/web/src/main.ts", null],
      ["libs/exact/main", "libs/exact/main.ts", null],
      ["~/pages/home", null, "~"],
    ]);
  });

  it("resolves through baseUrl before treating a name as a package", () => {
    expect(resolveAll(files, "apps/admin/src/main.ts", ["services/users", "lodash", "react"])).toEqual([
      ["services/users", "apps/admin/src/services/users.ts", null],
      ["lodash", "apps/admin/src/lodash.ts", null],
      ["react", null, "react"],
    ]);
  });

  it("reads jsconfig.json like tsconfig.json", () => {
    expect(resolveAll(files, "libs/js/index.js", ["@js/util", "@shared/format"])).toEqual([
      ["@js/util", "libs/js/lib/util.js", null],
      ["@shared/format", null, "@shared/format"],
    ]);
  });

  it("resolves paths without baseUrl relative to the config that declares them, and the configDir variable", () => {
    const project = {
      "configs/tsconfig.paths.json": json({
        compilerOptions: { paths: { "@cfg/*": ["./shared/*"], "@leaf/*": [`${"$"}{configDir}/local/*`] } },
      }),
      "configs/shared/thing.ts": "",
      "pkg/tsconfig.json": json({ extends: "../configs/tsconfig.paths" }),
      "pkg/local/mine.ts": "",
      "pkg/index.ts": "",
    };
    expect(resolveAll(project, "pkg/index.ts", ["@cfg/thing", "@leaf/mine"])).toEqual([
      ["@cfg/thing", "configs/shared/thing.ts", null],
      ["@leaf/mine", "pkg/local/mine.ts", null],
    ]);
  });

  it("takes the aliases of a solution-style tsconfig from its referenced projects (Vite layout)", () => {
    const project = {
      "tsconfig.json": json({
        files: [],
        references: [
          { path: "./tsconfig.node.json" },
          { path: "./tsconfig.app.json" },
          { path: "./missing" },
        ],
      }),
      "tsconfig.node.json": json({ compilerOptions: { composite: true }, include: ["vite.config.ts"] }),
      "tsconfig.app.json": json({ compilerOptions: { baseUrl: ".", paths: { "@/*": ["./src/*"] } } }),
      "src/main.tsx": "",
      "src/components/ui/button.tsx": "",
      "loop/tsconfig.json": json({ references: [{ path: "./a.json" }] }),
      "loop/a.json": json({ references: [{ path: "./tsconfig.json" }] }),
      "loop/index.ts": "",
    };
    expect(resolveAll(project, "src/main.tsx", ["@/components/ui/button", "react"])).toEqual([
      ["@/components/ui/button", "src/components/ui/button.tsx", null],
      ["react", null, "react"],
    ]);
    expect(resolveAll(project, "loop/index.ts", ["x"])).toEqual([["x", null, "x"]]);
  });

  it("follows extends arrays, extends of a workspace package, and survives cycles and broken configs", () => {
    const project = {
      "package.json": json({ name: "root", workspaces: ["packages/*"] }),
      "packages/tsconfig/package.json": json({ name: "@org/tsconfig" }),
      "packages/tsconfig/base.json": json({ compilerOptions: { baseUrl: ".", paths: { "@b/*": ["b/*"] } } }),
      "packages/tsconfig/b/thing.ts": "",
      "packages/tsconfig/tsconfig.json": json({ compilerOptions: { paths: { "@default/*": ["d/*"] } } }),
      "packages/tsconfig/d/x.ts": "",
      "packages/app/package.json": json({ name: "@org/app" }),
      "packages/app/tsconfig.json": json({ extends: ["./missing.json", "@org/tsconfig/base.json"] }),
      "packages/app/index.ts": "",
      "packages/app2/tsconfig.json": json({ extends: "@org/tsconfig" }),
      "packages/app2/index.ts": "",
      "cyc/tsconfig.json": json({ extends: "./other.json", compilerOptions: { paths: { "@c/*": ["c/*"] } } }),
      "cyc/other.json": json({ extends: "./tsconfig.json" }),
      "cyc/c/y.ts": "",
      "cyc/index.ts": "",
      "broken/tsconfig.json": "{ this is not json",
      "broken/index.ts": "",
      "broken/z.ts": "",
    };
    expect(resolveAll(project, "packages/app/index.ts", ["@b/thing"])).toEqual([
      ["@b/thing", "packages/tsconfig/b/thing.ts", null],
    ]);
    expect(resolveAll(project, "packages/app2/index.ts", ["@default/x"])).toEqual([
      ["@default/x", "packages/tsconfig/d/x.ts", null],
    ]);
    expect(resolveAll(project, "cyc/index.ts", ["@c/y"])).toEqual([["@c/y", "cyc/c/y.ts", null]]);
    expect(resolveAll(project, "broken/index.ts", ["./z", "z"])).toEqual([
      ["./z", "broken/z.ts", null],
      ["z", null, "z"],
    ]);
  });
});

describe("TS resolver: workspaces and package.json", () => {
  const packages = {
    "packages/core/package.json": json({
      name: "@org/core",
      main: "dist/index.js",
      types: "dist/index.d.ts",
    }),
    "packages/core/src/index.ts": "",
    "packages/core/src/deep/thing.ts": "",
    "packages/api/package.json": json({
      name: "@org/api",
      exports: {
        ".": { types: "./dist/index.d.ts", import: "./dist/index.mjs", require: "./dist/index.cjs" },
        "./client": { browser: "./src/browser.ts", default: "./src/client/index.ts" },
        "./features/*": "./src/features/*.ts",
        "./features/internal/*": null,
        "./package.json": "./package.json",
      },
      imports: { "#db": "./src/db/index.ts", "#utils/*": "./src/utils/*.ts", "#ext": "lodash" },
    }),
    "packages/api/src/index.ts": "",
    "packages/api/src/browser.ts": "",
    "packages/api/src/client/index.ts": "",
    "packages/api/src/features/users.ts": "",
    "packages/api/src/features/internal/secret.ts": "",
    "packages/api/src/db/index.ts": "",
    "packages/api/src/utils/strings.ts": "",
    "packages/api/src/server.ts": "",
    "packages/built/package.json": json({ name: "built", main: "./lib/index.js" }),
    "packages/built/lib/index.js": "",
    "packages/built/src/index.ts": "",
    "packages/plain/package.json": json({ name: "plain" }),
    "packages/plain/index.js": "",
    "packages/plain/util.js": "",
    "packages/sugar/package.json": json({ name: "sugar", exports: "./main.ts" }),
    "packages/sugar/main.ts": "",
    "packages/cond/package.json": json({
      name: "cond",
      exports: { import: "./esm/index.js", default: "./cjs/x.js" },
    }),
    "packages/cond/src/index.ts": "",
    "apps/web/package.json": json({ name: "web" }),
    "apps/web/src/main.ts": "",
    "apps/web/src/index.ts": "",
    "apps/ignored/package.json": json({ name: "ignored" }),
    "apps/ignored/index.ts": "",
  };

  const expected = [
    ["@org/core", "packages/core/src/index.ts", null],
    ["@org/core/src/deep/thing", "packages/core/src/deep/thing.ts", null],
    ["@org/core/dist/deep/thing.js", "packages/core/src/deep/thing.ts", null],
    ["@org/api", "packages/api/src/index.ts", null],
    ["@org/api/client", "packages/api/src/client/index.ts", null],
    ["@org/api/features/users", "packages/api/src/features/users.ts", null],
    ["@org/api/features/internal/secret", null, null],
    ["@org/api/server", null, null],
    ["built", "packages/built/lib/index.js", null],
    ["plain", "packages/plain/index.js", null],
    ["plain/util", "packages/plain/util.js", null],
    ["sugar", "packages/sugar/main.ts", null],
    ["cond", "packages/cond/src/index.ts", null],
    ["web", "apps/web/src/index.ts", null],
    ["ignored", null, "ignored"],
    ["@org/other", null, "@org/other"],
  ];
  const specifiers = expected.map(([specifier]) => specifier as string);

  it("resolves npm workspaces (array) to the packages' sources", () => {
    const files = { ...packages, "package.json": json({ workspaces: ["packages/*", "apps/web"] }) };
    expect(resolveAll(files, "apps/web/src/main.ts", specifiers)).toEqual(expected);
  });

  it("resolves yarn workspaces ({ packages }) with negations", () => {
    const files = {
      ...packages,
      "package.json": json({
        private: true,
        workspaces: { packages: ["packages/**", "apps/*", "!apps/ignored"] },
      }),
    };
    expect(resolveAll(files, "apps/web/src/main.ts", specifiers)).toEqual(expected);
  });

  it("resolves pnpm workspaces from pnpm-workspace.yaml", () => {
    const files = {
      ...packages,
      "package.json": json({ name: "monorepo" }),
      "pnpm-workspace.yaml": "packages:\n  - 'packages/*'\n  - apps/web\n  # - apps/ignored\n",
    };
    expect(resolveAll(files, "apps/web/src/main.ts", specifiers)).toEqual(expected);
  });

  it("treats workspace names as externals when no workspace is declared", () => {
    expect(resolveAll(packages, "apps/web/src/main.ts", ["@org/core", "web"])).toEqual([
      ["@org/core", null, "@org/core"],
      ["web", null, "web"],
    ]);
  });

  it("resolves #imports through the nearest package.json, including a bare target", () => {
    const files = { ...packages, "package.json": json({ workspaces: ["packages/*"] }) };
    expect(
      resolveAll(files, "packages/api/src/server.ts", ["#db", "#utils/strings", "#ext", "#missing"]),
    ).toEqual([
      ["#db", "packages/api/src/db/index.ts", null],
      ["#utils/strings", "packages/api/src/utils/strings.ts", null],
      ["#ext", null, "lodash"],
      ["#missing", null, null],
    ]);
  });

  it("lets a package import itself by name (self-reference through exports)", () => {
    const files = {
      "package.json": json({ name: "self", exports: { ".": "./src/index.ts", "./util": "./src/util.ts" } }),
      "src/index.ts": "",
      "src/util.ts": "",
      "test/a.test.ts": "",
    };
    expect(resolveAll(files, "test/a.test.ts", ["self", "self/util", "self/nope"])).toEqual([
      ["self", "src/index.ts", null],
      ["self/util", "src/util.ts", null],
      ["self/nope", null, null],
    ]);
  });
});

describe("TS resolver: caching", () => {
  it("answers the same specifier from different directories independently", () => {
    const files = { "a/x.ts": "", "a/y.ts": "", "b/y.ts": "", "b/z.ts": "" };
    const resolve = createTypeScriptResolver(projectFromMap(files));
    const raw: RawImport = { specifier: "./y", line: 1, kind: "import" };
    expect(resolve("a/x.ts", raw)[0]?.target).toBe("a/y.ts");
    expect(resolve("b/z.ts", raw)[0]?.target).toBe("b/y.ts");
    expect(resolve("a/x.ts", raw)[0]?.target).toBe("a/y.ts");
  });
});
