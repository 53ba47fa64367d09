/**
 * Finding ids are stored (findings table, suppressions by id, the audit trail) and typed by users
 * into `/maestro suppress <id>`, so their formula must never change. These are literal values,
 * computed outside the code (Python's hashlib over the parts joined with NUL):
 *
 *   sha256("\0".join(part or "" for part in parts)).hexdigest()[:12]
 *
 * with parts [rule id, rule type, ...identity] for ACC and ["bdv" | "dde", check, ...] for the
 * others. A failure here means existing ids would change: fix the code, never the literals.
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/core/analyze.ts";
import { findingId } from "../../src/core/findings.ts";
import {
  BASE_FILES,
  CHECK_RUNS,
  HEAD_FILES,
  PARSE_ERROR_FILES,
  pinnedConfig,
} from "./finding-ids.fixture.ts";
import { snapshotOf } from "./snapshot-builder.ts";

describe("findingId", () => {
  it.each([
    [["a"], "ca978112ca1b"],
    [["a", "b"], "59b271ae1bbc"],
    [["layered", "layers", "src/a.ts", "src/b.ts"], "6cde9daf1faa"],
    [["x", null], "14f825b2bbc3"],
    [["x", undefined], "14f825b2bbc3"],
    [[null, "x"], "3c7e9bc930dc"],
  ] as const)("hashes %j to %s", (parts, expected) => {
    expect(findingId(parts)).toBe(expected);
  });

  it("keeps parts apart: moving the boundary between two parts changes the id", () => {
    expect(findingId(["ab", "c"])).not.toBe(findingId(["a", "bc"]));
    expect(findingId(["a/b", "c"])).not.toBe(findingId(["a", "b/c"]));
  });
});

async function findingsOf(head: Record<string, string>) {
  const result = await analyze({
    head: snapshotOf(head, "1".repeat(40)),
    base: snapshotOf(BASE_FILES, "2".repeat(40)),
    config: pinnedConfig(),
    now: new Date("2026-11-24T12:00:00Z"),
    checkRuns: CHECK_RUNS,
  });
  return (["acc", "bdv", "dde"] as const).flatMap((stream) =>
    result.streams[stream].findings.map((f) => [stream, f.type, f.rule, f.file, f.target, f.id]),
  );
}

describe("finding ids of every kind the engine produces", () => {
  it("are the pinned literals", async () => {
    const actual = await findingsOf(HEAD_FILES);
    const byKey = (a: unknown[], b: unknown[]) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1);
    expect(actual.sort(byKey)).toEqual(
      [
        // ACC: [rule id, type, importer, imported file | component | package]
        ["acc", "layers", "layered", "src/data/rows.ts", "src/ui/page.ts", "12e1ca757ef8"],
        ["acc", "layers", "layered", "src/domain/rule.ts", "src/ui/page.ts", "2117ff4db7d0"],
        ["acc", "can-call", "ui-calls", "src/ui/page.ts", "src/data/rows.ts", "4e7218e44d41"],
        ["acc", "can-call", "ui-packages", "src/ui/page.ts", "src/data/rows.ts", "81c00d25fccd"],
        ["acc", "can-call", "ui-packages", "src/ui/page.ts", "vue", "8d4744e23f92"],
        ["acc", "must-not-call", "data-not-up", "src/data/rows.ts", "src/ui/page.ts", "6555374449db"],
        ["acc", "must-not-call", "no-lodash", "src/domain/rule.ts", "lodash", "854ff6147b2f"],
        // cycles: [rule id, type, ...sorted members]
        ["acc", "no-cycles", "file-cycles", "src/billing/invoice.ts", "src/shipping/ship.ts", "0c4dfc7a5e89"],
        ["acc", "no-cycles", "file-cycles", "src/data/rows.ts", "src/ui/page.ts", "4eab60d0b5b5"],
        ["acc", "no-cycles", "component-cycles", "src/billing/invoice.ts", "shipping", "63272df69b50"],
        ["acc", "no-cycles", "component-cycles", "src/data/rows.ts", "ui", "7e1e890f66f9"],
        // coupling: [rule id, type, file or "", component or ""]
        ["acc", "coupling", "fan-out", "src/domain/rule.ts", null, "a4b4c1ac8b44"],
        ["acc", "coupling", "component-fan-in", null, "domain", "496139f4c15b"],
        // BDV: ["bdv", check, file or "", subject (never a line)]
        ["bdv", "invalid-contract", "invalid-contract", "api/broken.yaml", "api/broken.yaml", "6b6eae40671e"],
        ["bdv", "invalid-contract", "invalid-contract", null, "api/missing.yaml", "c167ee2adf55"],
        ["bdv", "breaking-change", "breaking-change", "api/users.yaml", "DELETE /users/{id}", "b7caf3eb3657"],
        [
          "bdv",
          "operation-not-covered",
          "operation-not-covered",
          "api/users.yaml",
          "POST /users",
          "5ae1d9840bc4",
        ],
        [
          "bdv",
          "invalid-step-pattern",
          "invalid-step-pattern",
          "features/steps.js",
          '"a {broken"',
          "01bd4b580fb5",
        ],
        ["bdv", "invalid-step-pattern", "invalid-step-pattern", "features/steps.js", "{bad}", "70cebead9dff"],
        // cucumber-js counts a definition as used only through an unambiguous match (its usage
        // formatter skips steps with several definitions), so both twins are unused
        [
          "bdv",
          "unused-step-definition",
          "unused-step-definition",
          "features/steps.js",
          "/^a tw.n$/",
          "1f5d4161e85e",
        ],
        [
          "bdv",
          "unused-step-definition",
          "unused-step-definition",
          "features/steps.js",
          '"a twin"',
          "e448b84daff8",
        ],
        [
          "bdv",
          "unused-step-definition",
          "unused-step-definition",
          "features/steps.js",
          '"nobody uses this"',
          "4b59ee86a31c",
        ],
        // the same subject twice in one file: the second gets "#2" as a fifth part
        [
          "bdv",
          "unused-step-definition",
          "unused-step-definition",
          "features/steps.js",
          '"nobody uses this"',
          "525f5eb6535f",
        ],
        [
          "bdv",
          "contract-version-mismatch",
          "contract-version-mismatch",
          "features/users.feature",
          "@contract:users:v2",
          "4863edcfe2ba",
        ],
        [
          "bdv",
          "undeclared-status",
          "undeclared-status",
          "features/users.feature",
          "GET /users 500",
          "5763c7ed8c02",
        ],
        [
          "bdv",
          "unknown-operation",
          "unknown-operation",
          "features/users.feature",
          "GET /userz",
          "09b2894ae858",
        ],
        ["bdv", "ambiguous-step", "ambiguous-step", "features/users.feature", "a twin", "e20e81aa8437"],
        [
          "bdv",
          "undefined-step",
          "undefined-step",
          "features/users.feature",
          "a step nobody defined",
          "c75620ea4b56",
        ],
        [
          "bdv",
          "duplicate-scenario-name",
          "duplicate-scenario-name",
          "features/users.feature",
          "twins",
          "232b21081543",
        ],
        [
          "bdv",
          "outline-without-examples",
          "outline-without-examples",
          "features/users.feature",
          "outline",
          "21ee0cb7dbdb",
        ],
        [
          "bdv",
          "scenario-without-steps",
          "scenario-without-steps",
          "features/users.feature",
          "nothing",
          "8af209cc0f88",
        ],
        ["bdv", "empty-feature", "empty-feature", "features/empty.feature", "Nothing here", "d93beb107de6"],
        // DDE: ["dde", check, rule id | check name]
        ["dde", "expect", "api-scenarios", "api/broken.yaml", "docs/api/**", "a0f6c4cb8d4a"],
        ["dde", "required-check", "required-check:ci/build", null, "ci/build", "35e7b490cc4d"],
      ].sort(byKey),
    );
  });

  it("pins the id of a Gherkin syntax error (subject: the parser's message)", async () => {
    const parseErrors = (await findingsOf(PARSE_ERROR_FILES)).filter((f) => f[1] === "gherkin-parse-error");
    expect(parseErrors).toEqual([
      ["bdv", "gherkin-parse-error", "gherkin-parse-error", "features/broken.feature", null, "7d25a75af438"],
    ]);
  });

  it("pins the id of an unreadable source file (ACC: [rule, type, path] with rule = type = unreadable-file)", async () => {
    const unreadable = (
      await findingsOf({
        ...HEAD_FILES,
        "src/deep.ts": `export const x = ${"[".repeat(600)}${"]".repeat(600)};\n`,
      })
    ).filter((f) => f[1] === "unreadable-file");
    expect(unreadable).toEqual([
      ["acc", "unreadable-file", "unreadable-file", "src/deep.ts", null, "a9fcf0cfc0d2"],
    ]);
  });
});
