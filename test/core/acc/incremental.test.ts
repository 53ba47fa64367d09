import { describe, expect, it } from "vitest";
import { type AccResult, runAcc } from "../../../src/core/acc/index.ts";
import type { ExtractionCache, ExtractResult } from "../../../src/core/acc/model.ts";
import { snapshotOf } from "./helpers.ts";
import { accConfig } from "./rules/harness.ts";

/**
 * runAcc with `previous` (how analyze runs the base after the head) takes over the head's
 * resolutions, context and per-file findings where they still hold. Whatever the change,
 * the result must be exactly what a run from scratch gives. Real TS extractor + resolver.
 */
const config = accConfig(`acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
    shared: ["shared/**", "src/domain/shared/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
    - { id: ui-calls, type: can-call, from: ui, to: [domain, "package:react"] }
    - { id: no-pg-in-ui, type: must-not-call, from: ui, to: ["package:pg", data] }
    - { id: file-cycles, type: no-cycles, scope: file }
    - { id: component-cycles, type: no-cycles, scope: component }
    - { id: fan-in, type: coupling, metric: fan-in, max: 1 }
    - { id: component-coupling, type: coupling, scope: component, metric: total, max: 1 }
    - { id: ui-not-data, type: forbidden, from: ui, to: data }
    - id: ui-not-data-direct
      type: forbidden
      from: ui
      to: [data, "package:pg"]
      indirect: false
      exempt: [{ from: "glob:src/ui/list.ts", to: "glob:src/data/x.ts" }]
    - { id: areas-independent, type: independence, modules: "glob:src/{area}/**", ignoreKinds: [type-only] }
    - { id: declared, type: dependencies, forbid: [undeclared] }
    - { id: orphans, type: orphans }
    - { id: unresolved, type: unresolvable }
    - { id: runtime-cycles, type: no-cycles, ignoreKinds: [type-only], report: import }
`);

