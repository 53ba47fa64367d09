import { Minimatch } from "minimatch";
import { describe, expect, it } from "vitest";
import { globToRegExp } from "../../../src/core/suppress/glob-regex.ts";
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

describe("globToRegExp matches exactly what minimatch (dot: true) matches", () => {
  for (const pattern of PATTERNS) {
    it(pattern, () => {
      const regex = globToRegExp(pattern);
      expect(regex, "translated").not.toBeNull();
      const glob = new Minimatch(pattern, GLOB_OPTIONS);
      const expected = PATHS.filter((path) => glob.match(path));
      expect(PATHS.filter((path) => regex!.test(path))).toEqual(expected);
    });
  }

  it("leaves extglobs and POSIX classes to minimatch", () => {
    expect(globToRegExp("src/+(a|b)/*")).toBeNull();
    expect(globToRegExp("src/[[:alpha:]]*")).toBeNull();
    expect(globToRegExp("src/!(x)")).toBeNull();
  });
});
