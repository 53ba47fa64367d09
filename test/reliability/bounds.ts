/**
 * The bounds the README's "Measured" table states, in one place: the reliability suite asserts each
 * figure it measures against its bound here, and test/docs/readme-bounds.test.ts checks that the
 * README states exactly these. Measured figures vary with the machine's load; the bounds do not.
 */
import { expect } from "vitest";

export interface Bound {
  /** The README row (its first cell). */
  readonly row: string;
  /** What is bounded, as the README cell says it. */
  readonly label: string;
  readonly minSeconds?: number;
  readonly maxSeconds: number;
}

export const BOUNDS = {
  outageDetected: { row: "PostgreSQL stopped", label: "`/readyz` 503", maxSeconds: 5 },
  readyAfterRestart: { row: "PostgreSQL started again", label: "`/readyz` 200", maxSeconds: 10 },
  allJobsDoneAfterRestart: {
    row: "PostgreSQL started again",
    label: "all 8 analyses completed",
    maxSeconds: 180,
  },
  sigkillRerun: { row: "SIGKILL mid-analysis", label: "job re-run and completed", maxSeconds: 90 },
  sigtermStop: { row: "SIGTERM with a job running", label: "exit 0", maxSeconds: 15 },
  retryAfter500: { row: "GitHub 500 on a write", label: "retried after", minSeconds: 1, maxSeconds: 2 },
  retryAfter502: { row: "GitHub 502 ×2", label: "each retry after", minSeconds: 1, maxSeconds: 10 },
  retryAfterTimeout: { row: "GitHub no answer", label: "next request after", minSeconds: 1.8, maxSeconds: 6 },
  waitAfterSecondaryRateLimit: {
    row: "Secondary rate limit, `retry-after: 2`",
    label: "retried after",
    minSeconds: 2,
    maxSeconds: 5,
  },
  twoProcessesAccepted: { row: "Two processes, 500 deliveries", label: "all accepted", maxSeconds: 90 },
  twoProcessesCompleted: {
    row: "Two processes, 500 deliveries",
    label: "all jobs completed",
    maxSeconds: 280,
  },
} as const satisfies Record<string, Bound>;

/** "≤ 5 s" or "1–2 s", as the README writes a bound. */
export function describeBound(bound: Bound): string {
  return bound.minSeconds === undefined
    ? `${bound.label} ≤ ${bound.maxSeconds} s`
    : `${bound.label} ${bound.minSeconds}–${bound.maxSeconds} s`;
}

/** Asserts a measured figure (seconds) against its stated bound. */
export function expectWithin(bound: Bound, seconds: number): void {
  const message = `${bound.row}: ${seconds.toFixed(3)} s, stated ${describeBound(bound)}`;
  if (bound.minSeconds !== undefined) expect(seconds, message).toBeGreaterThanOrEqual(bound.minSeconds);
  expect(seconds, message).toBeLessThanOrEqual(bound.maxSeconds);
}
