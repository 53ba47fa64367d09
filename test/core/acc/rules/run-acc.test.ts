import { describe, expect, it } from "vitest";
import { runAcc } from "../../../../src/core/acc/index.ts";
import { findingId } from "../../../../src/core/findings.ts";
import { snapshotOf } from "../helpers.ts";
import { accConfig, brief } from "./harness.ts";

/** Real parts end to end: the TS extractor (oxc) and resolver on an in-memory snapshot. */
const CONFIG = accConfig(`acc:
  exclude: ["*.test.ts"]
  components:
    presentation: ["app/routes/**", "app/api/**"]
    business: ["app/services/**"]
    data: ["app/repositories/**"]
  rules:
    - { id: layered, type: layers, layers: [presentation, business, data] }
    - { id: data-not-up, type: must-not-call, from: data, to: [presentation] }
    - { id: pres-calls, type: can-call, from: presentation, to: [business] }
    - { id: no-cycles, type: no-cycles, scope: file }
    - { id: coupling, type: coupling, from: business, metric: total, max: 2 }
    - { id: no-orm, type: must-not-call, from: business, to: ["package:typeorm"] }
`);

const PROJECT = {
  "package.json": '{ "name": "shop", "type": "module" }',
  "app/routes/users.ts": [
    'import { listUsers } from "../services/users.ts";',
    'import type { UserRow } from "../repositories/users.ts";',
    "// import { nope } from '../repositories/orders.ts';",
    "const text = \"import x from '../repositories/orders.ts'\";",
    "export const route = () => listUsers();",
  ].join("\n"),
  "app/services/users.ts": [
    'import { findUsers } from "../repositories/users.ts";',
    'import { Repository } from "typeorm";',
    'import { helper } from "./helper.ts";',
    "export const listUsers = () => findUsers();",
  ].join("\n"),
  "app/services/helper.ts": "export const helper = 1;\n",
  "app/repositories/users.ts": [
    "export type UserRow = { id: string };",
    'import { route } from "../routes/users.ts";',
    "export const findUsers = () => [route];",
  ].join("\n"),
  "app/routes/users.test.ts": 'import { route } from "./users.ts";\n',
  "builder_utils/tool.ts": 'import "../app/routes/users.ts";\n',
  "build/out.js": 'require("../app/routes/users.ts");\n',
};

describe("runAcc on a real TypeScript project", () => {
  const DEFAULT_EXCLUDED = {
    file: null,
    kind: "default-excludes",
    message:
      "default excludes left out 1 file in 1 folder: build/ (1) (acc.defaultExcludes: false analyses them)",
  };

  it("builds the graph with the real parser and resolver and reports exactly the expected findings", () => {
    const result = runAcc(snapshotOf(PROJECT), CONFIG);
    expect(result.graph.files.map((file) => file.path)).toEqual([
      "app/repositories/users.ts",
      "app/routes/users.ts",
      "app/services/helper.ts",
      "app/services/users.ts",
      "builder_utils/tool.ts",
    ]);
    expect(brief(result.findings)).toEqual([
      { rule: "layered", file: "app/repositories/users.ts", line: 2, target: "app/routes/users.ts" },
      { rule: "data-not-up", file: "app/repositories/users.ts", line: 2, target: "app/routes/users.ts" },
      { rule: "pres-calls", file: "app/routes/users.ts", line: 2, target: "app/repositories/users.ts" },
      { rule: "no-cycles", file: "app/repositories/users.ts", line: 2, target: "app/routes/users.ts" },
      { rule: "coupling", file: "app/services/users.ts", line: null, target: null },
      { rule: "no-orm", file: "app/services/users.ts", line: 2, target: "typeorm" },
    ]);
    const cycle = result.findings.find((finding) => finding.rule === "no-cycles")!;
    expect(cycle.id).toBe(
      findingId([
        "no-cycles",
        "no-cycles",
        "app/repositories/users.ts",
        "app/routes/users.ts",
        "app/services/users.ts",
      ]),
    );
    expect(cycle.message).toBe(
      "import cycle: app/repositories/users.ts → app/routes/users.ts → app/repositories/users.ts (3 files are in this cycle group)",
    );
    expect(result.findings.find((finding) => finding.rule === "coupling")!.value).toBe(3);
    // The build output folder is left out, and said so.
    expect(result.notices).toEqual([DEFAULT_EXCLUDED]);
    expect(result.stats).toMatchObject({ files: 5, mappedFiles: 4, findings: 6 });
    expect(result.metrics.components.map(({ name, ca, ce }) => ({ name, ca, ce }))).toEqual([
      { name: "presentation", ca: 1, ce: 2 },
      { name: "business", ca: 1, ce: 1 },
      { name: "data", ca: 2, ce: 1 },
    ]);
  });

  it("keeps finding ids when lines move, and reports the change when an import goes away", () => {
    const before = runAcc(snapshotOf(PROJECT), CONFIG).findings.map((finding) => finding.id);
    const shifted = {
      ...PROJECT,
      "app/repositories/users.ts": `\n\n\n${PROJECT["app/repositories/users.ts"]}`,
    };
    const after = runAcc(snapshotOf(shifted), CONFIG).findings;
    expect(after.map((finding) => finding.id)).toEqual(before);
    expect(after[0]!.line).toBe(5);
    const fixed = { ...PROJECT, "app/repositories/users.ts": "export const findUsers = () => [];\n" };
    expect(runAcc(snapshotOf(fixed), CONFIG).findings.map((finding) => finding.rule)).toEqual([
      "pres-calls",
      "coupling",
      "no-orm",
    ]);
  });

  it("warns about a component that matches no analysed file", () => {
    const config = accConfig(`acc:
  components:
    presentation: ["app/routes/**"]
    views: ["app/views"]
  rules:
    - { id: r, type: must-not-call, from: views, to: [presentation] }
`);
    expect(runAcc(snapshotOf(PROJECT), config).notices).toEqual([
      DEFAULT_EXCLUDED,
      {
        file: null,
        kind: "component-empty",
        message: 'component "views" matches no analysed file (globs: app/views); rules naming it cannot fire',
      },
    ]);
  });

  it("reports a file that does not parse as a notice and still analyses the rest", () => {
    const broken = { ...PROJECT, "app/services/helper.ts": "export const = ;\n" };
    const result = runAcc(snapshotOf(broken), CONFIG);
    expect(result.notices).toEqual([
      DEFAULT_EXCLUDED,
      expect.objectContaining({ file: "app/services/helper.ts", kind: "parse-error", line: 1 }),
    ]);
    expect(result.findings).toHaveLength(6);
  });
});
