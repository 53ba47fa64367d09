/**
 * Rule evaluation on a synthetic 30,000-file import graph (no parsing: the graph is built
 * in memory), so the figures isolate component mapping, the rule engine, cycles and
 * metrics, with every rule type (indirect chains, exemptions, import kinds included); then the incremental path analyze takes for the base commit (context derived
 * from the head's, per-file rules evaluated on the 10 changed files only). Wall and CPU
 * time (process.cpuUsage) are printed with the load average: on a shared machine CPU time
 * is the honest figure. Run: npx node bench/acc-rules.bench.ts
 */
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { ComponentMap } from "../src/core/acc/components.ts";
import { computeMetrics } from "../src/core/acc/metrics.ts";
import type { GraphFile, ResolvedImport } from "../src/core/acc/model.ts";
import { createAccContext, deriveAccContext } from "../src/core/acc/rules/context.ts";
import { evaluateRules } from "../src/core/acc/rules/index.ts";
import { loadConfig } from "../src/core/config/load.ts";
import type { Notice } from "../src/core/findings.ts";

const FILES = 30_000;
const COMPONENTS = 12;
const IMPORTS_PER_FILE = 8;

let seed = 7;
function random(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
}

const componentNames = Array.from({ length: COMPONENTS }, (_, c) => `c${c}`);
const pathOf = (i: number) => `src/c${i % COMPONENTS}/m${Math.floor(i / COMPONENTS) % 50}/f${i}.ts`;
const paths = Array.from({ length: FILES }, (_, i) => pathOf(i));
const files: GraphFile[] = paths
  .map((path, i) => {
    const imports: ResolvedImport[] = [];
    for (let k = 0; k < IMPORTS_PER_FILE; k++) {
      // Mostly "downwards" (to a higher component number), some upwards to create violations and cycles.
      const up = random() < 0.05;
      const component = i % COMPONENTS;
      const targetComponent = up
        ? Math.floor(random() * (component + 1))
        : component + Math.floor(random() * (COMPONENTS - component));
      const row = Math.floor(random() * (FILES / COMPONENTS));
      const target = paths[row * COMPONENTS + targetComponent]!;
      imports.push({
        specifier: `./${target}`,
        line: k + 1,
        kind: k === 0 ? "type" : "import",
        target,
        external: null,
      });
    }
    if (random() < 0.3)
      imports.push({ specifier: "lodash/fp", line: 20, kind: "import", target: null, external: "lodash" });
    if (random() < 0.1)
      imports.push({ specifier: "typeorm", line: 21, kind: "import", target: null, external: "typeorm" });
    return { path, language: "typescript" as const, imports };
  })
  .sort((a, b) => (a.path < b.path ? -1 : 1));

const components = componentNames.map((name) => `    ${name}: ["src/${name}/**"]`).join("\n");
const loaded = loadConfig(`acc:
  components:
${components}
  rules:
    - { id: layered, type: layers, layers: [${componentNames.join(", ")}] }
    - { id: c0-calls, type: can-call, from: c0, to: [c1, c2, "package:lodash"] }
    - { id: c5-not, type: must-not-call, from: c5, to: [c1, "package:typeorm"] }
    - { id: file-cycles, type: no-cycles, scope: file }
    - { id: component-cycles, type: no-cycles, scope: component }
    - { id: fan-out, type: coupling, metric: fan-out, max: 7 }
    - { id: component-coupling, type: coupling, scope: component, metric: total, max: 10 }
    - { id: c11-not-c0, type: forbidden, from: "glob:src/c11/**", to: "glob:src/c0/**" }
    - id: c10-not-c1-exempt
      type: forbidden
      from: c10
      to: c1
      indirect: false
      exempt: [{ from: "glob:src/c10/m1/**", to: "glob:src/c1/**" }]
    - { id: areas-independent, type: independence, modules: "glob:src/{area}/m7/**" }
    - { id: runtime-cycles, type: no-cycles, ignoreKinds: [type-only] }
    - { id: cycle-imports, type: no-cycles, report: import, from: "regex:^src/c3/" }
    - { id: c2-protected, type: protected, modules: "glob:src/c2/**", allowedImporters: ["glob:src/c0/**", "glob:src/c1/**"] }
    - { id: c4-allowed, type: allowed, from: c4, allow: [{ to: "glob:src/**" }, { to: "package:lodash" }] }
    - { id: unresolvable, type: unresolvable }
    - { id: orphans, type: orphans }
    - { id: declared, type: dependencies, forbid: [undeclared] }
    - { id: dead-code, type: unreachable, from: "glob:src/c0/m0/**", to: "glob:src/c11/**" }
    - { id: acyclic, type: acyclic-siblings, ancestors: ["glob:src"], depth: 1 }
`);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const acc = loaded.config.acc!;

function time<T>(label: string, run: () => T): T {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = run();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  console.log(
    `${label.padEnd(34)} wall ${wall.toFixed(1).padStart(8)} ms  cpu ${((used.user + used.system) / 1000).toFixed(1).padStart(8)} ms`,
  );
  return result;
}

console.log(
  `acc-rules: ${FILES} files, ${files.reduce((n, f) => n + f.imports.length, 0)} imports, ${COMPONENTS} components; load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(" ")}`,
);
for (let round = 1; round <= 2; round++) {
  console.log(`round ${round}`);
  const map = new ComponentMap(acc.components);
  const ctx = time("  context (index + components)", () => createAccContext({ files }, map));
  let total = 0;
  for (const rule of acc.rules) {
    const notices: Notice[] = [];
    const findings = time(`  rule ${rule.id}`, () => evaluateRules([rule], ctx, undefined, { notices }));
    const cut = notices
      .filter((notice) => notice.kind === "indirect-search-cut")
      .map((notice) => notice.message);
    console.log(`    ${findings.length} findings${cut.length > 0 ? `; ${cut.join("; ")}` : ""}`);
    total += findings.length;
  }
  time("  metrics (files + components)", () => computeMetrics(ctx));
  const all = time("  all rules together", () => evaluateRules(acc.rules, ctx));
  console.log(`  findings: ${all.length} (sum of single rules ${total})`);

  // The base of a 10-file change: those files import something else (one import retargeted).
  const changedIndexes = Array.from({ length: 10 }, (_, i) => i * 2_999);
  const changedFiles = files.map((file, i) => {
    if (!changedIndexes.includes(i)) return file;
    const imports = file.imports.map((edge, k) =>
      k === 1 ? { ...edge, target: files[(i + 1) % FILES]!.path } : edge,
    );
    return { ...file, imports };
  });
  const derived = time("  derived context (10 files changed)", () =>
    deriveAccContext(ctx, { files: changedFiles }, changedIndexes),
  );
  if (derived === null) throw new Error("the derived context should exist");
  const nodes = changedIndexes.map((i) => derived.index.get(files[i]!.path)!).sort((a, b) => a - b);
  const incremental = time("  all rules, incremental", () =>
    evaluateRules(acc.rules, derived, { findings: all, changed: nodes }),
  );
  const full = evaluateRules(
    acc.rules,
    createAccContext({ files: changedFiles }, new ComponentMap(acc.components)),
  );
  if (JSON.stringify(incremental) !== JSON.stringify(full)) throw new Error("incremental findings differ");
  console.log(`  incremental findings: ${incremental.length} (identical to a full evaluation)`);
}
