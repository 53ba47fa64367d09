import { describe, expect, it } from "vitest";
import { globProblem, regexProblem } from "../../../src/core/config/globs.ts";

describe("globProblem", () => {
  it("accepts ordinary globs", () => {
    for (const glob of [
      "src/**",
      "**/*.test.ts",
      "app/{routes,api}/**",
      "src/[a-z]*.py",
      "build",
      "+(a|b)/**",
    ]) {
      expect(globProblem(glob), glob).toBe(null);
    }
  });

  it("rejects globs that would silently match nothing", () => {
    expect(globProblem("src/[abc")).toBe('glob "src/[abc" has an unclosed "["');
    expect(globProblem("src/{a,b")).toBe('glob "src/{a,b" has an unclosed "{"');
    expect(globProblem("src/a}")).toBe('glob "src/a}" has a "}" without "{"');
    expect(globProblem("+(a|b")).toBe('glob "+(a|b" has an unclosed "("');
    expect(globProblem("src/[z-a].ts")).toBe('glob "src/[z-a].ts" has the reversed character range "z-a"');
    expect(globProblem("/src/**")).toMatch(/starts with "\/"/);
    expect(globProblem("./src/**")).toMatch(/starts with "\.\/"/);
    expect(globProblem("src/../x")).toMatch(/contains "\.\."/);
    expect(globProblem("src\\x")).toMatch(/separator/);
    expect(globProblem(" ")).toBe("a glob must not be empty");
  });
});

describe("regexProblem", () => {
  it("accepts a valid regex and explains an invalid one", () => {
    expect(regexProblem("^src/.*_test\\.py$")).toBe(null);
    expect(regexProblem("(a")).toMatch(/^regex "\(a" does not compile: .*Unterminated group/);
  });
});
