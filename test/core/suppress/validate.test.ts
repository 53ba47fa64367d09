import { describe, expect, it } from "vitest";
import {
  createSuppression,
  DEFAULT_EXPIRY,
  parseDuration,
  parseExpiry,
  validateSuppression,
} from "../../../src/core/suppress/index.ts";
import { DAY, daysFrom, NOW, suppression } from "./fixtures.ts";

const rules = new Map([
  ["layered", "layers"],
  ["coupling", "coupling"],
]);
const messages = (s: Parameters<typeof validateSuppression>[0], mode: "create" | "load" = "create") => {
  const result = validateSuppression(s, { now: NOW, mode, rules });
  return { errors: result.errors.map((e) => e.message), warnings: result.warnings.map((w) => w.message) };
};

describe("validation", () => {
  it("accepts a complete entry with no errors and no warnings", () => {
    expect(messages(suppression({ id: "ok", level: "file", pattern: "src/**", rule: "layered" }))).toEqual({
      errors: [],
      warnings: [],
    });
  });

  it("rejects an expiry in the past on create, but only warns when loading an existing entry", () => {
    const past = suppression({
      id: "old",
      level: "rule",
      pattern: "layered",
      expires: new Date("2026-05-01T00:00:00Z"),
    });
    expect(messages(past, "create").errors).toEqual([
      'suppression "old": the expiry 2026-05-01T00:00:00.000Z is in the past',
    ]);
    expect(messages(past, "load")).toEqual({
      errors: [],
      warnings: ['suppression "old" expired on 2026-05-01T00:00:00.000Z and no longer applies; remove it'],
    });
  });

  it("rejects a missing justification, permanent with an expiry, and neither expiry nor permanent", () => {
    expect(
      messages(suppression({ id: "j", level: "rule", pattern: "layered", justification: "" })).errors,
    ).toEqual(['suppression "j": a suppression needs a justification (why is this finding acceptable?)']);
    expect(
      messages(suppression({ id: "both", level: "rule", pattern: "layered", permanent: true })).errors,
    ).toEqual(['suppression "both": choose either permanent or an expiry date, not both']);
    expect(
      messages(suppression({ id: "none", level: "rule", pattern: "layered", expires: null })).errors,
    ).toEqual([
      'suppression "none": give an expiry (a date, or a duration such as 30d) or mark it permanent',
    ]);
  });

  it("rejects invalid glob syntax and a bad id", () => {
    expect(messages(suppression({ id: "g", level: "file", pattern: "src/{a,b/**" })).errors).toEqual([
      'suppression "g": invalid glob "src/{a,b/**": "{" is never closed',
    ]);
    expect(messages(suppression({ id: "g2", level: "file", pattern: "src/a]" })).errors).toEqual([
      'suppression "g2": invalid glob "src/a]": unbalanced "]" at position 6',
    ]);
    expect(messages(suppression({ id: "has space", level: "rule", pattern: "x" })).errors[0]).toContain(
      "an id uses letters, digits",
    );
  });

  it("warns about an unknown rule id, naming the known ones", () => {
    expect(
      messages(suppression({ id: "u", level: "file", pattern: "src/**", rule: "layerd" })).warnings,
    ).toEqual(['suppression "u": rule "layerd" is not a configured rule id (known: coupling, layered)']);
    expect(
      messages(suppression({ id: "u2", level: "rule", pattern: "nope", patternType: "exact" })).warnings,
    ).toEqual(['suppression "u2": rule "nope" is not a configured rule id (known: coupling, layered)']);
  });

  it("warns about a threshold outside a coupling context", () => {
    expect(
      messages(suppression({ id: "t", level: "file", pattern: "src/**", rule: "layered", threshold: 5 }))
        .warnings,
    ).toEqual([
      'suppression "t": a threshold only applies to coupling findings, but rule "layered" is of type "layers"; it will never suppress',
    ]);
    expect(
      messages(suppression({ id: "t2", level: "file", pattern: "src/**", threshold: 5 })).warnings[0],
    ).toContain('set "rule" to the coupling rule');
    expect(
      messages(suppression({ id: "t3", level: "file", pattern: "src/**", rule: "coupling", threshold: 5 })),
    ).toEqual({
      errors: [],
      warnings: [],
    });
    expect(messages(suppression({ id: "t4", level: "rule", pattern: "x", threshold: -1 })).errors).toContain(
      'suppression "t4": the threshold must be a number ≥ 0',
    );
  });
});

describe("expiry input", () => {
  it("resolves durations against now", () => {
    expect(parseDuration("12h")).toBe(12 * 3_600_000);
    expect(parseDuration("2w")).toBe(14 * DAY);
    expect(parseDuration("30 days")).toBeNull();
    const parsed = parseExpiry("30d", NOW);
    expect(parsed.ok && parsed.expires.toISOString()).toBe(daysFrom(NOW, 30).toISOString());
  });

  it("reads a date as valid through the end of that UTC day, and a zone-less date-time as UTC", () => {
    const day = parseExpiry("2026-12-31", NOW);
    expect(day.ok && day.expires.toISOString()).toBe("2026-12-31T23:59:59.999Z");
    const time = parseExpiry("2026-12-31T10:00", NOW);
    expect(time.ok && time.expires.toISOString()).toBe("2026-12-31T10:00:00.000Z");
    const zoned = parseExpiry("2026-12-31T10:00:00+02:00", NOW);
    expect(zoned.ok && zoned.expires.toISOString()).toBe("2026-12-31T08:00:00.000Z");
  });

  it("rejects nonsense with a message naming the accepted forms", () => {
    const bad = parseExpiry("next week", NOW);
    expect(bad).toEqual({
      ok: false,
      error: 'expires "next week" is neither a duration (12h, 30d, 2w) nor an ISO date (2026-12-31)',
    });
    expect(parseExpiry("2026-02-30", NOW)).toEqual({
      ok: false,
      error: 'expires "2026-02-30" is not a real calendar date',
    });
    expect(parseExpiry("0d", NOW).ok).toBe(false);
  });
});

describe("createSuppression", () => {
  it("applies the default expiry when neither expiry nor permanent is given, and generates a stable id", () => {
    const input = {
      level: "directory" as const,
      pattern: "src/legacy/",
      justification: "rewrite",
      source: "command" as const,
    };
    const created = createSuppression(input, { now: NOW, defaultExpiry: DEFAULT_EXPIRY });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    expect(created.suppression.pattern).toBe("src/legacy");
    expect(created.suppression.expires?.toISOString()).toBe(daysFrom(NOW, 90).toISOString());
    expect(created.suppression.id).toMatch(/^s-[0-9a-f]{8}$/);
    const again = createSuppression(input, { now: NOW, defaultExpiry: DEFAULT_EXPIRY });
    expect(again.ok && again.suppression.id).toBe(created.suppression.id);
    const without = createSuppression(input, { now: NOW });
    expect(without.ok).toBe(false);
  });

  it("reports a bad expiry and a past date as errors", () => {
    const base = { level: "rule" as const, pattern: "layered", justification: "why", source: "cli" as const };
    const bad = createSuppression({ ...base, expires: "soon" }, { now: NOW });
    expect(!bad.ok && bad.errors[0]?.field).toBe("expires");
    const past = createSuppression({ ...base, expires: "2026-01-01" }, { now: NOW });
    expect(!past.ok && past.errors[0]?.message).toContain("is in the past");
    const permanent = createSuppression({ ...base, permanent: true }, { now: NOW, defaultExpiry: "90d" });
    expect(permanent.ok && permanent.suppression.expires).toBeNull();
  });
});
