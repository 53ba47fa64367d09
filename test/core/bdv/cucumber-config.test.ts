import { describe, expect, it } from "vitest";
import { readCucumberConfig } from "../../../src/core/bdv/suites/cucumber-config.ts";

function read(files: Record<string, string>) {
  return readCucumberConfig((path) => files[path]);
}

describe("cucumber-js configuration, read statically", () => {
  it("takes the first config file cucumber-js would load and its default profile only", () => {
    expect(
      read({
        "cucumber.json":
          '{"default": {"paths": ["specs"], "require": ["support/**/*.ts"]}, "ci": {"paths": ["x"]}}',
        "cucumber.yaml": "default:\n  paths: [other]\n",
      }),
    ).toEqual({
      file: "cucumber.json",
      paths: ["specs/**/*.feature"],
      support: ["support/**/*.ts"],
      problem: null,
    });
  });

  it("reads CommonJS profiles, argv strings, import globs and line suffixes", () => {
    expect(
      read({
        "cucumber.js": `const common = { require: ["steps/**/*.js"] };
module.exports = {
  default: { ...common, import: ["esm/steps"], paths: ["features/a.feature:12"] },
  ci: "--require other",
};`,
      }),
    ).toMatchObject({
      paths: ["features/a.feature"],
      support: ["steps/**/*.js", "esm/steps/**/*.{js,cjs,mjs}"],
      problem: null,
    });
    expect(
      read({
        "cucumber.cjs":
          'module.exports = { default: "--require-module ts-node/register -r steps/**/*.ts specs/" };',
      }),
    ).toMatchObject({ paths: ["specs/**/*.feature"], support: ["steps/**/*.ts"] });
  });

  it("reads ESM `export default` (the default profile itself), a named constant and defineConfig()", () => {
    expect(
      read({
        "cucumber.mjs": `import { defineConfig } from "@cucumber/cucumber";
const config = defineConfig({ paths: ["bdd/**/*.feature"], import: ["bdd/steps/**/*.js"] });
export default config;`,
      }),
    ).toMatchObject({ paths: ["bdd/**/*.feature"], support: ["bdd/steps/**/*.js"] });
  });

  it("says so when the profile is computed, and ignores a file without a default profile", () => {
    expect(read({ "cucumber.js": "module.exports = process.env.CI ? a : b;" })).toMatchObject({
      paths: null,
      problem: "the exported value is computed",
    });
    expect(read({ "cucumber.yml": "ci:\n  paths: [x]\n" })).toEqual({
      file: "cucumber.yml",
      paths: null,
      support: null,
      problem: null,
    });
    expect(read({ "cucumber.json": "{ not json" })?.problem).toMatch(/JSON/);
    expect(read({})).toBeNull();
  });
});
