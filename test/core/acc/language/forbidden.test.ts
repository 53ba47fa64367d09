import { describe, expect, it } from "vitest";
import { findingId } from "../../../../src/core/findings.ts";
import { pairs, runOn } from "../rules/harness.ts";

/** A small TS monorepo: packages/{pkg}/src with internals, an app using them. */
const MONOREPO = {
  "package.json": '{ "name": "mono", "workspaces": ["packages/*"] }',
  "packages/billing/package.json": '{ "name": "@mono/billing", "main": "src/index.ts" }',
  "packages/billing/src/index.ts": 'export { charge } from "./internal/charge.ts";\n',
  "packages/billing/src/internal/charge.ts":
    'import { audit } from "../../../audit/src/internal/log.ts";\nexport const charge = () => audit();\n',
  "packages/audit/package.json": '{ "name": "@mono/audit", "main": "src/index.ts" }',
  "packages/audit/src/index.ts": 'export * from "./internal/log.ts";\n',
  "packages/audit/src/internal/log.ts": "export const audit = () => 1;\n",
  "app/ui/page.ts": [
    'import { charge } from "../services/pay.ts";',
    'import type { Row } from "../db/rows.ts";',
    'import "../db/polyfill.ts";',
    "export const page = () => charge();",
  ].join("\n"),
  "app/services/pay.ts": 'import { save } from "../db/store.ts";\nexport const charge = () => save();\n',
  "app/db/store.ts": 'import { Pool } from "pg";\nexport const save = () => new Pool();\n',
  "app/db/rows.ts": "export type Row = { id: string };\n",
  "app/db/polyfill.ts": "globalThis.x = 1;\n",
};

describe("forbidden rule", () => {
  it("reports direct imports and the shortest chain of an indirect one, with the same id as a direct import would have", () => {
    const result = runOn(
      MONOREPO,
      `acc:
  rules:
    - id: ui-no-db
      type: forbidden
      from: "glob:app/ui/**"
      to: "glob:app/db/**"
`,
    );
    expect(pairs(result.findings)).toEqual([
      { file: "app/ui/page.ts", line: 1, target: "app/db/store.ts", via: ["app/services/pay.ts"] },
      { file: "app/ui/page.ts", line: 2, target: "app/db/rows.ts" },
      { file: "app/ui/page.ts", line: 3, target: "app/db/polyfill.ts" },
    ]);
    const indirect = result.findings[0]!;
    expect(indirect.id).toBe(findingId(["ui-no-db", "forbidden", "app/ui/page.ts", "app/db/store.ts"]));
    expect(indirect.chain).toEqual([
      { file: "app/ui/page.ts", line: 1, target: "app/services/pay.ts" },
      { file: "app/services/pay.ts", line: 1, target: "app/db/store.ts" },
    ]);
  });

  it("ignores what its import kinds leave out and direct-only rules ignore chains", () => {
    const result = runOn(
      MONOREPO,
      `acc:
  rules:
    - { id: runtime, type: forbidden, from: "glob:app/ui/**", to: "glob:app/db/**", ignoreKinds: [type-only, side-effect] }
    - { id: direct, type: forbidden, from: "glob:app/ui/**", to: "glob:app/db/**", indirect: false, kinds: [side-effect] }
`,
    );
    expect(pairs(result.findings, "runtime")).toEqual([
      { file: "app/ui/page.ts", line: 1, target: "app/db/store.ts", via: ["app/services/pay.ts"] },
    ]);
    expect(pairs(result.findings, "direct")).toEqual([
      { file: "app/ui/page.ts", line: 3, target: "app/db/polyfill.ts" },
    ]);
  });

  it("follows chains to a forbidden package, and exemptions remove imports from the chains", () => {
    const yaml = (exempt: string) => `acc:
  rules:
    - id: ui-no-pg
      type: forbidden
      from: "glob:app/ui/**"
      to: "package:pg"
      exempt: ${exempt}
      unmatchedExemptions: warning
`;
    const chained = runOn(MONOREPO, yaml("[]"));
    expect(pairs(chained.findings)).toEqual([
      { file: "app/ui/page.ts", line: 1, target: "pg", via: ["app/services/pay.ts", "app/db/store.ts"] },
    ]);
    expect(chained.findings[0]!.chain!.at(-1)).toEqual({ file: "app/db/store.ts", line: 1, target: "pg" });
    const exempted = runOn(
      MONOREPO,
      yaml(
        '[{ from: "glob:app/services/**", to: "glob:app/db/store.ts" }, { from: "glob:app/ui/**", to: "glob:nowhere/**" }]',
      ),
    );
    // The first exemption cuts the chain; the second matches no import: a warning finding with no file.
    expect(exempted.findings.map(({ file, severity, message }) => ({ file, severity, message }))).toEqual([
      {
        file: null,
        severity: "warning",
        message: 'rule "ui-no-pg": exemption #2 (glob:app/ui/** -> glob:nowhere/**) matches no import',
      },
    ]);
  });

  it("keeps every package out of the others' internals with a capture ({pkg}) and with a dependency-cruiser regex ($1)", () => {
    const result = runOn(
      MONOREPO,
      `acc:
  rules:
    - id: glob-captures
      type: forbidden
      indirect: false
      from: "glob:packages/{pkg}/**"
      to: { glob: "packages/*/src/internal/**", not: "glob:packages/{pkg}/**" }
    - id: regex-groups
      type: forbidden
      indirect: false
      from: "regex:^packages/([^/]+)/"
      to: { regex: "^packages/[^/]+/src/internal/", not: "regex:^packages/$1/" }
`,
    );
    const expected = [
      {
        file: "packages/billing/src/internal/charge.ts",
        line: 1,
        target: "packages/audit/src/internal/log.ts",
      },
    ];
    expect(pairs(result.findings, "glob-captures")).toEqual(expected);
    expect(pairs(result.findings, "regex-groups")).toEqual(expected);
  });

  it("reports imports that resolve to nothing when `to` selects unresolved imports", () => {
    const result = runOn(
      { "src/a.ts": 'import x from "./missing.ts";\nimport y from "left-pad";\n' },
      `acc:
  rules:
    - { id: no-unresolved, type: forbidden, from: "glob:src/**", to: "unresolved:*" }
`,
    );
    expect(pairs(result.findings)).toEqual([{ file: "src/a.ts", line: 1, target: "./missing.ts" }]);
    const exempted = runOn(
      { "src/a.ts": 'import x from "./missing.ts";\n' },
      `acc:
  rules:
    - id: no-unresolved
      type: forbidden
      from: "glob:src/**"
      to: "unresolved:*"
      exempt: [{ from: "glob:src/a.ts", to: "unresolved:./missing*" }]
      unmatchedExemptions: error
`,
    );
    expect(exempted.findings).toEqual([]);
  });
});
