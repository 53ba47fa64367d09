import type { Finding } from "../../../src/core/findings.ts";
import type { Suppression } from "../../../src/core/suppress/index.ts";

/** Builders for tests: every field explicit in the result, overridable per test. */

export const NOW = new Date("2026-06-01T12:00:00.000Z");
export const DAY = 86_400_000;

export function daysFrom(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY);
}

export function suppression(
  overrides: Partial<Suppression> & Pick<Suppression, "id" | "level" | "pattern">,
): Suppression {
  return {
    patternType: "glob",
    rule: null,
    stream: null,
    threshold: null,
    expires: daysFrom(NOW, 30),
    permanent: false,
    justification: "accepted while the legacy module is rewritten",
    author: "lead",
    createdAt: daysFrom(NOW, -1),
    lastUsedAt: null,
    useCount: 0,
    source: "cli",
    ticket: null,
    adr: null,
    ...overrides,
  };
}

export function finding(overrides: Partial<Finding> & Pick<Finding, "id">): Finding {
  return {
    stream: "acc",
    rule: "data-not-up",
    type: "must-not-call",
    severity: "error",
    file: "app/services/users.py",
    line: 3,
    target: "app/routes/users.py",
    message: "app/services/users.py imports app/routes/users.py",
    ...overrides,
  };
}
