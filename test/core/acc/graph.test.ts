import { Minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import {
  buildGraph,
  extractionCacheKey,
  incrementalGraph,
  type LanguageSupport,
} from "../../../src/core/acc/graph.ts";
import type { ExtractionCache, ExtractResult } from "../../../src/core/acc/model.ts";
import { DEFAULT_EXCLUDES, PathFilter } from "../../../src/core/acc/path-filter.ts";
import { gitBlobSha, snapshotOf, typescriptSupport } from "./helpers.ts";

class MapCache implements ExtractionCache {
  readonly entries = new Map<string, ExtractResult>();
  get(key: string) {
    return this.entries.get(key);
  }
  set(key: string, value: ExtractResult) {
    this.entries.set(key, value);
  }
}

function counting(support: LanguageSupport): { support: LanguageSupport; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    support: {
      ...support,
      extract: (path, source) => {
        calls.push(path);
        return support.extract(path, source);
      },
    },
  };
}

const paths = (result: ReturnType<typeof buildGraph>) => result.graph.files.map((file) => file.path);

describe("PathFilter", () => {
  it("matches a slash-free pattern against whole segments, never substrings", () => {
    const filter = new PathFilter(["build"]);
    expect(filter.matches("build/x.ts")).toBe(true);
    expect(filter.matches("src/build/x.ts")).toBe(true);
    expect(filter.matches("src/build")).toBe(true);
    expect(filter.matches("builder_utils/x.py")).toBe(false);
    expect(filter.matches("src/rebuild/x.ts")).toBe(false);
    expect(filter.matches("src/build.ts")).toBe(false);
  });

  it("matches slash-free globs on any segment and a trailing slash on folders only", () => {
    expect(new PathFilter(["*.test.ts"]).matches("src/deep/a.test.ts")).toBe(true);
    expect(new PathFilter(["*.test.ts"]).matches("src/deep/a.ts")).toBe(false);
    expect(new PathFilter(["gen/"]).matches("src/gen/a.ts")).toBe(true);
    expect(new PathFilter(["gen/"]).matches("src/gen")).toBe(false);
  });

  it("matches `folder/**` exactly as minimatch does (a prefix test stands in for it)", () => {
    const options = { dot: true, nocomment: true, nonegate: true };
    const patterns = ["src/**", "packages/app/**", ".github/**", "a+b/**", "./src/**", "src/*/**", "**"];
    const paths = [
      "src",
      "src/a.ts",
      "src/.hidden/a.ts",
      "src/deep/er/a.ts",
      "srcx/a.ts",
      "x/src/a.ts",
      "packages/app",
      "packages/app/a.ts",
      "packages/application/a.ts",
      ".github/workflows/ci.yml",
      "a+b/c.ts",
      "ab/c.ts",
    ];
    for (const pattern of patterns) {
      const reference = new Minimatch(pattern, options);
      const filter = new PathFilter([pattern]);
      for (const path of paths) {
        // A file's own path, and everything below the folders on its way (what matches() also tests).
        const expected = path
          .split("/")
          .some((_, i, parts) => reference.match(parts.slice(0, i + 1).join("/")));
        expect(filter.matches(path), `${pattern} ~ ${path}`).toBe(expected);
      }
    }
  });

  it("matches patterns with a slash as full-path globs, including everything below a matched folder", () => {
    const filter = new PathFilter(["**/*.spec.ts", "app/generated"]);
    expect(filter.matches("a/b/c.spec.ts")).toBe(true);
    expect(filter.matches("c.spec.ts")).toBe(true);
    expect(filter.matches("app/generated/deep/x.ts")).toBe(true);
    expect(filter.matches("lib/app/generated/x.ts")).toBe(false);
    expect(filter.matches("app/generated_old/x.ts")).toBe(false);
  });
});

