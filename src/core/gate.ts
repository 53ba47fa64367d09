import type { ReportedFinding, StreamName } from "./findings.ts";

/**
 * The one gate policy (docs/design.md, "Gate verdict"). It replaces the original's three
 * contradictory ones: there is no weighted score (a missing stream could not raise the
 * verdict), no "warning" verdict that still allows a deploy, and no override that is not
 * an audited record bound to the exact head commit.
 */

export type GateVerdict =
  | "ALL_PASS"
  | "ARCHITECTURAL_EROSION"
  | "DESIGN_GAP"
  | "PROCESS_ISSUE"
  | "SYSTEMIC_FAILURE"
  | "MIXED_FAILURE";

/**
 * How one stream enters the matrix. `not-configured` streams are not part of the gate
 * (the design: "the gate counts only configured streams"); in the matrix they read as
 * `pass`, so a repository that configures only ACC gets ALL_PASS or ARCHITECTURAL_EROSION.
 */
export type StreamState = "pass" | "fail" | "not-configured";

export interface StreamGateInput {
  /** Its config section is present and it is listed in `gate.streams`. */
  readonly configured: boolean;
  /** False when a configured stream threw or could not run (fail-closed). */
  readonly ran: boolean;
  readonly error?: string | null;
  readonly findings: readonly ReportedFinding[];
}

export interface GateOverride {
  /** The GitHub login of the admin who overrode the gate (authorised by the app). */
  readonly actor: string;
  readonly reason: string;
  /** The head commit the override was given for; a new push ends it. */
  readonly headSha: string;
}

export interface StreamGateOutcome {
  readonly state: StreamState;
  /** Why it failed, for the gate summary; null when it passed or is not configured. */
  readonly reason: string | null;
  /** Unsuppressed new findings of severity error: what makes it fail. */
  readonly blocking: number;
}

export interface GateResult {
  readonly verdict: GateVerdict;
  /** True for ALL_PASS, or any verdict with a valid override. */
  readonly passed: boolean;
  readonly streams: Readonly<Record<StreamName, StreamGateOutcome>>;
  /** The matrix row as shown in the gate's summary, e.g. "ACC fail · BDV pass · DDE n/a → ARCHITECTURAL_EROSION". */
  readonly row: string;
  /** The override that made a failing verdict pass, when one applied. */
  readonly override: GateOverride | null;
  /** Why a given override was not applied (wrong commit, empty reason), else null. */
  readonly overrideRejected: string | null;
}

export const STREAMS: readonly StreamName[] = ["acc", "bdv", "dde"];

/** The finding that fails a stream: new, not suppressed, severity error. */
export function isBlocking(finding: ReportedFinding): boolean {
  return finding.status === "new" && !finding.suppressed && finding.severity === "error";
}

export function streamOutcome(stream: StreamGateInput): StreamGateOutcome {
  if (!stream.configured) return { state: "not-configured", reason: null, blocking: 0 };
  if (!stream.ran) {
    return { state: "fail", reason: `could not run: ${stream.error ?? "unknown error"}`, blocking: 0 };
  }
  const blocking = stream.findings.filter(isBlocking).length;
  if (blocking > 0) {
    return {
      state: "fail",
      reason: `${blocking} new unsuppressed error finding${blocking === 1 ? "" : "s"}`,
      blocking,
    };
  }
  return { state: "pass", reason: null, blocking: 0 };
}

/** The design's matrix. Its input is pass/fail per stream, in the order ACC, BDV, DDE. */
export function matrixVerdict(accFails: boolean, bdvFails: boolean, ddeFails: boolean): GateVerdict {
  const failures = [accFails, bdvFails, ddeFails].filter(Boolean).length;
  if (failures === 0) return "ALL_PASS";
  if (failures === 3) return "SYSTEMIC_FAILURE";
  if (failures === 2) return "MIXED_FAILURE";
  if (accFails) return "ARCHITECTURAL_EROSION";
  if (bdvFails) return "DESIGN_GAP";
  return "PROCESS_ISSUE";
}

export interface GateInput {
  readonly streams: Readonly<Record<StreamName, StreamGateInput>>;
  /** The commit being gated; null for a working tree, which no override can match. */
  readonly headSha: string | null;
  readonly override?: GateOverride | null;
}

export function decideGate(input: GateInput): GateResult {
  const outcomes = {
    acc: streamOutcome(input.streams.acc),
    bdv: streamOutcome(input.streams.bdv),
    dde: streamOutcome(input.streams.dde),
  };
  const verdict = matrixVerdict(
    outcomes.acc.state === "fail",
    outcomes.bdv.state === "fail",
    outcomes.dde.state === "fail",
  );
  const row = `${STREAMS.map((name) => `${name.toUpperCase()} ${stateLabel(outcomes[name].state)}`).join(" · ")} → ${verdict}`;
  const given = input.override ?? null;
  const rejection = given ? overrideProblem(given, input.headSha) : null;
  const override = given && rejection === null && verdict !== "ALL_PASS" ? given : null;
  return {
    verdict,
    passed: verdict === "ALL_PASS" || override !== null,
    streams: outcomes,
    row,
    override,
    overrideRejected: rejection,
  };
}

function overrideProblem(override: GateOverride, headSha: string | null): string | null {
  if (override.reason.trim() === "") return "the override has no reason";
  if (override.actor.trim() === "") return "the override has no actor";
  if (headSha === null) return "an override needs a commit; the working tree has none";
  if (override.headSha !== headSha) {
    return `the override was given for ${override.headSha.slice(0, 7)}, not for the head ${headSha.slice(0, 7)}`;
  }
  return null;
}

function stateLabel(state: StreamState): string {
  return state === "not-configured" ? "n/a" : state;
}
