import { describe, expect, it } from "vitest";
import {
  type ConfigError,
  formatConfigError,
  loadConfig,
  parseConfigValue,
} from "../../../src/core/config/load.ts";

function errorsOf(text: string): ConfigError[] {
  const result = loadConfig(text, ".github/maestro-hive.yml");
  if (result.ok) throw new Error("expected config errors, got a valid config");
  return [...result.errors];
}

/** The 1-based line and column of the first occurrence of `needle` in `text`. */
function positionOf(text: string, needle: string, occurrence = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) index = text.indexOf(needle, index + 1);
  if (index < 0) throw new Error(`"${needle}" not in text`);
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

const VALID = `acc:
  include: ["app/**"]
  exclude: ["**/*.test.ts"]
  components:
    presentation: ["app/routes/**", "app/api/**"]
    business: ["app/services/**"]
    data: ["app/repositories/**"]
  rules:
    - { id: layered, type: layers, layers: [presentation, business, data], severity: error }
    - { id: data-not-up, type: must-not-call, from: data, to: [presentation] }
    - { id: pres-calls, type: can-call, from: presentation, to: [business] }
    - { id: no-cycles, type: no-cycles, scope: file }
    - { id: coupling, type: coupling, from: business, metric: total, max: 10 }
    - { id: no-orm, type: must-not-call, from: business, to: ["package:typeorm"], severity: blocking }
`;

