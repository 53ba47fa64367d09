/**
 * Issue 14, the engine's rows: small inputs crafted by an attacker (a fork PR, a writer's
 * command or config) meet the real engine and get a bounded answer and a clear message —
 * never a hang, a crash or a silent pass. The through-the-app versions of these rows live
 * with the app tests.
 */
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/core/analyze.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import type { MaestroConfig } from "../../src/core/config/schema.ts";
import { createSuppression, type Suppression } from "../../src/core/suppress/index.ts";
import { snapshotOf } from "../core/snapshot-builder.ts";

const NOW = new Date("2026-11-24T12:00:00Z");
const FILE = ".github/maestro-hive.yml";

function config(yaml: string): MaestroConfig {
  const loaded = loadConfig(yaml, FILE);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

const LAYERS = `acc:
  components:
    ui: ["src/ui/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, data] }
`;
/** data → ui is an upward import: one `layered` error in a file with a long name. */
const LONG_NAME = `src/data/${"a".repeat(40)}.ts`;
const VIOLATING = {
  "src/ui/page.ts": "export const page = 1;\n",
  [LONG_NAME]: 'import { page } from "../ui/page.ts";\nexport const row = page;\n',
};

describe("regexes and globs from configs and commands", () => {
  it("config regex suppressions with nested quantifiers answer at once, and still match what they should", async () => {
    // On V8 the first pattern backtracks 2^40 times against the 40-letter file name.
    const yaml = `${LAYERS}  suppressions:
    - { id: nested, level: file, patternType: regex, pattern: "src/data/(a+)+\\\\.py", justification: x, permanent: true }
    - { id: nested-match, level: file, patternType: regex, pattern: "src/data/(a|aa)+\\\\.tsx?", justification: x, permanent: true }
`;
    const result = await analyze({ head: snapshotOf(VIOLATING), config: config(yaml), now: NOW });
    const finding = result.streams.acc.findings.find((f) => f.file === LONG_NAME);
    expect(finding?.suppressionId).toBe("nested-match");
    expect(result.gate.passed).toBe(true);
    expect(result.suppressions.review.stale.map((s) => s.id)).toEqual(["nested"]);
  });

  it("a config regex the linear-time engine cannot run is a config error naming the line", () => {
    const loaded = loadConfig(
      `${LAYERS}  suppressions:\n    - { id: ahead, level: file, patternType: regex, pattern: "src/(?!ui).*", justification: x, permanent: true }\n`,
      FILE,
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map((e) => `${e.line}: ${e.message}`)).toEqual([
      expect.stringMatching(
        /^8: regex "src\/\(\?!ui\)\.\*" cannot be used: lookahead "\(\?!" is not supported/,
      ),
    ]);
  });

  it("`/maestro suppress file:q{1..100000}/**` is refused, naming the pattern", () => {
    const created = createSuppression(
      { level: "file", pattern: "q{1..100000}/**", justification: "x", source: "command" },
      { now: NOW, defaultExpiry: "30d" },
    );
    expect(created.ok).toBe(false);
    if (created.ok) return;
    expect(created.errors.map((e) => e.message)).toEqual([
      expect.stringMatching(/glob "q\{1\.\.100000\}\/\*\*" expands its braces to more than 1000 patterns/),
    ]);
  });

  it("a stored suppression with a brace bomb is skipped with a warning; the analysis completes", async () => {
    const stored: Suppression = {
      id: "bomb",
      level: "file",
      pattern: "q{1..100000}/**",
      patternType: "glob",
      rule: null,
      stream: null,
      threshold: null,
      permanent: true,
      expires: null,
      justification: "x",
      author: "mallory",
      createdAt: NOW,
      lastUsedAt: null,
      useCount: 0,
      source: "command",
      ticket: null,
      adr: null,
    };
    const result = await analyze({
      head: snapshotOf(VIOLATING),
      config: config(LAYERS),
      now: NOW,
      suppressions: [stored],
    });
    expect(result.streams.acc.ran).toBe(true);
    expect(result.suppressions.warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^suppression "bomb" skipped: glob "q\{1\.\.100000\}\/\*\*" expands its braces/),
    ]);
  });

  it("a config glob with a brace bomb is a config error naming the line", () => {
    const loaded = loadConfig(`acc:\n  components:\n    ui: ["src/{a,b}{c,d}{1..400}/**"]\n`, FILE);
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    expect(loaded.errors.map((e) => `${e.line}: ${e.message}`)).toEqual([
      expect.stringMatching(/^3: glob ".*" expands its braces to more than 1000 patterns/),
    ]);
  });
});
