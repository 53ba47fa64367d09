import { describe, expect, it } from "vitest";
import { computeMetrics } from "../../../../src/core/acc/metrics.ts";
import { findingId } from "../../../../src/core/findings.ts";
import { accConfig, brief, contextOf, findingsOf, graphOf } from "./harness.ts";

const rule = (body: string) => `acc:
  components: { svc: ["svc/**"], web: ["web/**"], db: ["db/**"] }
  rules:
    - ${body}
`;

describe("coupling rule", () => {
  // svc/a.ts: Ca 1 (web/w.ts), Ce 1 (db/d.ts) → total 2.
  const graph = graphOf({
    "web/w.ts": ["svc/a.ts@1"],
    "svc/a.ts": ["db/d.ts@1", "db/d.ts@2", "type:db/d.ts@3", "pkg:lodash@4"],
    "db/d.ts": [],
  });

  it("threshold 2 with Ca+Ce = 2 is no violation (max itself is allowed)", () => {
    expect(findingsOf(rule("{ id: c, type: coupling, from: svc, metric: total, max: 2 }"), graph)).toEqual(
      [],
    );
  });

  it("Ca+Ce = 3 over max 2 is a violation carrying the measured value", () => {
    const bigger = graphOf({
      "web/w.ts": ["svc/a.ts@1"],
      "web/v.ts": ["svc/a.ts@1"],
      "svc/a.ts": ["db/d.ts@1"],
      "db/d.ts": [],
    });
    const findings = findingsOf(
      rule("{ id: c, type: coupling, from: svc, metric: total, max: 2, severity: warning }"),
      bigger,
    );
    expect(findings).toEqual([
      {
        id: findingId(["c", "coupling", "svc/a.ts", null]),
        stream: "acc",
        rule: "c",
        type: "coupling",
        severity: "warning",
        file: "svc/a.ts",
        line: null,
        target: null,
        value: 3,
        message: "svc/a.ts has coupling (Ca+Ce) 3, more than the maximum 2 (Ca 2, Ce 1)",
      },
    ]);
  });

  it("counts distinct internal files, not import statements or packages", () => {
    expect(
      findingsOf(rule("{ id: c, type: coupling, from: svc, metric: fan-out, max: 0 }"), graph)[0]!.value,
    ).toBe(1);
  });

  it("measures fan-in and fan-out separately, on every file when `from` is absent", () => {
    expect(brief(findingsOf(rule("{ id: in, type: coupling, metric: fan-in, max: 0 }"), graph))).toEqual([
      { rule: "in", file: "db/d.ts", line: null, target: null },
      { rule: "in", file: "svc/a.ts", line: null, target: null },
    ]);
    expect(brief(findingsOf(rule("{ id: out, type: coupling, metric: fan-out, max: 0 }"), graph))).toEqual([
      { rule: "out", file: "svc/a.ts", line: null, target: null },
      { rule: "out", file: "web/w.ts", line: null, target: null },
    ]);
  });

  it("with scope component counts the other components a component depends on and is depended on by", () => {
    const findings = findingsOf(
      rule("{ id: cc, type: coupling, scope: component, metric: total, max: 1 }"),
      graph,
    );
    expect(findings).toEqual([
      expect.objectContaining({
        id: findingId(["cc", "coupling", null, "svc"]),
        file: null,
        target: "svc",
        value: 2,
        message: 'component "svc" has coupling (Ca+Ce) 2, more than the maximum 1 (Ca 1, Ce 1)',
      }),
    ]);
  });
});

describe("metrics", () => {
  it("computes Ca, Ce and instability for files and components", () => {
    const config = accConfig(rule("{ id: x, type: no-cycles }"));
    const graph = graphOf({
      "web/w.ts": ["svc/a.ts", "lib/u.ts"],
      "svc/a.ts": ["db/d.ts", "svc/b.ts"],
      "svc/b.ts": ["db/d.ts"],
      "db/d.ts": [],
      "lib/u.ts": [],
    });
    const metrics = computeMetrics(contextOf(config, graph));
    expect(metrics.files).toEqual([
      { path: "db/d.ts", component: "db", ca: 2, ce: 0, total: 2, instability: 0 },
      { path: "lib/u.ts", component: null, ca: 1, ce: 0, total: 1, instability: 0 },
      { path: "svc/a.ts", component: "svc", ca: 1, ce: 2, total: 3, instability: 2 / 3 },
      { path: "svc/b.ts", component: "svc", ca: 1, ce: 1, total: 2, instability: 0.5 },
      { path: "web/w.ts", component: "web", ca: 0, ce: 2, total: 2, instability: 1 },
    ]);
    expect(metrics.components).toEqual([
      { name: "svc", files: 2, ca: 1, ce: 1, total: 2, instability: 0.5 },
      { name: "web", files: 1, ca: 0, ce: 1, total: 1, instability: 1 },
      { name: "db", files: 1, ca: 1, ce: 0, total: 1, instability: 0 },
    ]);
  });
});
