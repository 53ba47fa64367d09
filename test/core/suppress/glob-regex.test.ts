import { Minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { compileSafeRegex } from "../../../src/core/regex/index.ts";
import { globToRegexSource } from "../../../src/core/suppress/glob-regex.ts";
import { GLOB_OPTIONS } from "../../../src/core/suppress/pattern.ts";

const PATTERNS = [
  "*",
  "**",
  "*.ts",
  "**/*.ts",
  "src/*",
  "src/**",
  "src/**/*",
  "src/**/test/**",
  "src/*/index.ts",
  "src/**/index.ts",
  "**/legacy/**",
  "**/b",
  "a/**/**/b",
  "src/a*.ts",
  "src/*a*",
  "src/f?.ts",
  "src/f??.py",
  "src/[ab]*.ts",
  "src/[a-c]/**",
  "src/[!a]*.ts",
  "src/[^a]*.ts",
  "src/*.{ts,js}",
  "{src,lib}/**",
  "src/{a,b/c}/*.ts",
  "src/f{1..3}.ts",
  "src/\\*.ts",
  "src/a.b/*",
  "src/a+b(c)/*",
  "src/$x^/*",
  ".github/**",
  "**/.hidden/*",
  "src/**.ts",
  "src/a-b/*",
];

const PATHS = [
  "a",
  "a.ts",
  ".env",
  "src",
  "src/a.ts",
  "src/b.ts",
  "src/c.ts",
  "src/f1.ts",
  "src/f12.py",
  "src/index.ts",
  "src/x/index.ts",
  "src/x/y/index.ts",
  "src/a/b.ts",
  "src/b/c/d.ts",
  "src/test/x",
  "src/a/test/y/z.ts",
  "src/legacy/a.py",
  "lib/legacy/x/y.ts",
  "legacy/a",
  "a/b",
  "a/x/b",
  "a/x/y/b",
  "src/*.ts",
  "src/a.b/c",
  "src/axb/c",
  "src/a+b(c)/d",
  "src/$x^/y",
  ".github/workflows/ci.yml",
  "x/.hidden/y",
  "src/.dot.ts",
  "src/a-b/c",
  "lib/x.js",
  "src/a.js",
];

describe("globToRegexSource matches exactly what minimatch (dot: true) matches", () => {
  for (const pattern of PATTERNS) {
    it(pattern, () => {
      const source = globToRegexSource(pattern);
      expect(source, "translated").not.toBeNull();
      const regex = compileSafeRegex(source!);
      const glob = new Minimatch(pattern, GLOB_OPTIONS);
      const expected = PATHS.filter((path) => glob.match(path));
      expect(PATHS.filter((path) => regex.testWhole(path))).toEqual(expected);
      expect(PATHS.filter((path) => new RegExp(`^(?:${source})$`).test(path))).toEqual(expected);
    });
  }

  it("leaves extglobs and POSIX classes to minimatch", () => {
    expect(globToRegexSource("src/+(a|b)/*")).toBeNull();
    expect(globToRegexSource("src/[[:alpha:]]*")).toBeNull();
    expect(globToRegexSource("src/!(x)")).toBeNull();
  });

  it("runs on the linear-time engine: twelve stars against a long name answer at once", () => {
    // V8 backtracks on this translation for longer than any test timeout (C(n, 12) paths).
    const regex = compileSafeRegex(globToRegexSource(`${"*a".repeat(12)}*b`)!);
    expect(regex.testWhole("a".repeat(5_000))).toBe(false);
    expect(regex.testWhole(`${"a".repeat(5_000)}b`)).toBe(true);
  });
});
