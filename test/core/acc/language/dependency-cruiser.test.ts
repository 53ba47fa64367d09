import { describe, expect, it } from "vitest";
import { findingId } from "../../../../src/core/findings.ts";
import { pairs, runOn } from "../rules/harness.ts";

/** A small TS app in the shape dependency-cruiser users write rules for. */
const APP = {
  "package.json": JSON.stringify({
    name: "app",
    dependencies: { react: "^19", lodash: "^4" },
    devDependencies: { vitest: "^3", lodash: "^4" },
  }),
  "src/index.ts": 'import { a } from "./a.ts";\nimport React from "react";\nexport default a;\n',
  "src/a.ts": 'import { b } from "./b.ts";\nimport { fp } from "lodash/fp";\nexport const a = b;\n',
  "src/b.ts":
    'import type { A } from "./a.ts";\nimport { expect } from "vitest";\nimport chalk from "chalk";\nexport const b = 1;\n',
  "src/c.ts": 'import { d } from "./d.ts";\nexport const c = d;\n',
  "src/d.ts": 'import { c } from "./c.ts";\nimport { gone } from "./gone.ts";\nexport const d = c;\n',
  "src/lonely.ts": "export const alone = 1;\n",
  "src/controllers/user-controller.ts":
    'import { Base } from "../framework/base-controller.ts";\nexport class User extends Base {}\n',
  "src/controllers/order-controller.ts": "export class Order {}\n",
  "src/framework/base-controller.ts": "export class Base {}\n",
  "test/a.test.ts": 'import { a } from "../src/a.ts";\nimport { it } from "vitest";\n',
};

describe("dependency-cruiser rules as rules", () => {
  it("no-cycles: run-time cycles only (type-only imports left out), and one finding per import that closes a cycle", () => {
    const result = runOn(
      APP,
      `acc:
  rules:
    - { id: all-cycles, type: no-cycles }
    - { id: runtime-cycles, type: no-cycles, ignoreKinds: [type-only] }
    - { id: per-import, type: no-cycles, report: import, from: "regex:^src/c" }
`,
    );
    const groups = result.findings.filter((finding) => finding.rule === "all-cycles");
    expect(groups.map((finding) => finding.members)).toEqual([
      ["src/a.ts", "src/b.ts"],
      ["src/c.ts", "src/d.ts"],
    ]);
    // The id of a cycle group is unchanged by the new options: the sorted members.
    expect(groups[0]!.id).toBe(findingId(["all-cycles", "no-cycles", "src/a.ts", "src/b.ts"]));
    expect(result.findings.filter((f) => f.rule === "runtime-cycles").map((f) => f.members)).toEqual([
      ["src/c.ts", "src/d.ts"],
    ]);
    const perImport = result.findings.filter((finding) => finding.rule === "per-import");
    expect(pairs(perImport)).toEqual([{ file: "src/c.ts", line: 1, target: "src/d.ts", via: ["src/d.ts"] }]);
    expect(perImport[0]!.message).toBe("import closes a cycle: src/c.ts → src/d.ts → src/c.ts");
  });

  it("viaOnly keeps only cycles whose files all match; via keeps groups with a matching file", () => {
    const result = runOn(
      APP,
      `acc:
  rules:
    - { id: only-cd, type: no-cycles, viaOnly: { regex: "^src/[cd]" } }
    - { id: via-b, type: no-cycles, via: "glob:src/b.ts" }
`,
    );
    expect(result.findings.map(({ rule, members }) => ({ rule, members }))).toEqual([
      { rule: "only-cd", members: ["src/c.ts", "src/d.ts"] },
      { rule: "via-b", members: ["src/a.ts", "src/b.ts"] },
    ]);
  });

  it("unresolvable, orphans and dead code (unreachable)", () => {
    const result = runOn(
      APP,
      `acc:
  rules:
    - { id: not-to-unresolvable, type: unresolvable }
    - { id: no-orphans, type: orphans, files: { glob: "src/**", not: "glob:src/controllers/**" } }
    - { id: dead-code, type: unreachable, from: "glob:src/index.ts", to: { glob: "src/**", not: "glob:src/controllers/**" } }
`,
    );
    expect(pairs(result.findings, "not-to-unresolvable")).toEqual([
      { file: "src/d.ts", line: 2, target: "./gone.ts" },
    ]);
    expect(pairs(result.findings, "no-orphans")).toEqual([
      { file: "src/lonely.ts", line: null, target: null },
    ]);
    expect(pairs(result.findings, "dead-code").map((finding) => finding.file)).toEqual([
      "src/c.ts",
      "src/d.ts",
      "src/framework/base-controller.ts",
      "src/lonely.ts",
    ]);
  });

  it("npm dependency types: production code importing a devDependency or an undeclared package", () => {
    const result = runOn(
      APP,
      `acc:
  rules:
    - { id: prod-deps, type: dependencies, from: "glob:src/**", forbid: [dev, undeclared] }
    - { id: dupes, type: forbidden, indirect: false, from: "glob:**", to: { package: "*", declared: [duplicate] } }
    - { id: not-to-dev, type: forbidden, indirect: false, from: "glob:src/**", to: { package: "*", declared: [dev], not: { package: "*", declared: [production] } } }
`,
    );
    expect(pairs(result.findings, "prod-deps")).toEqual([
      { file: "src/b.ts", line: 2, target: "vitest" },
      { file: "src/b.ts", line: 3, target: "chalk" },
    ]);
    expect(result.findings.find((f) => f.rule === "prod-deps")!.message).toBe(
      'src/b.ts imports package "vitest", which is declared only as a development dependency (package.json)',
    );
    expect(pairs(result.findings, "dupes")).toEqual([{ file: "src/a.ts", line: 2, target: "lodash" }]);
    expect(pairs(result.findings, "not-to-dev")).toEqual([{ file: "src/b.ts", line: 2, target: "vitest" }]);
  });

  it("required: every controller must import the base controller", () => {
    const result = runOn(
      APP,
      `acc:
  rules:
    - id: controllers-use-base
      type: required
      module: { regex: "-controller[.]ts$", not: "regex:base-controller" }
      to: "regex:^src/framework/base-controller[.]ts$"
`,
    );
    expect(pairs(result.findings)).toEqual([
      {
        file: "src/controllers/order-controller.ts",
        line: null,
        target: "regex:^src/framework/base-controller[.]ts$",
      },
    ]);
  });

  it("allowed: every import must match an allow entry (not-in-allowed)", () => {
    const result = runOn(
      APP,
      `acc:
  rules:
    - id: not-in-allowed
      type: allowed
      severity: warning
      from: "glob:src/**"
      allow:
        - { to: "glob:src/**" }
        - { to: "package:react" }
        - { from: "glob:src/b.ts", to: { package: "*", declared: [dev] } }
`,
    );
    expect(pairs(result.findings)).toEqual([
      { file: "src/a.ts", line: 2, target: "lodash" },
      { file: "src/b.ts", line: 3, target: "chalk" },
      { file: "src/d.ts", line: 2, target: "./gone.ts" },
    ]);
  });
});
