import { describe, expect, it } from "vitest";
import type { ReportedFinding } from "../../src/core/findings.ts";
import {
  decideGate,
  type GateVerdict,
  isBlocking,
  matrixVerdict,
  type StreamGateInput,
} from "../../src/core/gate.ts";

function finding(overrides: Partial<ReportedFinding> = {}): ReportedFinding {
  return {
    id: "abcdef012345",
    stream: "acc",
    rule: "layered",
    type: "layers",
    severity: "error",
    file: "src/a.ts",
    line: 3,
    target: "src/b.ts",
    message: "a imports b",
    status: "new",
    suppressed: false,
    suppressionId: null,
    ...overrides,
  };
}

const PASS: StreamGateInput = { configured: true, ran: true, findings: [] };
const FAIL: StreamGateInput = { configured: true, ran: true, findings: [finding()] };
const NOT_CONFIGURED: StreamGateInput = { configured: false, ran: false, findings: [finding()] };
const BROKEN: StreamGateInput = {
  configured: true,
  ran: false,
  error: "spec api/users.yaml does not parse",
  findings: [],
};
const SHA = "a".repeat(40);

function gate(acc: StreamGateInput, bdv: StreamGateInput, dde: StreamGateInput) {
  return decideGate({ streams: { acc, bdv, dde }, headSha: SHA });
}

describe("the verdict matrix", () => {
  const table: [boolean, boolean, boolean, GateVerdict][] = [
    [false, false, false, "ALL_PASS"],
    [true, false, false, "ARCHITECTURAL_EROSION"],
    [false, true, false, "DESIGN_GAP"],
    [false, false, true, "PROCESS_ISSUE"],
    [true, true, true, "SYSTEMIC_FAILURE"],
    [true, true, false, "MIXED_FAILURE"],
    [true, false, true, "MIXED_FAILURE"],
    [false, true, true, "MIXED_FAILURE"],
  ];
  it.each(table)("acc fails %s, bdv fails %s, dde fails %s → %s", (acc, bdv, dde, verdict) => {
    expect(matrixVerdict(acc, bdv, dde)).toBe(verdict);
    const result = gate(acc ? FAIL : PASS, bdv ? FAIL : PASS, dde ? FAIL : PASS);
    expect(result.verdict).toBe(verdict);
    expect(result.passed).toBe(verdict === "ALL_PASS");
  });

  it("shows the matrix row for the summary", () => {
    expect(gate(FAIL, PASS, NOT_CONFIGURED).row).toBe(
      "ACC fail · BDV pass · DDE n/a → ARCHITECTURAL_EROSION",
    );
  });
});

describe("what fails a stream", () => {
  it("only an unsuppressed new finding of severity error", () => {
    expect(isBlocking(finding())).toBe(true);
    expect(isBlocking(finding({ status: "existing" }))).toBe(false);
    expect(isBlocking(finding({ suppressed: true, suppressionId: "s1" }))).toBe(false);
    expect(isBlocking(finding({ severity: "warning" }))).toBe(false);
    expect(isBlocking(finding({ severity: "info" }))).toBe(false);
  });

  it("warnings never fail the gate and never produce a 'warn but deploy' verdict", () => {
    const result = gate({ ...PASS, findings: [finding({ severity: "warning" })] }, PASS, PASS);
    expect(result.verdict).toBe("ALL_PASS");
    expect(result.passed).toBe(true);
  });

  it("counts blocking findings in the outcome", () => {
    const result = gate(
      { ...PASS, findings: [finding(), finding({ id: "x" }), finding({ status: "existing" })] },
      PASS,
      PASS,
    );
    expect(result.streams.acc).toEqual({
      state: "fail",
      reason: "2 new unsuppressed error findings",
      blocking: 2,
    });
  });
});

describe("streams that are not configured or could not run", () => {
  it("a stream that is not configured reads as pass and its findings are ignored", () => {
    const result = gate(NOT_CONFIGURED, NOT_CONFIGURED, PASS);
    expect(result.verdict).toBe("ALL_PASS");
    expect(result.streams.acc.state).toBe("not-configured");
    expect(result.passed).toBe(true);
  });

  it("a configured stream that could not run fails (fail-closed), with its error as the reason", () => {
    const result = gate(PASS, BROKEN, PASS);
    expect(result.verdict).toBe("DESIGN_GAP");
    expect(result.passed).toBe(false);
    expect(result.streams.bdv.reason).toBe("could not run: spec api/users.yaml does not parse");
  });

  it("no stream can be dropped to raise the verdict: three broken streams are a systemic failure", () => {
    expect(gate(BROKEN, BROKEN, BROKEN).verdict).toBe("SYSTEMIC_FAILURE");
  });
});

describe("overrides", () => {
  const override = { actor: "octocat", reason: "hotfix for the outage", headSha: SHA };

  it("an override bound to the head SHA passes a failing verdict, keeping the verdict", () => {
    const result = decideGate({ streams: { acc: FAIL, bdv: FAIL, dde: FAIL }, headSha: SHA, override });
    expect(result.verdict).toBe("SYSTEMIC_FAILURE");
    expect(result.passed).toBe(true);
    expect(result.override).toEqual(override);
    expect(result.overrideRejected).toBeNull();
  });

  it("an override for another commit (a new push) does not apply", () => {
    const result = decideGate({
      streams: { acc: FAIL, bdv: PASS, dde: PASS },
      headSha: "b".repeat(40),
      override,
    });
    expect(result.passed).toBe(false);
    expect(result.override).toBeNull();
    expect(result.overrideRejected).toBe("the override was given for aaaaaaa, not for the head bbbbbbb");
  });

  it("an override without a reason or on a working tree does not apply", () => {
    const noReason = decideGate({
      streams: { acc: FAIL, bdv: PASS, dde: PASS },
      headSha: SHA,
      override: { ...override, reason: "  " },
    });
    expect(noReason.passed).toBe(false);
    const workingTree = decideGate({ streams: { acc: FAIL, bdv: PASS, dde: PASS }, headSha: null, override });
    expect(workingTree.passed).toBe(false);
    expect(workingTree.overrideRejected).toMatch(/working tree/);
  });

  it("an override on a passing gate is not recorded as used", () => {
    const result = decideGate({ streams: { acc: PASS, bdv: PASS, dde: PASS }, headSha: SHA, override });
    expect(result.passed).toBe(true);
    expect(result.override).toBeNull();
  });
});
