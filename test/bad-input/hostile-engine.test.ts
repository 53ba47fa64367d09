/**
 * Issue 14, the engine's rows: small inputs crafted by an attacker (a fork PR, a writer's
 * command or config) meet the real engine and get a bounded answer and a clear message —
 * never a hang, a crash or a silent pass. The through-the-app versions of these rows live
 * with the app tests.
 */
import { describe, expect, it } from "vitest";
import { moduleExpressionRegex } from "../../src/core/acc/select/module-expression.ts";
import { wildcardRegex } from "../../src/core/acc/select/regex.ts";
import { analyze } from "../../src/core/analyze.ts";
import { runBdv } from "../../src/core/bdv/index.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import type { MaestroConfig } from "../../src/core/config/schema.ts";
import { batchAnnotations } from "../../src/core/report/annotations.ts";
import { streamCheckRun } from "../../src/core/report/check-runs.ts";
import { renderMarkdown } from "../../src/core/report/markdown.ts";
import type { Snapshot } from "../../src/core/snapshot.ts";
import { gitBlobSha } from "../../src/core/snapshot.ts";
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

  it("wildcard package patterns and module expressions from configs match in linear time", () => {
    const started = performance.now();
    expect(wildcardRegex(`${"a*".repeat(20)}b`).test("a".repeat(20_000))).toBe(false);
    expect(wildcardRegex("@scope/*").test("@scope/pkg")).toBe(true);
    expect(moduleExpressionRegex(`pkg${".**.x".repeat(12)}`).test(`pkg${".x".repeat(2_000)}.y`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
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

/** A snapshot of text files plus files given as raw bytes (and entries the snapshot skipped). */
function snapshotWith(
  text: Record<string, string>,
  bytes: Record<string, Uint8Array>,
  skipped: Snapshot["skipped"] = [],
): Snapshot {
  const files = [
    ...snapshotOf(text).files,
    ...Object.entries(bytes).map(([path, content]) => ({ path, blobSha: gitBlobSha(content), content })),
  ].sort((a, b) => (a.path < b.path ? -1 : 1));
  return { commit: null, files, skipped };
}

const VIOLATION = 'import { page } from "../ui/page.ts";\nexport const row = page;\n';

function accFindings(result: Awaited<ReturnType<typeof analyze>>) {
  return result.streams.acc.findings.map((f) => ({
    type: f.type,
    file: f.file,
    line: f.line,
    status: f.status,
  }));
}

describe("nesting deeper than the parsers can take", () => {
  const nested = (open: string, close: string, depth: number) =>
    `export const ok = 1;\nexport const deep = ${open.repeat(depth)}${close.repeat(depth)};\n`;

  it.each([
    ["[", "]"],
    ["{a:", "}"],
    ["(", "1)"],
  ])(
    "a TypeScript file of 10,000 nested %s is an unreadable-file error naming the line, not a crash",
    async (open, close) => {
      const head = snapshotOf({ ...VIOLATING, "src/data/deep.ts": nested(open, close, 10_000) });
      const result = await analyze({ head, config: config(LAYERS), now: NOW });
      expect(result.gate.passed).toBe(false);
      const unreadable = result.streams.acc.findings.find((f) => f.type === "unreadable-file");
      expect(unreadable).toMatchObject({
        file: "src/data/deep.ts",
        line: 2,
        severity: "error",
        status: "new",
      });
      expect(unreadable?.id).toBe("b6bb572e1315");
      expect(unreadable?.message).toMatch(
        /src\/data\/deep\.ts could not be read.*deeper than 500 levels at line 2/,
      );
      // Everything else is still analysed: the layering violation is reported too.
      expect(result.streams.acc.findings.some((f) => f.type === "layers" && f.file === LONG_NAME)).toBe(true);
    },
  );

  it("a Python file of 10,000 nested brackets is unreadable too", async () => {
    const head = snapshotOf({
      ...VIOLATING,
      "src/data/deep.py": `x = ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`,
    });
    const result = await analyze({ head, config: config(LAYERS), now: NOW });
    expect(accFindings(result)).toContainEqual({
      type: "unreadable-file",
      file: "src/data/deep.py",
      line: 1,
      status: "new",
    });
  });

  it("brackets inside strings, comments, templates and regexes do not count; real code passes", async () => {
    const tricky = `// ${"(".repeat(900)}\n/* ${"[".repeat(900)} */\nconst s = "${"{".repeat(900)}";\nconst t = \`${"(".repeat(900)}\${ [1].map((x) => x) }\`;\nconst r = /${"\\(".repeat(900)}/;\n${VIOLATION}`;
    const head = snapshotOf({ "src/ui/page.ts": "export const page = 1;\n", "src/data/tricky.ts": tricky });
    const result = await analyze({ head, config: config(LAYERS), now: NOW });
    expect(accFindings(result)).toEqual([
      { type: "layers", file: "src/data/tricky.ts", line: 6, status: "new" },
    ]);
  });

  it("the limit is an input of the engine: raised, a 600-deep file is parsed; null turns the guard off", async () => {
    const head = snapshotOf({
      ...VIOLATING,
      "src/data/deep.ts": `${VIOLATION.replace("row", "deep")}${nested("[", "]", 600)}`,
    });
    for (const maxNestingDepth of [1_000, null]) {
      const result = await analyze({ head, config: config(LAYERS), now: NOW, maxNestingDepth });
      expect(accFindings(result).map((f) => `${f.type} ${f.file}`)).toEqual([
        `layers ${LONG_NAME}`,
        "layers src/data/deep.ts",
      ]);
    }
    const lowered = await analyze({ head, config: config(LAYERS), now: NOW, maxNestingDepth: 100 });
    expect(accFindings(lowered).map((f) => f.type)).toContain("unreadable-file");
  });
});

describe("source files we could not read fail closed", () => {
  const UI = { "src/ui/page.ts": "export const page = 1;\n" };
  const bytes = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));

  it.each([
    ["a NUL", [0x00]],
    ["an invalid UTF-8 byte", [0xff]],
  ])(
    "`// <%s>` on the first line of a violating .ts file: read as tsc reads it, the violation is found",
    async (_name, odd) => {
      const head = snapshotWith(UI, { "src/data/odd.ts": bytes("// ", odd as number[], "\n", VIOLATION) });
      const result = await analyze({ head, config: config(LAYERS), now: NOW });
      expect(accFindings(result)).toEqual([
        { type: "layers", file: "src/data/odd.ts", line: 2, status: "new" },
      ]);
      expect(result.gate.passed).toBe(false);
    },
  );

  it("a Python file that is not valid UTF-8 is unreadable (CPython refuses it), naming the line", async () => {
    const head = snapshotWith(UI, { "src/data/odd.py": bytes("import os\n# caf", [0xe9], "\n") });
    const result = await analyze({ head, config: config(LAYERS), now: NOW });
    expect(accFindings(result)).toEqual([
      { type: "unreadable-file", file: "src/data/odd.py", line: 2, status: "new" },
    ]);
    expect(result.streams.acc.findings[0]?.message).toMatch(/not valid utf-8 \(line 2\): CPython refuses/);
  });

  it("a Python file declaring latin-1 (PEP 263) is decoded with it and analysed", async () => {
    const head = snapshotWith(
      { ...UI, "src/ui/__init__.py": "", "src/ui/view.py": "x = 1\n", "src/data/__init__.py": "" },
      { "src/data/odd.py": bytes("# -*- coding: latin-1 -*-\n# caf", [0xe9], "\nfrom src.ui import view\n") },
    );
    const result = await analyze({ head, config: config(LAYERS), now: NOW });
    expect(accFindings(result)).toEqual([
      { type: "layers", file: "src/data/odd.py", line: 3, status: "new" },
    ]);
  });

  it("binary-looking, too-large and undecodable source files in scope are findings; images outside it say nothing", async () => {
    const noise = new Uint8Array(4096).map((_, i) => (i * 37) % 256);
    const head = snapshotWith({ ...VIOLATING }, { "src/data/blob.ts": noise }, [
      { path: "src/data/huge.ts", reason: "too-large" },
      { path: "src/data/packed.js", reason: "binary" },
      { path: "docs/logo.png", reason: "binary" },
      { path: "docs/manual.pdf", reason: "too-large" },
      { path: "vendor/lib.ts", reason: "too-large" },
    ]);
    const result = await analyze({
      head,
      config: config(LAYERS.replace("acc:\n", "acc:\n  exclude: [vendor]\n")),
      now: NOW,
    });
    expect(
      accFindings(result)
        .filter((f) => f.type === "unreadable-file")
        .map((f) => f.file),
    ).toEqual(["src/data/blob.ts", "src/data/huge.ts", "src/data/packed.js"]);
    expect(result.gate.passed).toBe(false);
    expect(JSON.stringify(result.notices)).not.toMatch(/logo\.png|manual\.pdf|vendor/);
  });
});

/** The Markdown outside code spans (CommonMark: a run of n backticks up to the next run of exactly n). */
function outsideCodeSpans(markdown: string): string {
  let out = "";
  let i = 0;
  while (i < markdown.length) {
    if (markdown[i] !== "`") {
      out += markdown[i++];
      continue;
    }
    let n = 0;
    while (markdown[i + n] === "`") n++;
    const closing = new RegExp(`(?<!\`)\`{${n}}(?!\`)`, "g");
    closing.lastIndex = i + n;
    const end = closing.exec(markdown);
    if (end === null) {
      out += markdown.slice(i, i + n);
      i += n;
    } else i = end.index + n;
  }
  return out;
}

describe("output is inert", () => {
  const HOSTILE = "src/data/x`@someone **bold** [x](http:evil.example) <img src=x>.ts";

  it("a hostile file name is shown verbatim but inert in the check-run summary, the overflow list and the sticky comment", async () => {
    const head = snapshotOf({ "src/ui/page.ts": "export const page = 1;\n", [HOSTILE]: VIOLATION });
    const result = await analyze({ head, config: config(LAYERS), now: NOW });
    const run = streamCheckRun(result, "acc", new Set([HOSTILE]));
    const overflow = batchAnnotations(run.annotations, 0).overflowText;
    const comment = renderMarkdown(result);
    for (const markdown of [run.summary, overflow, comment]) {
      expect(markdown).toContain("[x](http:evil.example)"); // shown, inside a code span
      const live = outsideCodeSpans(markdown);
      expect(live).not.toMatch(/@someone|\*\*bold\*\*|\]\(http|<img/);
    }
  });
});

describe("OpenAPI $ref chains", () => {
  const BDV = `bdv:
  features: ["features/**/*.feature"]
  steps: ["features/**/*.ts"]
  contracts: [{ name: users, spec: api/users.yaml }]
`;
  /** `links` path items, each a $ref to the next, the last one a real operation. */
  function chained(links: number): string {
    const lines = ["openapi: 3.0.0", "info: { title: users, version: 1.0.0 }", "paths:"];
    for (let i = 0; i < links; i++) lines.push(`  /p${i}: { $ref: "#/paths/~1p${i + 1}" }`);
    lines.push(`  /p${links}:`, "    get:", "      responses:", "        '200': { description: ok }");
    return `${lines.join("\n")}\n`;
  }
  const files = (spec: string) => ({
    "features/users.feature": "Feature: users\n",
    "features/steps.ts": "import { Given } from '@cucumber/cucumber';\nGiven('a user', () => {});\n",
    "api/users.yaml": spec,
  });

  it("4,000 chained path-item $refs resolve in linear time", () => {
    const started = performance.now();
    const result = runBdv({ head: snapshotOf(files(chained(4_000))), config: config(BDV).bdv! });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.findings.filter((f) => f.type === "invalid-contract")).toEqual([]);
    expect(result.summary.coverage[0]?.contract).toBe("users");
  });

  it("20,000 chained $refs finish quickly with an invalid-contract error naming the file", () => {
    const started = performance.now();
    const result = runBdv({ head: snapshotOf(files(chained(20_000))), config: config(BDV).bdv! });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result.findings).toContainEqual(
      expect.objectContaining({
        type: "invalid-contract",
        file: "api/users.yaml",
        severity: "error",
        message: expect.stringMatching(
          /api\/users\.yaml cannot be read: a \$ref chain is longer than 10000 links/,
        ),
      }),
    );
  });
});
