/**
 * The adoption framework: adopters plug in through the Adopter interface; their drafts get
 * `<prefix>:<name>` ids, are parsed and validated like config rules, and what fails becomes a
 * notice naming the contract. The adopter here is a small one written for the test: it reads
 * a JSON file of drafts from the policy files, the way a real adopter reads its peer's config.
 */
import { describe, expect, it } from "vitest";
import {
  type Adopter,
  adoptedRuleId,
  adoptPeerRules,
  policyFilesFrom,
  withAdoptedRules,
} from "../../../../src/core/acc/adopt/index.ts";
import { loadConfig } from "../../../../src/core/config/load.ts";
import type { MaestroConfig } from "../../../../src/core/config/schema.ts";

const draftsFromJson: Adopter = {
  tool: "json-peer",
  prefix: "depcruise",
  async adopt(files) {
    const text = await files.read("peer.json");
    if (text === null) return { rules: [], notices: [] };
    const drafts = JSON.parse(text) as { name: string; rule: Record<string, unknown> }[];
    return {
      rules: drafts.map((draft, i) => ({
        name: draft.name,
        file: "peer.json",
        line: i + 1,
        rule: draft.rule,
      })),
      notices: [
        { file: "peer.json", kind: "adopt-unsupported", message: "json-peer: option x is not expressible" },
      ],
    };
  },
};

function config(yaml: string): MaestroConfig {
  const loaded = loadConfig(yaml, ".github/maestro-hive.yml");
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

const FORBID_DB = { type: "forbidden", from: "glob:src/ui/**", to: "glob:src/db/**" };

describe("adoption framework", () => {
  it("gives drafts token-like ids with the peer's prefix, a suffix on a clash", async () => {
    const files = policyFilesFrom({
      "peer.json": JSON.stringify([
        { name: "UI may not use the DB", rule: FORBID_DB },
        { name: "UI may not use the DB", rule: { ...FORBID_DB, severity: "warning" } },
      ]),
    });
    const adopted = await adoptPeerRules(files, [draftsFromJson]);
    expect(adopted.rules.map((rule) => [rule.id, rule.severity])).toEqual([
      ["depcruise:UI-may-not-use-the-DB", "error"],
      ["depcruise:UI-may-not-use-the-DB-2", "warning"],
    ]);
    expect(adopted.notices.map((notice) => notice.kind)).toEqual(["adopt-unsupported", "adopted-rules"]);
    expect(adopted.notices[1]?.message).toContain(
      "enforcing 2 json-peer rules from peer.json (acc.adopt: auto; false turns this off)",
    );
    expect(adoptedRuleId("importlinter", "  (my) contract: layers ")).toBe("importlinter:my-contract-layers");
  });

  it("turns a draft the schema or the semantic checks refuse into a notice naming it", async () => {
    const files = policyFilesFrom({
      "peer.json": JSON.stringify([
        { name: "bad-type", rule: { type: "no-such-type" } },
        { name: "bad-module", rule: { type: "forbidden", from: "module:a..b", to: "module:c" } },
        { name: "good", rule: FORBID_DB },
      ]),
    });
    const adopted = await adoptPeerRules(files, [draftsFromJson]);
    expect(adopted.rules.map((rule) => rule.id)).toEqual(["depcruise:good"]);
    const invalid = adopted.notices.filter((notice) => notice.kind === "adopt-invalid");
    expect(invalid.map((notice) => [notice.file, notice.line])).toEqual([
      ["peer.json", 1],
      ["peer.json", 2],
    ]);
    expect(invalid[0]?.message).toMatch(/^json-peer "bad-type" is not enforced: /);
    expect(invalid[1]?.message).toContain('module expression "a..b" is not valid');
  });

  it("an adopter that throws loses only its own rules, with a notice", async () => {
    const broken: Adopter = {
      tool: "broken-peer",
      prefix: "importlinter",
      adopt: () => Promise.reject(new Error("cannot read")),
    };
    const files = policyFilesFrom({ "peer.json": JSON.stringify([{ name: "ok", rule: FORBID_DB }]) });
    const adopted = await adoptPeerRules(files, [broken, draftsFromJson]);
    expect(adopted.rules.map((rule) => rule.id)).toEqual(["depcruise:ok"]);
    expect(adopted.notices[0]).toMatchObject({
      kind: "adopt-invalid",
      message: "broken-peer contracts were not adopted: cannot read",
    });
  });

  it("appends adopted rules to the config's own, and leaves them out with adopt: false", async () => {
    const files = policyFilesFrom({ "peer.json": JSON.stringify([{ name: "ok", rule: FORBID_DB }]) });
    const on = config("acc:\n  rules:\n    - { id: mine, type: no-cycles }\n").acc!;
    const adopted = await withAdoptedRules(on, files, [draftsFromJson]);
    expect(adopted.config.rules.map((rule) => rule.id)).toEqual(["mine", "depcruise:ok"]);
    const off = config("acc:\n  adopt: false\n").acc!;
    const none = await withAdoptedRules(off, files, [draftsFromJson]);
    expect(none.config.rules).toEqual([]);
    expect(none.notices).toEqual([]);
  });

  it("accepts suppressions of adopted rules, which only exist once the peer configs are read", () => {
    const loaded = loadConfig(
      `acc:
  suppressions:
    - { id: s1, level: rule, pattern: "**", rule: "importlinter:layers", permanent: true, justification: legacy }
    - { id: s2, level: rule, pattern: "**", rule: "nope", permanent: true, justification: typo }
`,
      ".github/maestro-hive.yml",
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map((error) => error.message)).toEqual([
      'suppression "s2" names unknown rule "nope" (none are defined)',
    ]);
  });

  it("users cannot write adopted ids themselves", () => {
    const loaded = loadConfig(
      'acc:\n  rules:\n    - { id: "importlinter:x", type: no-cycles }\n',
      ".github/maestro-hive.yml",
    );
    expect(loaded.ok).toBe(false);
  });
});