describe("loadConfig", () => {
  it("accepts the design's example and applies defaults", () => {
    const result = loadConfig(VALID);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const acc = result.config.acc!;
    expect(acc.rules.map((rule) => rule.id)).toEqual([
      "layered",
      "data-not-up",
      "pres-calls",
      "no-cycles",
      "coupling",
      "no-orm",
    ]);
    expect(acc.rules[1]!.severity).toBe("error");
    expect(acc.rules[5]!.severity).toBe("error"); // blocking is an alias of error
    expect(acc.defaultExcludes).toBe(true);
    expect(acc.suppressions).toEqual([]);
  });

  it("treats an empty file as all defaults", () => {
    const result = loadConfig("");
    expect(result.ok && result.config.acc).toBe(undefined);
    expect(result.ok && result.config.gate.streams).toEqual(["acc", "bdv", "dde"]);
  });

  it("reports a YAML syntax error with its line and column", () => {
    const text = "acc:\n  rules:\n    - { id: a, type: layers\n  components: {}\n";
    const [error, ...rest] = errorsOf(text);
    expect(rest.length).toBeGreaterThanOrEqual(0);
    expect(error!.message).toMatch(/^YAML syntax error: /);
    expect(error!.line).toBeGreaterThanOrEqual(3);
    expect(error!.column).toBeGreaterThanOrEqual(1);
  });

  it("reports a duplicate key as a YAML error at the duplicate", () => {
    const text = "acc:\n  components: {}\n  components: {}\n";
    const errors = errorsOf(text);
    expect(errors[0]!.message).toMatch(/unique/i);
    expect(errors[0]!.line).toBe(3);
  });

  it("points an unknown key at the key itself", () => {
    const text = "acc:\n  components: {}\n  rulez: []\n";
    expect(errorsOf(text)).toEqual([
      {
        file: ".github/maestro-hive.yml",
        ...positionOf(text, "rulez"),
        path: "acc.rulez",
        message: 'unknown key "rulez" in acc; did you mean "rules"?',
      },
    ]);
  });

  it("points an unknown key inside a rule at that key, with the keys that rule type allows", () => {
    const text =
      "acc:\n  components: { a: [x/**] }\n  rules:\n    - { id: r, type: no-cycles, scop: file, max: 3 }\n";
    const [scop, max] = errorsOf(text);
    expect(scop).toMatchObject({
      ...positionOf(text, "scop:"),
      path: "acc.rules[0].scop",
      message: 'unknown key "scop" in acc.rules[0]; did you mean "scope"?',
    });
    expect(max).toMatchObject({
      ...positionOf(text, "max:"),
      message:
        'unknown key "max" in acc.rules[0] (allowed: id, severity, description, type, scope, kinds, ignoreKinds, exempt, unmatchedExemptions, viaOnly, via, report, from)',
    });
  });

  it("suggests the component a misspelt name was meant to be", () => {
    const text =
      "acc:\n  components: { business: [b/**], data: [d/**] }\n  rules:\n    - { id: r, type: layers, layers: [buisness, data] }\n";
    expect(errorsOf(text)[0]!.message).toBe(
      'rule "r" names unknown component "buisness"; did you mean "business"?',
    );
  });

  it("reports an unknown rule type at the type value", () => {
    const text = "acc:\n  rules:\n    - id: r1\n      type: may-call\n";
    const [error] = errorsOf(text);
    expect(error).toMatchObject({ ...positionOf(text, "may-call"), path: "acc.rules[0].type" });
    expect(error!.message).toBe(
      'unknown rule type "may-call" (expected one of layers, can-call, must-not-call, no-cycles, coupling, forbidden, independence, protected, allowed, required, acyclic-siblings, unresolvable, orphans, dependencies, unreachable); did you mean "can-call"?',
    );
  });

  it("suggests the rule type a misspelt type was meant to be", () => {
    const [error] = errorsOf("acc:\n  rules:\n    - { id: r, type: must-not-cal, from: a, to: [b] }\n");
    expect(error!.message).toBe(
      'unknown rule type "must-not-cal" (expected one of layers, can-call, must-not-call, no-cycles, coupling, forbidden, independence, protected, allowed, required, acyclic-siblings, unresolvable, orphans, dependencies, unreachable); did you mean "must-not-call"?',
    );
  });

  it("reports a wrong type at the value", () => {
    const text = "acc:\n  rules:\n    - { id: c, type: coupling, max: ten }\n";
    const [error] = errorsOf(text);
    expect(error).toMatchObject({ ...positionOf(text, "ten"), path: "acc.rules[0].max" });
    expect(error!.message).toBe('acc.rules[0].max: expected a number, got string "ten"');
  });

  it("names YAML shapes in wrong-type errors", () => {
    const messages = (text: string) => errorsOf(text).map(formatConfigError);
    expect(messages("acc:\n  rules: layered\n")).toEqual([
      '.github/maestro-hive.yml:2:10: acc.rules: expected a list, got string "layered"',
    ]);
    expect(messages("acc:\n  components: [a, b]\n")).toEqual([
      ".github/maestro-hive.yml:2:15: acc.components: expected a mapping, got a list",
    ]);
    expect(messages("- 1\n")).toEqual([
      ".github/maestro-hive.yml:1:1: the config: expected a mapping, got a list",
    ]);
    expect(messages("acc:\n  components:\n    a: []\n")).toEqual([
      ".github/maestro-hive.yml:3:8: acc.components.a: a component needs at least one glob",
    ]);
    expect(messages("acc:\n  rules:\n    - { id: x, layers: [a, b] }\n")).toEqual([
      '.github/maestro-hive.yml:3:7: missing required field "type" in acc.rules[0] (one of layers, can-call, must-not-call, no-cycles, coupling, forbidden, independence, protected, allowed, required, acyclic-siblings, unresolvable, orphans, dependencies, unreachable)',
    ]);
  });

  it("reports an invalid enum value at the value", () => {
    const text = "acc:\n  rules:\n    - { id: c, type: coupling, max: 3, metric: fanout }\n";
    const [error] = errorsOf(text);
    expect(error).toMatchObject({ ...positionOf(text, "fanout"), path: "acc.rules[0].metric" });
    expect(error!.message).toContain('"fanout" is not one of "fan-in", "fan-out", "total"');
  });

  it("ACC-131: a rule with a missing field is an error naming the field, on the rule's line", () => {
    const text =
      "acc:\n  components: { a: [a/**] }\n  rules:\n    - id: r2\n      type: must-not-call\n      to: [a]\n";
    const [error, ...more] = errorsOf(text);
    expect(more).toEqual([]);
    expect(error).toMatchObject({ ...positionOf(text, "id: r2"), path: "acc.rules[0].from" });
    expect(error!.message).toBe('missing required field "from" in acc.rules[0]');
  });

  it("ACC-130: a rule naming an undefined component is a config error (the original reported 0 violations)", () => {
    const text =
      "acc:\n  components:\n    business: [app/services/**]\n  rules:\n    - { id: r, type: can-call, from: business, to: [dataaccess] }\n";
    const [error, ...more] = errorsOf(text);
    expect(more).toEqual([]);
    expect(error).toMatchObject({ ...positionOf(text, "dataaccess"), path: "acc.rules[0].to[0]" });
    expect(error!.message).toBe('rule "r" names unknown component "dataaccess" (known: business)');
  });

  it("reports an invalid component glob at the glob", () => {
    const text = 'acc:\n  components:\n    data: ["app/data/[ab"]\n';
    const [error] = errorsOf(text);
    expect(error).toMatchObject({ ...positionOf(text, '"app/data/[ab"'), path: "acc.components.data[0]" });
    expect(error!.message).toBe('glob "app/data/[ab" has an unclosed "["');
  });

  it("reports an invalid suppression regex at the pattern", () => {
    const text =
      'acc:\n  suppressions:\n    - id: s1\n      level: file\n      patternType: regex\n      pattern: "app/(x"\n      justification: legacy\n      permanent: true\n';
    const [error] = errorsOf(text);
    expect(error).toMatchObject({ ...positionOf(text, '"app/(x"'), path: "acc.suppressions[0].pattern" });
    expect(error!.message).toMatch(/^regex "app\/\(x" does not compile: /);
  });

  it("reports duplicate rule ids, a layer listed twice and misplaced packages", () => {
    const text = `acc:
  components: { a: [a/**], b: [b/**] }
  rules:
    - { id: r, type: layers, layers: [a, b, a] }
    - { id: r, type: must-not-call, from: "package:x", to: ["package:lodash"] }
    - { id: l, type: layers, layers: [a, "package:y"] }
`;
    const errors = errorsOf(text);
    const misplaced =
      "is a package; packages are allowed only in the `to` list of must-not-call and can-call rules";
    expect(
      errors.map((error) => ({ line: error.line, column: error.column, message: error.message })),
    ).toEqual([
      { ...positionOf(text, "a] }"), message: 'rule "r" lists component "a" twice' },
      { ...positionOf(text, "r, type: must"), message: 'duplicate rule id "r" (also rule #1)' },
      { ...positionOf(text, '"package:x"'), message: `rule "r": "package:x" ${misplaced}` },
      { ...positionOf(text, '"package:y"'), message: `rule "l": "package:y" ${misplaced}` },
    ]);
  });

  it("returns every error at once: schema errors and semantic errors of the rules that parsed", () => {
    const text = `acc:
  components:
    presentation: ["app/routes/**"]
  rules:
    - { id: r1, type: layers, layers: [presentation, business] }
    - { id: r1, type: nope }
    - { id: c, type: coupling, max: "3", bogus: 1 }
  suppressions:
    - { id: s, level: file, pattern: "x/**", justification: j, rule: zz }
bdv:
  features: ["/abs/*.feature"]
weird: 1
`;
    const errors = errorsOf(text);
    const at = (needle: string, path: string) => {
      const { line, column } = positionOf(text, needle);
      return `${line}:${column} ${path}`;
    };
    expect(errors.map((error) => `${error.line}:${error.column} ${error.path}`)).toEqual([
      at("business]", "acc.rules[0].layers[1]"),
      at("r1, type: nope", "acc.rules[1].id"),
      at("nope", "acc.rules[1].type"),
      at('"3"', "acc.rules[2].max"),
      at("bogus", "acc.rules[2].bogus"),
      at("{ id: s", "acc.suppressions[0]"),
      at("zz", "acc.suppressions[0].rule"),
      at('"/abs', "bdv.features[0]"),
      at("weird", "weird"),
    ]);
    expect(errors[1]!.message).toBe('duplicate rule id "r1" (also rule #1)');
    expect(errors[5]!.message).toBe('suppression "s" needs `expires` (a date) or `permanent: true`');
    expect(errors[6]!.message).toBe('suppression "s" names unknown rule "zz" (known: c, r1)');
  });

  it("validates dde globs and suppression dates", () => {
    const text = `dde:
  expect: [{ when: "api/{a,b", changed: "features/**" }]
  suppressions:
    - { id: s, level: rule, pattern: x, justification: j, expires: "next week" }
`;
    const errors = errorsOf(text);
    expect(errors.map((error) => [error.path, error.message])).toEqual([
      ["dde.expect[0].when", 'glob "api/{a,b" has an unclosed "{"'],
      [
        "dde.suppressions[0].expires",
        'suppression "s": expires must be a date such as 2026-12-31 or an ISO timestamp',
      ],
    ]);
  });

  it("follows YAML anchors when locating errors", () => {
    const text =
      'acc:\n  components:\n    a: &globs ["a/**"]\n    b: *globs\n  rules:\n    - { id: r, type: layers, layers: [a, c] }\n';
    const [error] = errorsOf(text);
    expect(error).toMatchObject({
      ...positionOf(text, "c]"),
      message: 'rule "r" names unknown component "c" (known: a, b)',
    });
  });

  it("accepts Probot's _extends key", () => {
    expect(loadConfig("_extends: .github\nacc: {}\n").ok).toBe(true);
  });

  it("validates an already parsed value without positions", () => {
    const result = parseConfigValue(
      { acc: { rules: [{ id: "x", type: "layers", layers: ["a", "b"] }] } },
      "org",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(formatConfigError)).toEqual([
      'org: rule "x" names unknown component "a" (none are defined)',
      'org: rule "x" names unknown component "b" (none are defined)',
    ]);
  });

  it("formats errors as file:line:column", () => {
    const [error] = errorsOf("acc:\n  bogus: 1\n");
    expect(formatConfigError(error!)).toBe(
      '.github/maestro-hive.yml:2:3: unknown key "bogus" in acc (allowed: include, exclude, defaultExcludes, adopt, components, rules, suppressions)',
    );
  });
});
