/**
 * The whole pipeline (analyze: ACC + DDE on base and head, diff, suppressions, gate, reports)
 * on a generated 10,000-file TypeScript repository in memory, cold and with a warm
 * extraction cache after a 10-file change; then `maestro-hive check` end to end on a real
 * git checkout of the same repository (cold and warm disk cache).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gitBlobSha } from "../src/cli/git-snapshot.ts";
import { memoryIo } from "../src/cli/io.ts";
import { main } from "../src/cli/main.ts";
import type { ExtractionCache, ExtractResult } from "../src/core/acc/model.ts";
import { analyze } from "../src/core/analyze.ts";
import { loadConfig } from "../src/core/config/load.ts";
import { renderJson } from "../src/core/report/json.ts";
import { renderMarkdown } from "../src/core/report/markdown.ts";
import { renderSarif } from "../src/core/report/sarif.ts";
import type { Snapshot } from "../src/core/snapshot.ts";

const FILES = 10_000;
const LAYERS = ["ui", "domain", "data"] as const;

const CONFIG = `
acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
    - { id: no-pg-in-ui, type: must-not-call, from: ui, to: ["package:pg"] }
    - { id: coupling, type: coupling, metric: total, max: 40, severity: warning }
  suppressions:
    - { id: legacy, level: file, pattern: "src/data/m1*", justification: "legacy", expires: "2099-01-01" }
dde:
  expect:
    - { when: "src/data/**", changed: "docs/**", severity: warning }
`;

function generate(seed: number, changed: ReadonlySet<number> = new Set()): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) {
    const layer = LAYERS[i % 3]!;
    const imports: string[] = [];
    for (let k = 1; k <= 4; k++) {
      const j = (i * 7 + k * 13 + seed) % FILES;
      const otherLayer = LAYERS[j % 3]!;
      imports.push(`import { v${k} } from "../${otherLayer}/m${j}.ts";`);
    }
    if (layer === "ui" && i % 50 === 0) imports.push('import pg from "pg";');
    const version = changed.has(i) ? "// changed\n" : "";
    files[`src/${layer}/m${i}.ts`] = `${version}${imports.join("\n")}\nexport const value = ${i};\n`;
  }
  return files;
}

function snapshot(files: Record<string, string>, commit: string): Snapshot {
  const encoder = new TextEncoder();
  return {
    commit,
    files: Object.entries(files).map(([path, text]) => {
      const content = encoder.encode(text);
      return { path, blobSha: gitBlobSha(content), content };
    }),
    skipped: [],
  };
}

function ms(start: number): string {
  return `${(performance.now() - start).toFixed(0)} ms`;
}

const loaded = loadConfig(CONFIG);
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const config = loaded.config;
const baseFiles = generate(0);
const changedIndexes = new Set(Array.from({ length: 10 }, (_, i) => i * 997));
const headFiles = generate(0, changedIndexes);
const base = snapshot(baseFiles, "b".repeat(40));
const head = snapshot(headFiles, "a".repeat(40));

const store = new Map<string, ExtractResult>();
const cache: ExtractionCache = { get: (k) => store.get(k), set: (k, v) => void store.set(k, v) };
const now = new Date();

let start = performance.now();
const cold = await analyze({ head, base, config, now, extractionCache: cache, checkRuns: [] });
console.log(`analyze base+head, ${FILES} files each, cold cache: ${ms(start)}`);
console.log(`  phases: ${JSON.stringify(cold.timings)}`);
const counts = cold.streams.acc.counts;
console.log(
  `  ACC findings: ${cold.streams.acc.findings.length} (new ${counts.new}, existing ${counts.existing}, suppressed ${counts.suppressed}, fixed ${counts.fixed}); verdict ${cold.gate.verdict}`,
);

start = performance.now();
const warm = await analyze({ head, base, config, now, extractionCache: cache, checkRuns: [] });
console.log(
  `analyze again (10 files changed, warm cache): ${ms(start)}; phases ${JSON.stringify(warm.timings)}`,
);

start = performance.now();
const json = renderJson(warm);
const markdown = renderMarkdown(warm);
const sarif = renderSarif(warm);
console.log(
  `reports: json ${(json.length / 1024).toFixed(0)} KiB, markdown ${markdown.length} chars, sarif ${(sarif.length / 1024).toFixed(0)} KiB in ${ms(start)}`,
);

// The CLI end to end on a real git checkout of the head files.
const dir = mkdtempSync(join(tmpdir(), "maestro-bench-"));
try {
  for (const [path, text] of Object.entries(headFiles)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  await mkdir(join(dir, ".github"), { recursive: true });
  writeFileSync(join(dir, ".github/maestro-hive.yml"), CONFIG);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "bench");
  for (const label of ["cold disk cache", "warm disk cache"]) {
    const io = memoryIo(dir, {});
    start = performance.now();
    const code = await main(["check", ".", "--base", "HEAD", "--format", "json"], io);
    console.log(
      `maestro-hive check --base HEAD (${FILES} files, both commits), ${label}: ${ms(start)}, exit ${code}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const memory = process.memoryUsage();
console.log(
  `peak-ish memory: rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
);