describe("buildGraph", () => {
  it("selects supported files by extension and skips default-excluded folders by whole segment", () => {
    const snapshot = snapshotOf({
      "src/a.ts": "",
      "src/b.tsx": "",
      "src/c.mts": "",
      "src/d.cts": "",
      "src/e.js": "",
      "src/f.jsx": "",
      "src/g.mjs": "",
      "src/h.cjs": "",
      "src/readme.md": "",
      "src/data.json": "{}",
      "build/out.js": "",
      "src/build/gen.ts": "",
      "builder_utils/tool.ts": "",
      "node_modules/lodash/index.js": "",
      "packages/x/dist/index.js": "",
      "distribution/keep.ts": "",
    });
    const result = buildGraph(snapshot, { languages: { typescript: typescriptSupport() } });
    expect(paths(result)).toEqual([
      "builder_utils/tool.ts",
      "distribution/keep.ts",
      "src/a.ts",
      "src/b.tsx",
      "src/c.mts",
      "src/d.cts",
      "src/e.js",
      "src/f.jsx",
      "src/g.mjs",
      "src/h.cjs",
    ]);
    expect(result.graph.files.map((file) => file.language)).toEqual([
      "typescript",
      "typescript",
      "typescript",
      "typescript",
      "typescript",
      "typescript",
      "javascript",
      "javascript",
      "javascript",
      "javascript",
    ]);
    expect(DEFAULT_EXCLUDES).toEqual(expect.arrayContaining(["node_modules", ".git", "dist", "build"]));
  });

  it("applies include and exclude from the config, and can switch the defaults off", () => {
    const snapshot = snapshotOf({
      "src/a.ts": "",
      "src/a.test.ts": "",
      "src/build/b.ts": "",
      "scripts/c.ts": "",
    });
    const languages = { typescript: typescriptSupport() };
    expect(paths(buildGraph(snapshot, { languages, include: ["src/**"], exclude: ["*.test.ts"] }))).toEqual([
      "src/a.ts",
    ]);
    expect(paths(buildGraph(snapshot, { languages, include: ["src/**"], defaultExcludes: false }))).toEqual([
      "src/a.test.ts",
      "src/a.ts",
      "src/build/b.ts",
    ]);
  });

  it("resolves imports and orders them by line, then specifier", () => {
    const snapshot = snapshotOf({
      "src/b.ts": 'import { z } from "./c";\nimport { a } from "./a"; import lodash from "lodash";\n',
      "src/a.ts": 'import type { B } from "./b";\n',
      "src/c.ts": "export const z = 1;\n",
    });
    const result = buildGraph(snapshot, { languages: { typescript: typescriptSupport() } });
    expect(result.graph).toEqual({
      files: [
        {
          path: "src/a.ts",
          language: "typescript",
          imports: [{ specifier: "./b", line: 1, kind: "type", target: "src/b.ts", external: null }],
        },
        {
          path: "src/b.ts",
          language: "typescript",
          imports: [
            { specifier: "./c", line: 1, kind: "import", target: "src/c.ts", external: null },
            { specifier: "./a", line: 2, kind: "import", target: "src/a.ts", external: null },
            { specifier: "lodash", line: 2, kind: "import", target: null, external: "lodash" },
          ],
        },
        { path: "src/c.ts", language: "typescript", imports: [] },
      ],
    });
    expect(result.stats).toMatchObject({
      files: 3,
      imports: 4,
      internal: 3,
      external: 1,
      unresolved: 0,
      extracted: 3,
    });
  });

  it("is deterministic whatever the snapshot order", () => {
    const files = {
      "z.ts": 'import "./a";\nimport "./m";\n',
      "a.ts": 'import "./z";\n',
      "m.ts": 'import "./a";\n',
    };
    const reversed = Object.fromEntries(Object.entries(files).reverse());
    const languages = { typescript: typescriptSupport() };
    expect(buildGraph(snapshotOf(reversed), { languages }).graph).toEqual(
      buildGraph(snapshotOf(files), { languages }).graph,
    );
  });

  it("reports binary and oversized files as unreadable, reads latin-1 bytes in TypeScript as tsc does, and goes on", () => {
    const binary = new Uint8Array([105, 109, 0, 1, 2, 3, 112]);
    const latin1 = new Uint8Array([0x2f, 0x2f, 0x20, 0xe9, 0x0a]);
    const snapshot = snapshotOf({
      "src/bin.js": binary,
      "src/latin.ts": latin1,
      "src/big.ts": `// ${"x".repeat(200)}\n`,
      "src/ok.ts": 'import "./other";\n',
    });
    const result = buildGraph(snapshot, {
      languages: { typescript: typescriptSupport() },
      maxFileBytes: 100,
    });
    expect(paths(result)).toEqual(["src/latin.ts", "src/ok.ts"]);
    expect(result.notices.map(({ file, kind }) => ({ file, kind }))).toEqual([
      { file: null, kind: "unresolved-imports" },
    ]);
    expect(result.unreadable).toEqual([
      { path: "src/big.ts", line: null, message: "204 bytes is over the 100-byte limit; not analysed" },
      { path: "src/bin.js", line: null, message: "binary content; not analysed" },
    ]);
    expect(result.stats).toMatchObject({ candidates: 4, files: 2, skipped: 2, unresolved: 1 });
  });

  it("reports a parse error with path, line, column and the parser's message, keeping the file", () => {
    const snapshot = snapshotOf({ "src/broken.ts": 'import "./a";\nconst x = (;\n', "src/a.ts": "" });
    const result = buildGraph(snapshot, { languages: { typescript: typescriptSupport() } });
    expect(paths(result)).toEqual(["src/a.ts", "src/broken.ts"]);
    expect(result.notices).toHaveLength(1);
    expect(result.notices[0]).toMatchObject({ file: "src/broken.ts", kind: "parse-error", line: 2 });
    expect(result.notices[0]!.column).toBeGreaterThan(0);
    expect(result.notices[0]!.message.length).toBeGreaterThan(0);
  });

  it("keys the cache on the parse dialect: the same bytes in .ts and .tsx extract each in their own way", () => {
    // A generic arrow in .ts; in .tsx `<T>` opens a JSX element and the file does not parse.
    const source = 'import "./dep";\nexport const id = <T>(x: T) => x;\n';
    const files = { "src/a.ts": source, "src/b.tsx": source, "src/dep.ts": "export {};\n" };
    for (const order of [
      ["src/a.ts", "src/b.tsx"],
      ["src/b.tsx", "src/a.ts"],
    ]) {
      const cache = new MapCache();
      // Warm the cache with one of the two first, then build the whole snapshot from it.
      buildGraph(snapshotOf({ [order[0]!]: source }), {
        languages: { typescript: typescriptSupport() },
        extractionCache: cache,
      });
      const result = buildGraph(snapshotOf(files), {
        languages: { typescript: typescriptSupport() },
        extractionCache: cache,
      });
      const notices = result.notices
        .filter((notice) => notice.kind === "parse-error")
        .map((notice) => notice.file);
      expect(notices).toEqual(["src/b.tsx"]);
      const a = result.graph.files.find((file) => file.path === "src/a.ts");
      expect(a?.imports.map((edge) => edge.target)).toEqual(["src/dep.ts"]);
    }
    const sha = gitBlobSha(new TextEncoder().encode(source));
    expect(extractionCacheKey("typescript", "ts-3", "src/a.ts", sha)).toBe(`typescript:ts-3:ts:${sha}`);
    expect(extractionCacheKey("typescript", "ts-3", "src/b.tsx", sha)).toBe(`typescript:ts-3:tsx:${sha}`);
    expect(extractionCacheKey("typescript", "ts-3", "types/x.d.ts", sha)).toBe(`typescript:ts-3:dts:${sha}`);
    expect(extractionCacheKey("javascript", "ts-3", "x.mjs", sha)).toBe(`javascript:ts-3:jsx-module:${sha}`);
    expect(extractionCacheKey("python", "py-1", "x.py", sha)).toBe(`python:py-1:${sha}`);
  });

  it("never extracts an unchanged blob twice: the cache is keyed by language, extractor version and blob SHA", () => {
    const cache = new MapCache();
    const first = counting(typescriptSupport());
    const files = { "a.ts": 'import "./b";\n', "b.ts": "export {};\n", "c.js": 'require("./a");\n' };
    buildGraph(snapshotOf(files), { languages: { typescript: first.support }, extractionCache: cache });
    expect(first.calls.sort()).toEqual(["a.ts", "b.ts", "c.js"]);
    const sha = gitBlobSha(new TextEncoder().encode(files["c.js"]));
    expect(cache.entries.has(extractionCacheKey("javascript", "test-1", "c.js", sha))).toBe(true);
    expect(cache.entries.has(`javascript:test-1:jsx:${sha}`)).toBe(true);

    const second = counting(typescriptSupport());
    const changed = { ...files, "b.ts": 'import "./a";\n' };
    const result = buildGraph(snapshotOf(changed), {
      languages: { typescript: second.support },
      extractionCache: cache,
    });
    expect(second.calls).toEqual(["b.ts"]);
    expect(result.stats).toMatchObject({ extracted: 1, cacheHits: 2 });
    expect(result.graph.files.find((file) => file.path === "b.ts")!.imports[0]!.target).toBe("a.ts");

    const bumped = counting(typescriptSupport({ extractorVersion: "test-2" }));
    buildGraph(snapshotOf(changed), { languages: { typescript: bumped.support }, extractionCache: cache });
    expect(bumped.calls).toHaveLength(3);
  });

  it("caches parse errors too, so a broken file is parsed once and still reported", () => {
    const cache = new MapCache();
    const tracker = counting(typescriptSupport());
    const snapshot = snapshotOf({ "x.ts": "let = ;" });
    buildGraph(snapshot, { languages: { typescript: tracker.support }, extractionCache: cache });
    const again = buildGraph(snapshot, {
      languages: { typescript: tracker.support },
      extractionCache: cache,
    });
    expect(tracker.calls).toEqual(["x.ts"]);
    expect(again.notices.map((notice) => notice.kind)).toEqual(["parse-error"]);
  });

  it("reports a file whose language has no support configured", () => {
    const result = buildGraph(snapshotOf({ "a.py": "import os\n", "b.ts": "" }), {
      languages: { typescript: typescriptSupport() },
    });
    expect(paths(result)).toEqual(["b.ts"]);
    expect(result.notices).toEqual([
      { file: "a.py", kind: "unsupported-language", message: "no python support is configured" },
    ]);
  });

  it("gives resolvers the whole snapshot, excluded and non-source files included, decoding lazily", () => {
    const reads: string[] = [];
    const seen: { paths: readonly string[]; config: string | undefined } = { paths: [], config: undefined };
    const support = typescriptSupport({
      createResolver: (project) => {
        seen.paths = project.paths;
        seen.config = project.read("tsconfig.json");
        reads.push(String(project.has("dist/x.js")), String(project.read("missing.json")));
        return (_from, raw) => [{ ...raw, target: null, external: null }];
      },
    });
    buildGraph(snapshotOf({ "tsconfig.json": '{"compilerOptions":{}}', "dist/x.js": "", "src/a.ts": "" }), {
      languages: { typescript: support },
    });
    expect(seen.paths).toEqual(["dist/x.js", "src/a.ts", "tsconfig.json"]);
    expect(seen.config).toBe('{"compilerOptions":{}}');
    expect(reads).toEqual(["true", "undefined"]);
  });

  it("gives the same result when files are resolved early, in any order (incrementalGraph)", () => {
    const snapshot = snapshotOf({
      "src/broken.ts": 'import "./a";\nconst x = (;\n',
      "src/a.ts": 'import "./missing";\nimport "./z";\n',
      "src/bin.ts": new Uint8Array([105, 109, 0, 1, 2, 3, 112]),
      "src/m.ts": 'import "./a";\nimport "x";\n',
      "src/z.ts": 'import "./m";\n',
      "vendor/v.ts": 'import "./w";\n',
    });
    const options = { exclude: ["vendor"], languages: { typescript: typescriptSupport() } };
    const whole = buildGraph(snapshot, options);
    const early = incrementalGraph(snapshot, options);
    for (const path of ["src/z.ts", "src/broken.ts", "vendor/v.ts", "nowhere.ts", "src/bin.ts", "src/z.ts"])
      early.add(path); // an excluded, an unknown and a repeated path change nothing
    const result = early.finish();
    expect(result.graph).toEqual(whole.graph);
    expect(result.notices).toEqual(whole.notices);
    expect(result.notices.map((notice) => notice.kind)).toEqual(["parse-error", "unresolved-imports"]);
    expect(result.unreadable).toEqual(whole.unreadable);
    expect(result.unreadable.map((file) => file.path)).toEqual(["src/bin.ts"]);
    expect(result.stats).toEqual(whole.stats);
    expect([...result.memo.files.keys()]).toEqual([...whole.memo.files.keys()]);
    expect(paths(result)).toEqual(["src/a.ts", "src/broken.ts", "src/m.ts", "src/z.ts"]);
  });

  it("survives a resolver that throws, with a notice", () => {
    const support = typescriptSupport({
      createResolver: () => () => {
        throw new Error("boom");
      },
    });
    const result = buildGraph(snapshotOf({ "a.ts": 'import "x";\n' }), {
      languages: { typescript: support },
    });
    expect(result.graph.files[0]!.imports).toEqual([
      { specifier: "x", line: 1, kind: "import", sideEffect: true, target: null, external: null },
    ]);
    expect(result.notices).toEqual([
      { file: "a.ts", line: 1, kind: "resolve-error", message: 'could not resolve "x": boom' },
      {
        file: null,
        kind: "unresolved-imports",
        message:
          '1 import in 1 file resolves to no file and no package (rules cannot judge them; an `unresolvable` rule reports them): a.ts:1 "x"',
      },
    ]);
  });
});