const head: Record<string, string> = {
  "tsconfig.json": JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@d/*": ["src/domain/*"] } } }),
  "package.json": JSON.stringify({ name: "app" }),
  "src/ui/page.ts": 'import { a } from "../domain/a.ts";\nimport pg from "pg";\nimport React from "react";\n',
  "src/ui/list.ts": 'import { b } from "@d/b";\nimport { x } from "../data/x.ts";\nimport "./page.ts";\n',
  "src/domain/a.ts": 'import { b } from "./b.ts";\nimport { page } from "../ui/page.ts";\n',
  "src/domain/b.ts":
    'import { a } from "./a.ts";\nimport { x } from "../data/x.ts";\nimport fs from "node:fs";\n',
  "src/domain/shared/s.ts": 'import { a } from "../a.ts";\nimport { gone } from "./gone.ts";\n',
  "src/data/x.ts": 'import { y } from "./y.ts";\nimport data from "./data.json";\n',
  "src/data/y.ts": 'import { x } from "./x.ts";\nimport { list } from "../ui/list.ts";\n',
  "src/data/data.json": "{}",
  "src/data/extra.json": "{}",
  "shared/util.ts": "export const u = 1;\n",
};

/** The parts of the result that must not depend on how it was computed. */
function observable(result: AccResult) {
  return { graph: result.graph, findings: result.findings, notices: result.notices, metrics: result.metrics };
}

function memoryCache(): ExtractionCache {
  const store = new Map<string, ExtractResult>();
  return { get: (key) => store.get(key), set: (key, value) => void store.set(key, value) };
}

const variants: Record<string, (files: Record<string, string>) => void> = {
  "no change": () => {},
  "lines shift in one file (a comment added on top)": (files) => {
    files["src/domain/b.ts"] = `// edited\n${files["src/domain/b.ts"]}`;
  },
  "an import removed (a cycle broken)": (files) => {
    files["src/data/y.ts"] = 'import { x } from "./x.ts";\n';
  },
  "a new layer violation in an unchanged-path file": (files) => {
    files["src/data/x.ts"] =
      `${files["src/data/x.ts"]}import { s } from "../domain/shared/s.ts";\nimport React from "react";\n`;
  },
  "an import of a file outside the graph that head did not import": (files) => {
    files["src/data/y.ts"] = `${files["src/data/y.ts"]}import extra from "./extra.json";\n`;
  },
  "the only import of a file outside the graph removed": (files) => {
    files["src/data/x.ts"] = 'import { y } from "./y.ts";\n';
  },
  "a file added": (files) => {
    files["src/ui/new.ts"] = 'import { x } from "../data/x.ts";\n';
  },
  "a file deleted": (files) => {
    delete files["src/domain/shared/s.ts"];
  },
  "tsconfig paths changed": (files) => {
    files["tsconfig.json"] = JSON.stringify({
      compilerOptions: { baseUrl: ".", paths: { "@d/*": ["src/data/*"] } },
    });
  },
  "package.json declares a dependency (the graph is the same, the findings are not)": (files) => {
    files["package.json"] = JSON.stringify({ name: "app", dependencies: { react: "^19" } });
  },
  "a new chain through unchanged files (indirect rules are graph-wide)": (files) => {
    files["shared/util.ts"] = 'import { y } from "../src/data/y.ts";\n';
    files["src/ui/page.ts"] = `${files["src/ui/page.ts"]}import { u } from "../../shared/util.ts";\n`;
  },
  "an exempted import removed": (files) => {
    files["src/ui/list.ts"] = 'import { b } from "@d/b";\nimport "./page.ts";\n';
  },
  "a file no longer parses": (files) => {
    files["src/ui/list.ts"] = `${files["src/ui/list.ts"]}import {\n`;
  },
};

describe("runAcc with the result of a similar snapshot (previous)", () => {
  for (const [name, change] of Object.entries(variants)) {
    it(`equals a run from scratch: ${name}`, () => {
      const cache = memoryCache();
      const headResult = runAcc(snapshotOf(head), config, { extractionCache: cache });
      const files = { ...head };
      change(files);
      const base = snapshotOf(files);
      const fromScratch = runAcc(base, config);
      const derived = runAcc(base, config, { extractionCache: cache, previous: headResult });
      expect(observable(derived)).toEqual(observable(fromScratch));
      expect(derived.stats.findings).toBe(fromScratch.stats.findings);
      expect(derived.stats.mappedFiles).toBe(fromScratch.stats.mappedFiles);
      expect(derived.stats.imports).toBe(fromScratch.stats.imports);
    });
  }

  it("takes over unchanged files' graph entries and, with equal graphs, the findings", () => {
    const headResult = runAcc(snapshotOf(head), config);
    expect(headResult.findings.length).toBeGreaterThan(5);
    // Every rule type of the config has something to say about this project.
    const rules = new Set(headResult.findings.map((finding) => finding.rule));
    expect(config.rules.filter((rule) => !rules.has(rule.id)).map((rule) => rule.id)).toEqual([]);
    expect(headResult.findings.some((finding) => finding.rule === "ui-not-data" && finding.chain)).toBe(true);
    const same = runAcc(snapshotOf(head), config, { previous: headResult });
    expect(same.findings).toBe(headResult.findings);
    expect(same.graph.files[0]).toBe(headResult.graph.files[0]);
    const edited = { ...head, "src/domain/b.ts": `// edited\n${head["src/domain/b.ts"]}` };
    const derived = runAcc(snapshotOf(edited), config, { previous: headResult });
    const unchanged = derived.graph.files.find((file) => file.path === "src/ui/page.ts");
    expect(unchanged).toBe(headResult.graph.files.find((file) => file.path === "src/ui/page.ts"));
    const changed = derived.graph.files.find((file) => file.path === "src/domain/b.ts")!;
    expect(changed.imports.map((edge) => edge.line)).toEqual([2, 3, 4]);
  });
});
