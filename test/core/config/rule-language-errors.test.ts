import { describe, expect, it } from "vitest";
import { type ConfigError, formatConfigError, loadConfig } from "../../../src/core/config/load.ts";

function errorsOf(text: string): string[] {
  const result = loadConfig(text, ".github/maestro-hive.yml");
  if (result.ok) throw new Error("expected config errors, got a valid config");
  return result.errors.map((error: ConfigError) => formatConfigError(error));
}

const HEAD = `acc:
  components: { ui: ["app/ui/**"], db: ["app/db/**"] }
  rules:
`;

describe("config errors of the rule language name file, line and column", () => {
  it("an unknown component, an invalid glob, regex or module expression in a selector", () => {
    const text = `${HEAD}    - id: f
      type: forbidden
      from: [ui, uix]
      to: ["glob:app/[db", "regex:app/(x", "module:app..db"]
`;
    expect(errorsOf(text)).toEqual([
      '.github/maestro-hive.yml:6:18: rule "f": unknown component "uix"; did you mean "ui"? (other selectors start with glob:, module:, regex:, package:, unresolved:)',
      '.github/maestro-hive.yml:7:12: rule "f": glob "app/[db" has an unclosed "["',
      '.github/maestro-hive.yml:7:28: rule "f": regex "app/(x" does not compile: Unterminated group',
      '.github/maestro-hive.yml:7:44: rule "f": module expression "app..db" is not valid: write dotted names, with * for one name and ** for one or more',
    ]);
  });

  it("a regex that needs backtracking is refused (selectors run on the linear-time engine)", () => {
    const [error] = errorsOf(`${HEAD}    - { id: f, type: forbidden, from: "regex:^(?=app)", to: db }\n`);
    expect(error).toMatch(
      /^\.github\/maestro-hive\.yml:4:39: rule "f": regex "\^\(\?=app\)" cannot be used: /,
    );
  });

  it("an unknown key in a selector mapping, a layer entry and an exemption", () => {
    const text = `${HEAD}    - id: l
      type: layers
      layers: [ui, { layr: db }]
    - id: f
      type: forbidden
      from: { glob: "app/**", nott: db }
      to: db
      exempt: [{ from: ui, to: db, because: legacy }]
`;
    const errors = errorsOf(text);
    expect(errors).toContainEqual(
      ".github/maestro-hive.yml:6:20: acc.rules[0].layers[1]: a layer is a component (or selector) string, { layer, optional }, { independent: [two or more] } or { siblings: [two or more] }",
    );
    expect(errors).toContainEqual(
      '.github/maestro-hive.yml:9:31: unknown key "nott" in acc.rules[1].from; did you mean "not"?',
    );
    expect(errors).toContainEqual(
      '.github/maestro-hive.yml:11:36: unknown key "because" in acc.rules[1].exempt[0] (allowed: from, to, specifier, reason)',
    );
  });

  it("option combinations: exhaustive without containers, via on component cycles, a selector of the wrong kind", () => {
    const text = `${HEAD}    - { id: l, type: layers, layers: [ui, db], exhaustive: true }
    - { id: c, type: no-cycles, scope: component, via: ui }
    - { id: i, type: independence, modules: ["package:react", ui] }
`;
    expect(errorsOf(text)).toEqual([
      '.github/maestro-hive.yml:4:60: rule "l": exhaustive needs containers (as in import-linter)',
      '.github/maestro-hive.yml:5:56: rule "c": via needs scope: file',
      '.github/maestro-hive.yml:6:45: rule "i": this selector cannot select packages here',
    ]);
  });

  it("a layer listed twice and a package as a layer keep their messages", () => {
    const text = `${HEAD}    - { id: l, type: layers, layers: [ui, db, ui, "package:x"] }\n`;
    expect(errorsOf(text)).toEqual([
      '.github/maestro-hive.yml:4:47: rule "l" lists component "ui" twice',
      '.github/maestro-hive.yml:4:51: rule "l": "package:x" is a package; packages are allowed only in the `to` list of must-not-call and can-call rules',
    ]);
  });
});
