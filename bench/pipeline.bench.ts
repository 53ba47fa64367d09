/**
 * The whole pipeline (analyze: ACC + DDE on base and head, diff, suppressions, gate, reports)
 * on a generated TypeScript repository in memory (30,000 files by default; BENCH_FILES=n to
 * change), cold and with a warm extraction cache after a 10-file change — the re-analysis a
 * pull request update triggers (the app and `check --base` both analyse head AND base) —
 * then `maestro-hive check --base` end to end on a real git checkout of the same repository
 * (cold and warm disk cache; BENCH_CLI=0 skips it).
 *
 * The machine may be shared: every figure shows wall time AND this process's CPU time
 * (process.cpuUsage, user+system), and the load average is printed. CPU time is the honest
 * figure on a loaded machine. Run: npx node bench/pipeline.bench.ts
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
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
import { renderText } from "../src/core/report/text.ts";
import type { Snapshot } from "../src/core/snapshot.ts";

const FILES = Number(process.env.BENCH_FILES ?? 30_000);
const RUN_CLI = process.env.BENCH_CLI !== "0";
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
    - { id: legacy, level: file, pattern: "src/data/d1/**", justification: "legacy", expires: "2099-01-01" }
dde:
  expect:
    - { when: "src/data/**", changed: "docs/**", severity: warning }
`;

/** Files spread over 100 folders per layer, four relative imports each (some upwards: layer violations). */
function generate(seed: number, changed: ReadonlySet<number> = new Set()): Record<string, string> {
  const pathOf = (i: number) => `src/${LAYERS[i % 3]}/d${Math.floor(i / 3) % 100}/m${i}.ts`;
  const files: Record<string, string> = {};
  for (let i = 0; i < FILES; i++) {
    const imports: string[] = [];
    const from = pathOf(i);
    for (let k = 1; k <= 4; k++) {
      const j = (i * 7 + k * 13 + seed) % FILES;
      imports.push(`import { v${k} } from "../../${pathOf(j).slice("src/".length)}";`);
    }
    if (LAYERS[i % 3] === "ui" && i % 50 === 0) imports.push('import pg from "pg";');
    if (i % 10 === 0) imports.push('import { readFile } from "node:fs/promises";');
    const version = changed.has(i) ? "// changed\n" : "";
    files[from] = `${version}${imports.join("\n")}\nexport const value = ${i};\n`;
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

/** Runs `work` and prints `label: wall W ms, cpu C ms`. */
async function measure<T>(label: string, work: () => T | Promise<T>): Promise<T> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const result = await work();
  const wall = performance.now() - start;
  const used = process.cpuUsage(cpu);
  console.log(
    `${label}: wall ${wall.toFixed(0)} ms, cpu ${((used.user + used.system) / 1000).toFixed(0)} ms`,
  );
  return result;
}

const load = () =>
  `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(" ")}`;
console.log(`pipeline: ${FILES} TypeScript files per commit; ${load()}`);

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

// Cold: the extraction cache holds nothing for the base. Warm: everything but the 10 changed files.
const cold = await measure(`analyze one commit (no base), cold cache`, () =>
  analyze({ head: base, base: null, config, now, extractionCache: cache, checkRuns: [] }),
);
console.log(`  phases (ms): ${JSON.stringify(cold.timings)}`);
const peakRss = () => `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`;
let warm = cold;
for (let round = 1; round <= 3; round++) {
  warm = await measure(`analyze base+head after a 10-file change, warm cache (round ${round})`, () =>
    analyze({ head, base, config, now, extractionCache: cache, checkRuns: [] }),
  );
  console.log(`  phases (ms): ${JSON.stringify(warm.timings)}`);
}
const counts = warm.streams.acc.counts;
console.log(
  `  ACC findings: ${warm.streams.acc.findings.length} (new ${counts.new}, existing ${counts.existing}, suppressed ${counts.suppressed}, fixed ${counts.fixed}); verdict ${warm.gate.verdict}`,
);
console.log(`  peak rss so far (both snapshots, cache, results held): ${peakRss()}; ${load()}`);
const json = await measure("report json", () => renderJson(warm));
const markdown = await measure("report markdown", () => renderMarkdown(warm));
const sarif = await measure("report sarif", () => renderSarif(warm));
const text = await measure("report text", () => renderText(warm));
console.log(
  `  sizes: json ${(json.length / 1024).toFixed(0)} KiB, markdown ${markdown.length} chars, sarif ${(sarif.length / 1024).toFixed(0)} KiB, text ${(text.length / 1024).toFixed(0)} KiB`,
);
console.log(`  ${load()}`);

if (RUN_CLI) {
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
      const code = await measure(`maestro-hive check --base HEAD (working tree + HEAD), ${label}`, () =>
        main(["check", ".", "--base", "HEAD", "--format", "json"], io),
      );
      if (code !== 0) console.log(`  exit ${code}`);
    }
    console.log(`  ${load()}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const memory = process.memoryUsage();
console.log(
  `memory: peak rss ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB; now rss ${(memory.rss / 2 ** 20).toFixed(0)} MiB, heap ${(memory.heapUsed / 2 ** 20).toFixed(0)} MiB`,
);
