import { describe, expect, it } from "vitest";
import type { ExtractionCache, ExtractResult } from "../../src/core/acc/model.ts";
import { analyze, changedPaths, isConfigured } from "../../src/core/analyze.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import type { MaestroConfig } from "../../src/core/config/schema.ts";
import type { Suppression } from "../../src/core/suppress/index.ts";
import { snapshotOf } from "./snapshot-builder.ts";

const NOW = new Date("2026-11-24T12:00:00Z");
const HEAD_SHA = "1".repeat(40);
const BASE_SHA = "2".repeat(40);

function config(yaml: string): MaestroConfig {
  const loaded = loadConfig(yaml, ".github/maestro-hive.yml");
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

const LAYERS = `
acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
    - { id: no-db-in-ui, type: must-not-call, from: ui, to: ["package:pg"], severity: warning }
`;

// Base: data imports domain (an upward import). Head: that one is still there, a new
// upward import from domain to ui appears, and an old one (data/old → domain) is gone.
const BASE_FILES = {
  "src/ui/page.ts": 'import { rule } from "../domain/rule.ts";\nexport const page = rule;\n',
  "src/domain/rule.ts": 'import { row } from "../data/repo.ts";\nexport const rule = row;\n',
  "src/data/repo.ts": 'import { rule } from "../domain/rule.ts";\nexport const row = 1;\nvoid rule;\n',
  "src/data/old.ts": 'import { rule } from "../domain/rule.ts";\nexport const old = rule;\n',
};
const HEAD_FILES = {
  "src/ui/page.ts":
    'import { rule } from "../domain/rule.ts";\nimport pg from "pg";\nexport const page = [rule, pg];\n',
  "src/domain/rule.ts":
    '// moved down a line\nimport { row } from "../data/repo.ts";\nimport { page } from "../ui/page.ts";\nexport const rule = [row, page];\n',
  "src/data/repo.ts": 'import { rule } from "../domain/rule.ts";\nexport const row = 1;\nvoid rule;\n',
};

/** An extraction cache whose database is down: the ACC stream throws. */
const BROKEN_CACHE: ExtractionCache = {
  get: () => {
    throw new Error("cache database unreachable");
  },
  set: () => {},
};

describe("analyze: base vs head", () => {
  it("marks ACC findings new, existing and fixed by id, and gates on new errors only", async () => {
    const result = await analyze({
      head: snapshotOf(HEAD_FILES, HEAD_SHA),
      base: snapshotOf(BASE_FILES, BASE_SHA),
      config: config(LAYERS),
      now: NOW,
    });
    const acc = result.streams.acc;
    expect(acc.configured).toBe(true);
    expect(acc.ran).toBe(true);
    const summary = acc.findings.map((f) => [f.rule, f.file, f.target, f.status, f.severity]);
    expect(summary).toEqual([
      ["layered", "src/data/repo.ts", "src/domain/rule.ts", "existing", "error"],
      ["layered", "src/domain/rule.ts", "src/ui/page.ts", "new", "error"],
      ["no-db-in-ui", "src/ui/page.ts", "pg", "new", "warning"],
    ]);
    expect(acc.fixed.map((f) => [f.file, f.target])).toEqual([["src/data/old.ts", "src/domain/rule.ts"]]);
    expect(acc.counts).toEqual({ new: 2, existing: 1, fixed: 1, suppressed: 0 });
    expect(result.gate.verdict).toBe("ARCHITECTURAL_EROSION");
    expect(result.gate.passed).toBe(false);
    expect(acc.passed).toBe(false);
    expect(result.streams.bdv.configured).toBe(false);
    expect(result.graph?.files.map((f) => f.path)).toEqual([
      "src/data/repo.ts",
      "src/domain/rule.ts",
      "src/ui/page.ts",
    ]);
    expect(result.timings["acc.head"]).toBeGreaterThanOrEqual(0);
    expect(result.timings["acc.base"]).toBeGreaterThanOrEqual(0);
    expect(result.head.commit).toBe(HEAD_SHA);
    expect(result.base?.commit).toBe(BASE_SHA);
  });

  it("without a base every finding is new and nothing is fixed", async () => {
    const result = await analyze({ head: snapshotOf(HEAD_FILES), config: config(LAYERS), now: NOW });
    expect(result.streams.acc.findings.every((f) => f.status === "new")).toBe(true);
    expect(result.streams.acc.fixed).toEqual([]);
    expect(result.base).toBeNull();
    expect(result.changedFiles).toEqual(Object.keys(HEAD_FILES).sort());
  });

  it("a pre-existing violation alone does not fail the gate", async () => {
    const result = await analyze({
      head: snapshotOf(BASE_FILES, HEAD_SHA),
      base: snapshotOf(BASE_FILES, BASE_SHA),
      config: config(LAYERS),
      now: NOW,
    });
    expect(result.streams.acc.counts).toEqual({ new: 0, existing: 2, fixed: 0, suppressed: 0 });
    expect(result.gate.verdict).toBe("ALL_PASS");
  });

  it("shares the extraction cache between base and head: unchanged blobs are parsed once", async () => {
    const store = new Map<string, ExtractResult>();
    let sets = 0;
    const cache: ExtractionCache = {
      get: (key) => store.get(key),
      set: (key, value) => {
        sets++;
        store.set(key, value);
      },
    };
    await analyze({
      head: snapshotOf(HEAD_FILES),
      base: snapshotOf(BASE_FILES),
      config: config(LAYERS),
      now: NOW,
      extractionCache: cache,
    });
    // 3 head files + the base's 2 blobs not in head (data/old.ts, and the other ui/domain versions).
    const distinctBlobs = new Set(
      [...snapshotOf(HEAD_FILES).files, ...snapshotOf(BASE_FILES).files].map((f) => f.blobSha),
    );
    expect(sets).toBe(distinctBlobs.size);
  });
});

describe("analyze: suppressions", () => {
  it("a config suppression accepts a new error; the gate passes and usage is counted", async () => {
    const yaml = `${LAYERS}
  suppressions:
    - id: accept-upward
      level: file
      pattern: "src/domain/**"
      rule: layered
      justification: being untangled in TICKET-12
      expires: "2026-11-28"
`;
    const result = await analyze({
      head: snapshotOf(HEAD_FILES, HEAD_SHA),
      base: snapshotOf(BASE_FILES, BASE_SHA),
      config: config(yaml),
      now: NOW,
    });
    const suppressed = result.streams.acc.findings.filter((f) => f.suppressed);
    expect(suppressed.map((f) => [f.file, f.suppressionId])).toEqual([
      ["src/domain/rule.ts", "accept-upward"],
    ]);
    expect(result.gate.verdict).toBe("ALL_PASS");
    expect(result.suppressions.usage.get("accept-upward")).toBe(1);
    expect(result.suppressions.review.expiringSoon.map((s) => s.id)).toEqual(["accept-upward"]);
    expect(result.suppressions.review.stale).toEqual([]);
  });

  it("database suppressions apply, expired ones do not, and unmatched ones are stale", async () => {
    const base: Omit<Suppression, "id" | "pattern" | "expires"> = {
      level: "violation",
      patternType: "exact",
      rule: null,
      stream: null,
      threshold: null,
      permanent: false,
      justification: "accepted",
      author: "octocat",
      createdAt: NOW,
      lastUsedAt: null,
      useCount: 0,
      source: "command",
      ticket: null,
      adr: null,
    };
    const first = await analyze({ head: snapshotOf(HEAD_FILES), config: config(LAYERS), now: NOW });
    const target = first.streams.acc.findings.find(
      (f) => f.rule === "layered" && f.file === "src/domain/rule.ts",
    )!;
    const suppressions: Suppression[] = [
      { ...base, id: "s-active", pattern: target.id, expires: new Date("2026-12-31T00:00:00Z") },
      { ...base, id: "s-nothing", pattern: "000000000000", expires: new Date("2026-12-31T00:00:00Z") },
    ];
    const active = await analyze({
      head: snapshotOf(HEAD_FILES),
      config: config(LAYERS),
      now: NOW,
      suppressions,
    });
    expect(active.streams.acc.findings.find((f) => f.id === target.id)?.suppressionId).toBe("s-active");
    expect(active.suppressions.review.stale.map((s) => s.id)).toEqual(["s-nothing"]);

    const later = await analyze({
      head: snapshotOf(HEAD_FILES),
      config: config(LAYERS),
      now: new Date("2027-01-02T00:00:00Z"),
      suppressions,
    });
    expect(later.streams.acc.findings.find((f) => f.id === target.id)?.suppressed).toBe(false);
    expect(later.suppressions.review.expired.map((s) => s.id).sort()).toEqual(["s-active", "s-nothing"]);
  });
});

describe("analyze: streams that are not configured or cannot run", () => {
  it("a section not listed in gate.streams does not run", async () => {
    const cfg = config(`${LAYERS}\ngate: { streams: [dde] }\n`);
    expect(isConfigured(cfg, "acc")).toBe(false);
    const result = await analyze({ head: snapshotOf(HEAD_FILES), config: cfg, now: NOW });
    expect(result.streams.acc).toMatchObject({ configured: false, ran: false, findings: [] });
    expect(result.graph).toBeNull();
    expect(result.gate.verdict).toBe("ALL_PASS");
  });

  it("an import graph with engine failures (a resolver threw) fails closed instead of passing silently", async () => {
    // A corrupt entry from a shared cache: the resolver chokes on it.
    const corrupt = { imports: [{ specifier: null as unknown as string, line: 1, kind: "import" as const }] };
    const cache: ExtractionCache = { get: () => corrupt, set: () => {} };
    const result = await analyze({
      head: snapshotOf(HEAD_FILES),
      config: config(LAYERS),
      now: NOW,
      extractionCache: cache,
    });
    expect(result.notices.some((n) => n.kind === "resolve-error")).toBe(true);
    expect(result.streams.acc).toMatchObject({ configured: true, ran: false, passed: false });
    expect(result.streams.acc.error).toMatch(/^the import graph is incomplete: src\/.*\(and 2 more\)$/);
    expect(result.gate.passed).toBe(false);
  });

  it("a configured stream that throws fails closed with its error", async () => {
    const result = await analyze({
      head: snapshotOf(HEAD_FILES),
      config: config(LAYERS),
      now: NOW,
      extractionCache: BROKEN_CACHE,
    });
    expect(result.streams.acc).toMatchObject({
      configured: true,
      ran: false,
      passed: false,
      error: "cache database unreachable",
    });
    expect(result.gate.verdict).toBe("ARCHITECTURAL_EROSION");
    expect(result.gate.streams.acc.reason).toBe("could not run: cache database unreachable");
  });
});

describe("analyze: DDE and the gate override", () => {
  const DDE = `
dde:
  expect:
    - { id: api-needs-scenarios, when: "api/**", changed: "features/**", message: "API change without scenarios" }
  requiredChecks: [ci]
`;
  const baseFiles = { "api/users.yaml": "openapi: 3.0.0\n", "features/users.feature": "Feature: users\n" };

  it("computes changed files from blob SHAs when the caller does not give them", async () => {
    const head = snapshotOf({ ...baseFiles, "api/users.yaml": "openapi: 3.1.0\n" }, HEAD_SHA);
    const base = snapshotOf(baseFiles, BASE_SHA);
    expect([...changedPaths(base, head)]).toEqual(["api/users.yaml"]);
    const result = await analyze({
      head,
      base,
      config: config(DDE),
      now: NOW,
      checkRuns: [{ name: "ci", conclusion: "success" }],
    });
    expect(result.streams.dde.findings.map((f) => [f.rule, f.status, f.file])).toEqual([
      ["api-needs-scenarios", "new", "api/users.yaml"],
    ]);
    expect(result.gate.verdict).toBe("PROCESS_ISSUE");
    expect(result.changedFiles).toEqual(["api/users.yaml"]);
  });

  it("uses the caller's changed files when given, and fails on a required check that did not succeed", async () => {
    const head = snapshotOf(baseFiles, HEAD_SHA);
    const result = await analyze({
      head,
      base: snapshotOf(baseFiles, BASE_SHA),
      config: config(DDE),
      now: NOW,
      changedFiles: new Set(["api/users.yaml", "features/users.feature"]),
      checkRuns: [{ name: "ci", conclusion: "neutral" }],
    });
    expect(result.streams.dde.findings.map((f) => f.type)).toEqual(["required-check"]);
    expect(result.gate.passed).toBe(false);
  });

  it("an override bound to the head SHA passes the gate and is reported; a stale one does not", async () => {
    const head = snapshotOf({ ...baseFiles, "api/users.yaml": "x: 1\n" }, HEAD_SHA);
    const input = {
      head,
      base: snapshotOf(baseFiles, BASE_SHA),
      config: config(DDE),
      now: NOW,
      checkRuns: [],
    };
    const override = { actor: "admin", reason: "release freeze exception", headSha: HEAD_SHA };
    const passed = await analyze({ ...input, override });
    expect(passed.gate).toMatchObject({ verdict: "PROCESS_ISSUE", passed: true, override });
    const stale = await analyze({ ...input, override: { ...override, headSha: BASE_SHA } });
    expect(stale.gate.passed).toBe(false);
  });
});

describe("analyze: BDV", () => {
  const BDV = `
bdv:
  features: ["features/**/*.feature"]
  steps: ["features/steps/**/*.ts"]
  contracts: [{ name: users, spec: api/users.yaml }]
`;
  const SPEC =
    "openapi: 3.0.0\ninfo: { title: users, version: 1.0.0 }\npaths:\n  /users:\n    get:\n      responses:\n        '200': { description: ok }\n";
  const STEPS = 'import { Given } from "@cucumber/cucumber";\nGiven("a user", () => {});\n';
  const feature = (steps: string[]) =>
    `Feature: Users\n  Scenario: list\n${steps.map((s) => `    ${s}\n`).join("")}`;

  it("diffs BDV findings between base and head", async () => {
    const base = snapshotOf(
      {
        "api/users.yaml": SPEC,
        "features/steps/steps.ts": STEPS,
        "features/users.feature": feature(["Given a user", "When the old step"]),
      },
      BASE_SHA,
    );
    const head = snapshotOf(
      {
        "api/users.yaml": SPEC,
        "features/steps/steps.ts": STEPS,
        "features/users.feature": feature(["Given a user", "When a new step"]),
      },
      HEAD_SHA,
    );
    const result = await analyze({ head, base, config: config(BDV), now: NOW });
    const bdv = result.streams.bdv;
    expect(bdv.ran).toBe(true);
    expect(bdv.findings.filter((f) => f.type === "undefined-step").map((f) => [f.target, f.status])).toEqual([
      ["a new step", "new"],
    ]);
    expect(bdv.fixed.map((f) => f.target)).toEqual(["the old step"]);
    expect(result.gate.verdict).toBe("DESIGN_GAP");
  });

  it("an unreadable contract fails the stream even when it was already broken at the base (fail-closed)", async () => {
    const files = {
      "api/users.yaml": "openapi: [\n",
      "features/steps/steps.ts": STEPS,
      "features/users.feature": feature(["Given a user"]),
    };
    const result = await analyze({
      head: snapshotOf(files, HEAD_SHA),
      base: snapshotOf(files, BASE_SHA),
      config: config(BDV),
      now: NOW,
    });
    const bdv = result.streams.bdv;
    expect(bdv.findings.find((f) => f.type === "invalid-contract")?.status).toBe("existing");
    expect(bdv).toMatchObject({ configured: true, ran: false, passed: false });
    expect(bdv.error).toMatch(/^Contract users: api\/users.yaml cannot be read/);
    expect(result.gate.verdict).toBe("DESIGN_GAP");
    expect(result.gate.passed).toBe(false);
  });
});

describe("analyze: a check that did not run on the head fixes nothing", () => {
  const BDV_ONLY = `
bdv:
  features: ["features/**/*.feature"]
  steps: ["features/steps/**/*.ts"]
`;
  const STEPS = `import { Given } from "@cucumber/cucumber";
Given("a user", () => {});
Given("an admin", () => {});
Given("a guest", () => {});
`;

  it("a feature that stops parsing does not turn the base's unused definitions or its own findings into fixed", async () => {
    const base = snapshotOf(
      {
        "features/steps/steps.ts": STEPS,
        "features/users.feature": "Feature: Users\n  Scenario: s\n    Given a user\n",
        "features/admins.feature": "Feature: Admins\n  Scenario: s\n    Given nobody\n",
      },
      BASE_SHA,
    );
    const head = snapshotOf(
      {
        "features/steps/steps.ts": STEPS,
        "features/users.feature": "Feature: Users\n  Scenario: s\n    Given a user\n",
        "features/admins.feature": "Feature: Admins\n  Scenario: s\n    Given nobody\n  Oops: not gherkin\n",
      },
      HEAD_SHA,
    );
    const result = await analyze({ head, base, config: config(BDV_ONLY), now: NOW });
    const bdv = result.streams.bdv;
    // The base reported two unused definitions and an undefined step in admins.feature; the head
    // checked neither (unused definitions are not reported while a feature does not parse).
    expect(bdv.fixed).toEqual([]);
    expect(bdv.findings.map((f) => [f.type, f.status])).toEqual([["gherkin-parse-error", "new"]]);
    expect(result.notices.find((n) => n.kind === "unverified-fixed")?.message).toMatch(
      /^3 BDV findings of the base/,
    );
  });

  it("an ACC violation from a file that no longer parses is not fixed", async () => {
    const head = snapshotOf(
      {
        ...BASE_FILES,
        "src/data/old.ts": 'export const old = (;\nimport { rule } from "../domain/rule.ts";\n',
      },
      HEAD_SHA,
    );
    const result = await analyze({
      head,
      base: snapshotOf(BASE_FILES, BASE_SHA),
      config: config(LAYERS),
      now: NOW,
    });
    // The syntax error hides the import: the head does not report the violation either.
    expect(result.streams.acc.findings.map((f) => f.file)).not.toContain("src/data/old.ts");
    expect(result.streams.acc.fixed.map((f) => f.file)).not.toContain("src/data/old.ts");
    expect(result.notices.some((n) => n.kind === "unverified-fixed")).toBe(true);
  });

  it("a stream that failed on the head lists nothing as fixed", async () => {
    const result = await analyze({
      head: snapshotOf({}, HEAD_SHA),
      base: snapshotOf(BASE_FILES, BASE_SHA),
      config: config(LAYERS),
      now: NOW,
      extractionCache: BROKEN_CACHE,
    });
    expect(result.streams.acc.ran).toBe(false);
    expect(result.streams.acc.fixed).toEqual([]);
  });
});

describe("analyze: pausing between phases", () => {
  it("awaits `pause` before each phase, so a server can answer requests meanwhile", async () => {
    let pauses = 0;
    const result = await analyze({
      head: snapshotOf(HEAD_FILES, HEAD_SHA),
      base: snapshotOf(BASE_FILES, BASE_SHA),
      config: config(`${LAYERS}\ndde:\n  expect: []\n`),
      now: NOW,
      pause: async () => {
        pauses++;
        await new Promise((resolve) => setImmediate(resolve));
      },
    });
    expect(Object.keys(result.timings)).toEqual([
      "acc.head",
      "acc.base",
      "dde",
      "suppress.compile",
      "diff+suppress",
    ]);
    expect(pauses).toBe(5);
  });
});
