import { describe, expect, it } from "vitest";
import {
  buildExplanationPrompt,
  codeExcerpt,
  DEFAULT_EXCERPT_LIMITS,
  ruleConfigFor,
  SYSTEM_PROMPT,
} from "../../src/ai/prompt.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import type { MaestroConfig } from "../../src/core/config/schema.ts";
import { type Finding, findingId } from "../../src/core/findings.ts";

function config(yaml: string): MaestroConfig {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

const CONFIG = config(`
acc:
  components:
    presentation: ["app/routes/**"]
    business: ["app/services/**"]
    data: ["app/repositories/**"]
  rules:
    - { id: layered, type: layers, layers: [presentation, business, data] }
    - { id: no-orm, type: must-not-call, from: business, to: ["package:typeorm"] }
dde:
  expect: [{ id: api-needs-scenarios, when: "api/**", changed: "features/**", message: "API change without scenarios" }]
  requiredChecks: [ci/test]
bdv:
  features: ["features/**/*.feature"]
ai: { explain: true }
`);

function layeredFinding(line: number | null = 30): Finding {
  return {
    id: findingId(["layered", "layers", "app/repositories/user.ts", "app/routes/users.ts"]),
    stream: "acc",
    rule: "layered",
    type: "layers",
    severity: "error",
    file: "app/repositories/user.ts",
    line,
    target: "app/routes/users.ts",
    message: "data (app/repositories/user.ts) imports presentation (app/routes/users.ts), a higher layer",
  };
}

/** A 200-line file; line 30 is the offending import. */
function bigFile(extra: Record<number, string> = {}): string {
  const lines = Array.from(
    { length: 200 },
    (_, i) => extra[i + 1] ?? `export const value${i + 1} = ${i + 1};`,
  );
  lines[29] = extra[30] ?? 'import { renderUser } from "../routes/users.ts";';
  return lines.join("\n");
}

describe("codeExcerpt", () => {
  it("shows a few numbered lines around the finding's line, marked, never the whole file", () => {
    const excerpt = codeExcerpt(
      { path: "app/repositories/user.ts", content: bigFile() },
      30,
      DEFAULT_EXCERPT_LIMITS,
    );
    const lines = excerpt.text.split("\n");
    expect(lines).toHaveLength(9);
    expect(lines[0]).toBe(" 26 | export const value26 = 26;");
    expect(lines[4]).toBe('>30 | import { renderUser } from "../routes/users.ts";');
    expect(lines[8]).toBe(" 34 | export const value34 = 34;");
    expect(excerpt.importLine).toBe('import { renderUser } from "../routes/users.ts";');
    expect(excerpt.text).not.toContain("value25 ");
    expect(excerpt.text).not.toContain("value35 ");
  });

  it("cuts long lines and caps the excerpt, dropping the far context first", () => {
    const minified = "x".repeat(5_000);
    const excerpt = codeExcerpt(
      { path: "a.ts", content: bigFile({ 29: minified, 31: minified, 27: minified, 33: minified }) },
      30,
      { contextLines: 4, maxLineChars: 100, maxExcerptChars: 400 },
    );
    expect(excerpt.text.length).toBeLessThanOrEqual(400);
    expect(excerpt.text).toContain(">30 |");
    expect(excerpt.text).toContain(`${"x".repeat(100)}…`);
    expect(excerpt.text).not.toContain("x".repeat(101));
    expect(excerpt.lines).toBeLessThan(9);
  });

  it("handles the first and last lines, bytes, and lines past the end", () => {
    const bytes = new TextEncoder().encode("import a from './a';\nconst b = 1;\n");
    expect(codeExcerpt({ path: "a.ts", content: bytes }, 1, DEFAULT_EXCERPT_LIMITS).text).toBe(
      ">1 | import a from './a';\n 2 | const b = 1;\n 3 | ",
    );
    expect(codeExcerpt({ path: "a.ts", content: bytes }, 99, DEFAULT_EXCERPT_LIMITS).withheld).toMatch(
      /past the end/,
    );
    expect(
      codeExcerpt({ path: "a.ts", content: new Uint8Array([0xff, 0xfe, 0x00]) }, 1, DEFAULT_EXCERPT_LIMITS)
        .withheld,
    ).toMatch(/not UTF-8/);
  });

  it("withholds files that hold secrets by nature, and findings without a line", () => {
    expect(codeExcerpt({ path: "config/.env", content: "A=1" }, 1, DEFAULT_EXCERPT_LIMITS)).toEqual({
      text: "",
      lines: 0,
      withheld: "the file may hold secrets",
    });
    expect(codeExcerpt({ path: "a.ts", content: "x" }, null, DEFAULT_EXCERPT_LIMITS).withheld).toMatch(
      /no line/,
    );
  });

  it("blanks lines inside a private key block that starts above the window", () => {
    const lines: Record<number, string> = { 20: "const KEY = `-----BEGIN PRIVATE KEY-----" };
    for (let n = 21; n <= 40; n++) lines[n] = `MIIEv${n}QIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7${n}`;
    lines[41] = "-----END PRIVATE KEY-----`;";
    const excerpt = codeExcerpt({ path: "a.ts", content: bigFile(lines) }, 30, DEFAULT_EXCERPT_LIMITS);
    expect(excerpt.text).not.toContain("MIIEv");
    expect(excerpt.text.match(/\[REDACTED PRIVATE KEY\]/g)).toHaveLength(9);
  });
});

describe("buildExplanationPrompt", () => {
  it("carries the rule and its config, the finding, the import line and the excerpt", () => {
    const finding = layeredFinding();
    const prompt = buildExplanationPrompt({
      finding,
      ruleConfig: ruleConfigFor(CONFIG, finding),
      file: { path: "app/repositories/user.ts", content: bigFile() },
    });
    expect(prompt.system).toBe(SYSTEM_PROMPT);
    expect(prompt.user).toContain("Rule: layered (type: layers, stream: acc, severity: error)");
    expect(prompt.user).toContain('"layers":["presentation","business","data"]');
    expect(prompt.user).toContain('"presentation":["app/routes/**"]');
    expect(prompt.user).toContain(
      `Finding ${finding.id}: data (app/repositories/user.ts) imports presentation`,
    );
    expect(prompt.user).toContain("File: app/repositories/user.ts, line 30");
    expect(prompt.user).toContain('Import line: import { renderUser } from "../routes/users.ts";');
    expect(prompt.user).toContain(">30 |");
    expect(prompt.excerptLines).toBe(9);
    expect(prompt.sha256).toMatch(/^[0-9a-f]{64}$/);
    // Same input, same hash: the audit trail can tell identical prompts apart from different ones.
    const again = buildExplanationPrompt({
      finding,
      ruleConfig: ruleConfigFor(CONFIG, finding),
      file: { path: "app/repositories/user.ts", content: bigFile() },
    });
    expect(again.sha256).toBe(prompt.sha256);
  });

  it("redacts secrets anywhere in the excerpt and counts them", () => {
    const token = `ghp_${"Zz9Yy8Xx7W".repeat(3)}123456`;
    const content = bigFile({ 28: `const apiKey = "${token}";`, 31: 'const password = "hunter2";' });
    const prompt = buildExplanationPrompt({
      finding: layeredFinding(),
      ruleConfig: null,
      file: { path: "app/repositories/user.ts", content },
    });
    expect(prompt.user).not.toContain(token);
    expect(prompt.user).not.toContain("hunter2");
    expect(prompt.user).toContain('28 | const apiKey = "[REDACTED]";');
    expect(prompt.redactions).toBeGreaterThanOrEqual(2);
    expect(prompt.user).toContain("Rule config (JSON): (none)");
  });

  it("says why an excerpt is missing", () => {
    const prompt = buildExplanationPrompt({ finding: layeredFinding(null), ruleConfig: null, file: null });
    expect(prompt.user).toContain("File: app/repositories/user.ts\n");
    expect(prompt.user).not.toContain("Code excerpt");
    const withheld = buildExplanationPrompt({
      finding: { ...layeredFinding(1), file: ".env" },
      ruleConfig: null,
      file: { path: ".env", content: "SECRET=1" },
    });
    expect(withheld.user).toContain("Code excerpt: withheld (the file may hold secrets).");
    expect(withheld.user).not.toContain("SECRET=1");
  });
});

describe("ruleConfigFor", () => {
  it("finds the ACC rule with the globs of the components it names", () => {
    expect(ruleConfigFor(CONFIG, layeredFinding())).toEqual({
      id: "layered",
      type: "layers",
      severity: "error",
      layers: ["presentation", "business", "data"],
      // The rule as the config schema returns it: defaults filled in.
      indirect: true,
      exhaustive: false,
      exhaustiveIgnores: [],
      exempt: [],
      unmatchedExemptions: "notice",
      asPackages: true,
      components: {
        presentation: ["app/routes/**"],
        business: ["app/services/**"],
        data: ["app/repositories/**"],
      },
    });
    expect(
      ruleConfigFor(CONFIG, { ...layeredFinding(), rule: "no-orm", type: "must-not-call" }),
    ).toMatchObject({
      id: "no-orm",
      to: ["package:typeorm"],
      components: { business: ["app/services/**"] },
    });
    expect(ruleConfigFor(CONFIG, { ...layeredFinding(), rule: "gone" })).toBeNull();
  });

  it("finds DDE expectations and required checks, and BDV's section", () => {
    const base = { ...layeredFinding(), line: null };
    expect(
      ruleConfigFor(CONFIG, { ...base, stream: "dde", rule: "api-needs-scenarios", type: "expect" }),
    ).toMatchObject({
      when: "api/**",
      changed: "features/**",
    });
    expect(
      ruleConfigFor(CONFIG, {
        ...base,
        stream: "dde",
        rule: "required-check:ci/test",
        type: "required-check",
      }),
    ).toEqual({
      requiredChecks: ["ci/test"],
    });
    expect(
      ruleConfigFor(CONFIG, { ...base, stream: "bdv", rule: "undefined-step", type: "undefined-step" }),
    ).toMatchObject({
      check: "undefined-step",
      bdv: { features: ["features/**/*.feature"] },
    });
  });
});
