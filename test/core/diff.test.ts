import { describe, expect, it } from "vitest";
import { diffFindings } from "../../src/core/diff.ts";
import type { Finding } from "../../src/core/findings.ts";

function finding(id: string, line = 1): Finding {
  return {
    id,
    stream: "acc",
    rule: "r",
    type: "must-not-call",
    severity: "error",
    file: "a.ts",
    line,
    target: "b.ts",
    message: id,
  };
}

describe("diffFindings", () => {
  it("without a base every finding is new and nothing is fixed", () => {
    const result = diffFindings([finding("x"), finding("y")], null);
    expect(result.findings.map((f) => f.status)).toEqual(["new", "new"]);
    expect(result.fixed).toEqual([]);
  });

  it("marks findings present at the base existing, gone ones fixed", () => {
    const result = diffFindings(
      [finding("keep", 10), finding("added")],
      [finding("keep", 3), finding("gone")],
    );
    expect(result.findings.map((f) => [f.id, f.status])).toEqual([
      ["keep", "existing"],
      ["added", "new"],
    ]);
    expect(result.fixed.map((f) => f.id)).toEqual(["gone"]);
    // The head finding keeps its own line: a moved import is the same finding, reported where it is now.
    expect(result.findings[0]?.line).toBe(10);
  });

  it("lists a fixed id once even when the base had it twice", () => {
    const result = diffFindings([], [finding("gone", 1), finding("gone", 2)]);
    expect(result.fixed).toHaveLength(1);
  });

  it("an empty base makes everything new, unlike no base only in name", () => {
    expect(diffFindings([finding("x")], []).findings[0]?.status).toBe("new");
  });

  it("does not fix what the head did not check: a skipped check, an unchecked file, a failed run", () => {
    const base = [finding("unused"), finding("elsewhere"), finding("gone")];
    const typed = (f: Finding, type: string, file: string | null) => ({ ...f, type, file });
    const baseFindings = [
      typed(base[0] as Finding, "unused-step-definition", "steps.ts"),
      typed(base[1] as Finding, "undefined-step", "broken.feature"),
      typed(base[2] as Finding, "undefined-step", "ok.feature"),
    ];
    const result = diffFindings([], baseFindings, {
      checks: new Set(["unused-step-definition"]),
      files: new Set(["broken.feature"]),
    });
    expect(result.fixed.map((f) => f.id)).toEqual(["gone"]);
    expect(result.unverified.map((f) => f.id)).toEqual(["unused", "elsewhere"]);
    expect(diffFindings([], baseFindings, { all: true }).fixed).toEqual([]);
  });
});
