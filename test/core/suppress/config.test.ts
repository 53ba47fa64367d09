import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchema } from "../../../src/core/config/schema.ts";
import {
  compileSuppressions,
  configSuppressions,
  mergeSuppressions,
} from "../../../src/core/suppress/index.ts";
import { finding, NOW, suppression } from "./fixtures.ts";

const load = (yaml: string) => configSuppressions(configSchema.parse(parse(yaml)), NOW);

describe("config suppressions", () => {
  it("turns the acc/bdv/dde suppressions lists into entries scoped to their stream", () => {
    const loaded = load(`
acc:
  rules:
    - { id: coupling, type: coupling, max: 10 }
  suppressions:
    - { id: s1, level: file, pattern: "/app/legacy/*.py", rule: coupling, threshold: 30, expires: "2026-12-31", justification: "legacy", adr: ADR-0023 }
bdv:
  suppressions:
    - { id: s2, level: rule, pattern: undefined-step, patternType: exact, permanent: true, justification: "wip features" }
`);
    expect(loaded.errors).toEqual([]);
    expect(loaded.warnings).toEqual([]);
    const [s1, s2] = loaded.suppressions;
    expect(s1).toMatchObject({
      id: "s1",
      stream: "acc",
      source: "config",
      pattern: "app/legacy/*.py",
      threshold: 30,
    });
    expect(s1?.expires?.toISOString()).toBe("2026-12-31T23:59:59.999Z");
    expect(s2).toMatchObject({ id: "s2", stream: "bdv", permanent: true, expires: null });
    const compiled = compileSuppressions(loaded.suppressions, { now: NOW });
    expect(compiled.match(finding({ id: "x", stream: "bdv", rule: "undefined-step", file: null }))?.id).toBe(
      "s2",
    );
    expect(
      compiled.match(finding({ id: "y", stream: "acc", rule: "undefined-step", file: null })),
    ).toBeNull();
  });

  it("rejects a duration in the config, a duplicate id across sections, and warns on an unknown rule", () => {
    const loaded = load(`
acc:
  suppressions:
    - { id: d, level: file, pattern: "a/**", expires: 30d, justification: "x" }
    - { id: same, level: file, pattern: "b/**", rule: nope, permanent: true, justification: "x" }
dde:
  suppressions:
    - { id: same, level: rule, pattern: "c", permanent: true, justification: "x" }
`);
    expect(loaded.errors.map((e) => e.message)).toEqual([
      'suppression "d": in the config, expires must be a date such as 2026-12-31 (a duration like "30d" would restart at every analysis)',
      'suppression "same" already exists in this repository',
    ]);
    expect(loaded.warnings.map((w) => w.message)).toEqual([
      'suppression "same": rule "nope" is not a configured rule id (known: none)',
    ]);
    expect(loaded.suppressions.map((s) => [s.id, s.stream])).toEqual([["same", "acc"]]);
  });

  it("merging: an id in both the config and the database → the config entry applies, with a warning", () => {
    const fromConfig = [suppression({ id: "shared", level: "file", pattern: "a/**", source: "config" })];
    const fromDb = [
      suppression({ id: "shared", level: "rule", pattern: "*", source: "command" }),
      suppression({ id: "db-only", level: "file", pattern: "b/**", source: "command" }),
    ];
    const merged = mergeSuppressions(fromConfig, fromDb);
    expect(merged.suppressions.map((s) => [s.id, s.source])).toEqual([
      ["shared", "config"],
      ["db-only", "command"],
    ]);
    expect(merged.warnings.map((w) => w.message)).toEqual([
      'suppression "shared" is defined in both the config and the database; the config entry applies',
    ]);
  });
});

describe("merging with the database's usage records of config entries", () => {
  it("a config-source row lends its usage to the config entry and never applies on its own", () => {
    const fromConfig = [suppression({ id: "c1", level: "file", pattern: "a/**", source: "config" })];
    const lastUsed = new Date("2026-05-30T00:00:00Z");
    const fromDb = [
      suppression({
        id: "c1",
        level: "file",
        pattern: "a/**",
        source: "config",
        useCount: 7,
        lastUsedAt: lastUsed,
      }),
      suppression({ id: "removed-from-config", level: "rule", pattern: "*", source: "config" }),
    ];
    const merged = mergeSuppressions(fromConfig, fromDb);
    expect(merged.warnings).toEqual([]);
    expect(merged.suppressions.map((s) => [s.id, s.useCount, s.lastUsedAt])).toEqual([["c1", 7, lastUsed]]);
  });
});
