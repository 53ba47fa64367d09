import { describe, expect, it } from "vitest";
import { findingId } from "../../../../src/core/findings.ts";
import { brief, findingsOf, graphOf, THREE_TIER } from "./harness.ts";

const LAYERS = `${THREE_TIER}  rules:
    - { id: layered, type: layers, layers: [presentation, business, data], severity: warning }
`;

describe("layers rule", () => {
  const graph = graphOf({
    "app/routes/users.ts": ["app/services/users.ts@2", "app/repositories/users.ts@3", "app/api/x.ts@4"],
    "app/api/x.ts": ["app/routes/users.ts@1"],
    "app/services/users.ts": [
      "app/repositories/users.ts@1",
      "app/routes/users.ts@5",
      "app/services/util.ts@6",
    ],
    "app/services/util.ts": [],
    "app/repositories/users.ts": ["app/services/util.ts@7", "lib/helpers.ts@8", "app/api/x.ts@9"],
    "lib/helpers.ts": ["app/routes/users.ts@1"],
  });

  it("with indirect: false, allows own and lower layers, flags every import of a higher layer, ignores unmapped files", () => {
    const findings = findingsOf(
      LAYERS.replace("severity: warning", "severity: warning, indirect: false"),
      graph,
    );
    expect(brief(findings)).toEqual([
      { rule: "layered", file: "app/repositories/users.ts", line: 7, target: "app/services/util.ts" },
      { rule: "layered", file: "app/repositories/users.ts", line: 9, target: "app/api/x.ts" },
      { rule: "layered", file: "app/services/users.ts", line: 5, target: "app/routes/users.ts" },
    ]);
    expect(findings[1]).toEqual({
      id: findingId(["layered", "layers", "app/repositories/users.ts", "app/api/x.ts"]),
      stream: "acc",
      rule: "layered",
      type: "layers",
      severity: "warning",
      file: "app/repositories/users.ts",
      line: 9,
      target: "app/api/x.ts",
      message:
        'app/repositories/users.ts (data) imports app/api/x.ts (presentation): layer "data" may not depend on ' +
        'the higher layer "presentation" (presentation > business > data)',
    });
  });

  it("follows chains through unmapped files by default (import-linter), with the same id as a direct import", () => {
    const findings = findingsOf(LAYERS, graph);
    expect(brief(findings)).toEqual([
      { rule: "layered", file: "app/repositories/users.ts", line: 7, target: "app/services/util.ts" },
      { rule: "layered", file: "app/repositories/users.ts", line: 8, target: "app/routes/users.ts" },
      { rule: "layered", file: "app/repositories/users.ts", line: 9, target: "app/api/x.ts" },
      { rule: "layered", file: "app/services/users.ts", line: 5, target: "app/routes/users.ts" },
    ]);
    const indirect = findings[1]!;
    expect(indirect.id).toBe(
      findingId(["layered", "layers", "app/repositories/users.ts", "app/routes/users.ts"]),
    );
    expect(indirect.chain).toEqual([
      { file: "app/repositories/users.ts", line: 8, target: "lib/helpers.ts" },
      { file: "lib/helpers.ts", line: 1, target: "app/routes/users.ts" },
    ]);
    expect(indirect.message).toBe(
      "app/repositories/users.ts (data) imports app/routes/users.ts (presentation) indirectly (2 imports: " +
        "app/repositories/users.ts → lib/helpers.ts → app/routes/users.ts): " +
        'layer "data" may not depend on the higher layer "presentation" (presentation > business > data)',
    );
    // Direct violations carry no chain; a chain never passes through another layer's file.
    expect(findings[0]!.chain).toBeUndefined();
  });

  it("reports one finding per importing file and target, on the first import line, with a line-free id", () => {
    const twice = graphOf({
      "app/repositories/a.ts": ["app/routes/r.ts@12", "app/routes/r.ts@4", "type:app/routes/r.ts@20"],
      "app/routes/r.ts": [],
    });
    const moved = graphOf({ "app/repositories/a.ts": ["app/routes/r.ts@40"], "app/routes/r.ts": [] });
    const [first, ...rest] = findingsOf(LAYERS, twice);
    expect(rest).toEqual([]);
    expect(first!.line).toBe(4);
    expect(findingsOf(LAYERS, moved)[0]!.id).toBe(first!.id);
  });

  it("counts type-only imports as dependencies", () => {
    const typeOnly = graphOf({
      "app/repositories/a.ts": ["type:app/services/s.ts@1"],
      "app/services/s.ts": [],
    });
    expect(brief(findingsOf(LAYERS, typeOnly))).toEqual([
      { rule: "layered", file: "app/repositories/a.ts", line: 1, target: "app/services/s.ts" },
    ]);
  });

  it("does not constrain components that are not listed in the layers", () => {
    const yaml = `acc:
  components: { ui: ["ui/**"], core: ["core/**"], tools: ["tools/**"] }
  rules:
    - { id: l, type: layers, layers: [ui, core] }
`;
    const g = graphOf({
      "core/a.ts": ["tools/t.ts", "ui/v.ts"],
      "tools/t.ts": ["ui/v.ts"],
      "ui/v.ts": ["core/a.ts"],
    });
    expect(brief(findingsOf(yaml, g))).toEqual([
      { rule: "l", file: "core/a.ts", line: 2, target: "ui/v.ts" },
    ]);
  });
});
