import { describe, expect, it } from "vitest";
import { findingId } from "../../../../src/core/findings.ts";
import { brief, findingsOf, graphOf, THREE_TIER } from "./harness.ts";

describe("can-call rule", () => {
  it("ACC-106: presentation may call business; a presentation → data import is one violation", () => {
    const yaml = `${THREE_TIER}  rules:
    - { id: pres-calls, type: can-call, from: presentation, to: [business] }
`;
    const graph = graphOf({
      "app/routes/a.ts": [
        "app/services/s.ts@1",
        "app/repositories/r.ts@2",
        "app/routes/b.ts@3",
        "lib/u.ts@4",
      ],
      "app/routes/b.ts": [],
      "app/services/s.ts": ["app/repositories/r.ts@1"],
      "app/repositories/r.ts": [],
      "lib/u.ts": [],
    });
    const findings = findingsOf(yaml, graph);
    expect(brief(findings)).toEqual([
      { rule: "pres-calls", file: "app/routes/a.ts", line: 2, target: "app/repositories/r.ts" },
    ]);
    expect(findings[0]!.id).toBe(
      findingId(["pres-calls", "can-call", "app/routes/a.ts", "app/repositories/r.ts"]),
    );
    expect(findings[0]!.message).toBe(
      'app/routes/a.ts (presentation) imports app/repositories/r.ts (data): "presentation" may call only business',
    );
    expect(findings[0]!.severity).toBe("error");
  });

  it("accepts several targets, and an empty list allows only the own component", () => {
    const yaml = `acc:
  components: { a: ["a/**"], b: ["b/**"], c: ["c/**"] }
  rules:
    - { id: multi, type: can-call, from: a, to: [b, c] }
    - { id: alone, type: can-call, from: b, to: [] }
`;
    const graph = graphOf({
      "a/x.ts": ["b/y.ts", "c/z.ts"],
      "b/y.ts": ["c/z.ts", "b/w.ts"],
      "b/w.ts": [],
      "c/z.ts": [],
    });
    const findings = findingsOf(yaml, graph);
    expect(brief(findings)).toEqual([{ rule: "alone", file: "b/y.ts", line: 1, target: "c/z.ts" }]);
    expect(findings[0]!.message).toContain('"b" may call no other component');
  });

  it("leaves packages alone unless the rule lists one; then it is an allow-list of packages too", () => {
    const graph = graphOf({
      "app/services/s.ts": [
        "pkg:lodash/fp@1",
        "pkg:zod@2",
        "pkg:zod@5",
        "pkg:node:fs@3",
        "pkg:@org/kit/deep@4",
      ],
    });
    const open = `${THREE_TIER}  rules:\n    - { id: open, type: can-call, from: business, to: [data] }\n`;
    expect(findingsOf(open, graph)).toEqual([]);
    const listed = `${THREE_TIER}  rules:\n    - { id: pk, type: can-call, from: business, to: [data, "package:lodash", "package:@org/kit"] }\n`;
    const findings = findingsOf(listed, graph);
    expect(brief(findings)).toEqual([
      { rule: "pk", file: "app/services/s.ts", line: 2, target: "zod" },
      { rule: "pk", file: "app/services/s.ts", line: 3, target: "node:fs" },
    ]);
    expect(findings[0]!.message).toBe(
      'app/services/s.ts (business) imports package "zod": "business" may call only the packages lodash, @org/kit',
    );
  });
});

describe("must-not-call rule", () => {
  const yaml = `${THREE_TIER}  rules:
    - { id: pres-not-data, type: must-not-call, from: presentation, to: [data] }
    - { id: no-orm, type: must-not-call, from: business, to: ["package:typeorm", "package:os"], severity: warning }
`;

  it("ACC-108: a presentation → business edge is not a violation of presentation must-not-call data", () => {
    const graph = graphOf({ "app/routes/a.ts": ["app/services/s.ts"], "app/services/s.ts": [] });
    expect(findingsOf(yaml, graph)).toEqual([]);
  });

  it("flags imports of the listed component", () => {
    const graph = graphOf({
      "app/api/h.ts": ["app/repositories/r.ts@7", "app/repositories/r.ts@9", "app/repositories/q.ts@8"],
      "app/repositories/r.ts": [],
      "app/repositories/q.ts": [],
    });
    const findings = findingsOf(yaml, graph);
    expect(brief(findings)).toEqual([
      { rule: "pres-not-data", file: "app/api/h.ts", line: 7, target: "app/repositories/r.ts" },
      { rule: "pres-not-data", file: "app/api/h.ts", line: 8, target: "app/repositories/q.ts" },
    ]);
    expect(findings[0]!.message).toBe(
      'app/api/h.ts (presentation) imports app/repositories/r.ts (data): "presentation" must not call "data"',
    );
  });

  it("matches a package exactly or by deep import, never by prefix of another name; Python submodules too", () => {
    const graph = graphOf({
      "app/services/a.ts": ["pkg:typeorm/repository@3", "pkg:typeorm@5", "pkg:typeorm-extra@1"],
      "app/services/b.ts": ["pkg:typeorm-extra@1", "pkg:osx@2"],
      "app/services/c.py": ["pkg:os.path@4"],
    });
    const findings = findingsOf(yaml, graph);
    expect(brief(findings)).toEqual([
      { rule: "no-orm", file: "app/services/a.ts", line: 3, target: "typeorm" },
      { rule: "no-orm", file: "app/services/c.py", line: 4, target: "os" },
    ]);
    expect(findings[0]).toMatchObject({
      id: findingId(["no-orm", "must-not-call", "app/services/a.ts", "typeorm"]),
      severity: "warning",
      message:
        'app/services/a.ts (business) imports package "typeorm/repository": "business" must not call package:typeorm',
    });
  });
});
