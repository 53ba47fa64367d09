/**
 * TS/JS import graph (extraction + resolution) benchmark. Run: npm run bench -- acc-typescript
 *
 * 1. big: a generated 30,000-file TypeScript monorepo (relative, index, `.js`→`.ts`, tsconfig
 *    `paths` alias, workspace packages with `exports`, externals, built-ins, type-only, dynamic
 *    and require imports), in process: files/s, peak RSS, re-analysis after a 10-file change.
 * 2. mid: a generated 20,000-file repo read from disk, in process: files/s.
 * 3. depcruise: dependency-cruiser against our `graph` command on the same generated tree, both
 *    CLIs as fresh processes reading the same git work tree (always runs; target ≥ 20×).
 * 4. real: the same on a real repository of ≥ 3,000 TypeScript files (bench/peers.json; target
 *    ≥ 15×, same edges), then our whole `check` after a 10-file change with a warm disk cache
 *    (target ≤ 300 ms). Skipped, saying how to fetch it, when the checkout is absent.
 * 5. node-modules: real code offline, every JS/TS source under node_modules, in process.
 * Options (env): BENCH_TS_DEPCRUISE_FILES (default 2000), BENCH_ROUNDS (default 3),
 * BENCH_TS_ONLY=big|mid|depcruise|real|node-modules to run one part, BENCH_PEER_TS=checkout.
 */

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { performance } from "node:perf_hooks";
import {
  extractTypeScript,
  isTypeScriptOrJavaScriptPath,
  MAX_TYPESCRIPT_SOURCE_LENGTH,
} from "../src/core/acc/languages/typescript.ts";
import type { ExtractResult, ProjectFiles, ResolvedImport } from "../src/core/acc/model.ts";
import { createTypeScriptResolver } from "../src/core/acc/resolve/typescript.ts";
import { compareWithDepcruise, depcruiseConfigFor, warmRecheck } from "./lib/depcruise.ts";
import { finish, machine, rounds } from "./lib/measure.ts";
import { typescriptPeer } from "./lib/peers.ts";

const DEPCRUISE_FILES = Number(process.env.BENCH_TS_DEPCRUISE_FILES ?? 2000);
/** Targets (issue 17): cold graph against dependency-cruiser, and the warm re-check. */
const GENERATED_TARGET = 20;
const REAL_TARGET = 15;
const WARM_RECHECK_MS = 300;
const ONLY = process.env.BENCH_TS_ONLY;
const runs = (part: string) => ONLY === undefined || ONLY === part;

// ---------------------------------------------------------------- generated repository

function generateRepo(root: string, fileCount: number): void {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  const perPackage = 500;
  const perDir = 20;
  const packageCount = Math.max(2, Math.ceil(fileCount / perPackage));
  const names = Array.from({ length: packageCount }, (_, p) => (p === 0 ? "shared" : `pkg${p}`));
  write(
    "package.json",
    JSON.stringify({ name: "bench-root", private: true, workspaces: ["packages/*"] }, null, 2),
  );
  write(
    "tsconfig.json",
    `{
  // JSONC on purpose
  "compilerOptions": {
    "module": "nodenext", "moduleResolution": "nodenext", "strict": true,
    "baseUrl": ".",
    "paths": { "@shared/*": ["packages/shared/src/*"], },
  },
}
`,
  );
  let written = 0;
  for (const [p, name] of names.entries()) {
    const dir = `packages/${name}`;
    const files = Math.min(perPackage, fileCount - written);
    if (files <= 0) break;
    write(
      `${dir}/package.json`,
      JSON.stringify(
        {
          name: `@bench/${name}`,
          version: "1.0.0",
          type: "module",
          exports: { ".": { types: "./src/index.ts", import: "./src/index.ts" }, "./*": "./src/*.ts" },
        },
        null,
        2,
      ),
    );
    write(`${dir}/tsconfig.json`, JSON.stringify({ extends: "../../tsconfig.json" }, null, 2));
    const dirs = Math.ceil((files - 1) / perDir);
    write(
      `${dir}/src/index.ts`,
      Array.from({ length: Math.min(dirs, 10) }, (_, m) => `export * from "./m${m}/index.js";`).join("\n") +
        "\n",
    );
    written++;
    for (let i = 0; i < files - 1; i++) {
      const m = Math.floor(i / perDir);
      const f = i % perDir;
      const inDir = Math.min(perDir, files - 1 - m * perDir);
      const path = f === 0 ? `${dir}/src/m${m}/index.ts` : `${dir}/src/m${m}/f${f}.ts`;
      const lines: string[] = [`// ${path}: generated`, `import { readFileSync } from "node:fs";`];
      const sibling = () => 1 + Math.floor(random() * Math.max(1, inDir - 1));
      lines.push(`import { value${f} } from "./f${sibling()}${random() < 0.5 ? ".js" : ""}";`);
      lines.push(`import type { Shape } from "./f${sibling()}.js";`);
      if (m > 0)
        lines.push(
          `import * as up from "../m${Math.floor(random() * m)}${random() < 0.5 ? "" : "/index.js"}";`,
        );
      const other = pick(names);
      if (random() < 0.6) lines.push(`import { api } from "@bench/${other}";`);
      else lines.push(`import { deep } from "@bench/${other}/m0/f${1 + Math.floor(random() * 5)}";`);
      if (random() < 0.5)
        lines.push(
          `import { util } from "@shared/m${Math.floor(random() * 3)}/f${1 + Math.floor(random() * 9)}.js";`,
        );
      lines.push(
        `import ${pick(["React", "lodash", "z", "pg"])} from "${pick(["react", "lodash/fp", "zod", "@scope/pkg/deep", "pg"])}";`,
      );
      if (random() < 0.3) lines.push(`import path from "${pick(["path", "node:path", "fs/promises"])}";`);
      if (random() < 0.1) lines.push(`export * from "./f${sibling()}.js";`);
      lines.push(
        "",
        "/**",
        ` * Module ${i} of ${name}. The next line is documentation, not an import:`,
        ' * import { nothing } from "./not-an-import";',
        " */",
        `export const value${f} = ${i};`,
        `export interface Shape${f} { readonly id: number; readonly name: string; readonly tags: string[] }`,
        `export function compute${f}(input: Shape${f}[]): number {`,
        "  let total = 0;",
        "  for (const item of input) {",
        "    total += item.id * item.tags.length;",
        "    if (item.name === \"require('./fake')\") total -= 1;",
        "  }",
        "  return total;",
        "}",
        `export class Service${f} {`,
        "  private readonly cache = new Map<string, number>();",
        "  get(key: string): number | undefined { return this.cache.get(key); }",
        "  set(key: string, value: number): void { this.cache.set(key, value); }",
        `  describe(): string { return \`service with \${this.cache.size} entries\`; }`,
        "}",
      );
      if (random() < 0.15) lines.push(`export const lazy = () => import("./f${sibling()}.js");`);
      if (random() < 0.05) lines.push(`export const legacy = require("./f${sibling()}");`);
      if (f === 0) lines.push(`export const api = 1;`, `export * from "./f${sibling()}.js";`);
      write(path, `${lines.join("\n")}\n`);
      written++;
    }
    // Workspace links, as npm/pnpm create them (we ignore node_modules; depcruise needs them).
    mkdirSync(join(root, "node_modules/@bench"), { recursive: true });
    symlinkSync(join(root, dir), join(root, `node_modules/@bench/${name}`), "dir");
    if (p === packageCount - 1) break;
  }
}

// ---------------------------------------------------------------- our pipeline

interface Snapshot {
  readonly texts: Map<string, string>;
  readonly shas: Map<string, string>;
}

function blobSha(text: string): string {
  const bytes = Buffer.from(text, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

function listFiles(root: string, dir = root, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === ".git") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) listFiles(root, path, out);
    else if (entry.isFile()) out.push(relative(root, path));
  }
  return out;
}

function readSnapshot(root: string, withShas: boolean): Snapshot {
  const texts = new Map<string, string>();
  const shas = new Map<string, string>();
  for (const path of listFiles(root)) {
    const text = readFileSync(join(root, path), "utf8");
    texts.set(path, text);
    if (withShas) shas.set(path, blobSha(text));
  }
  return { texts, shas };
}

function projectOf(texts: Map<string, string>): ProjectFiles {
  return {
    paths: [...texts.keys()],
    has: (path) => texts.has(path),
    read: (path) => texts.get(path),
  };
}

let peakRss = 0;
const sampleRss = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
};

/**
 * Wall time and CPU time (user + system of this process). The machine is shared, so wall
 * time swings with other load; CPU time is the work we did.
 */
interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function startTimer(): () => Timing {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { wallMs: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const timing = (t: Timing) => `${fmt(t.wallMs)} ms wall, ${fmt(t.cpuMs)} ms CPU`;
const perSecond = (count: number, t: Timing) =>
  `${fmt((count / t.wallMs) * 1000)} files/s wall, ${fmt((count / t.cpuMs) * 1000)} files/s CPU`;

interface GraphRun {
  readonly files: number;
  readonly extracted: number;
  readonly edges: Map<string, ResolvedImport[]>;
  readonly extract: Timing;
  readonly resolve: Timing;
  readonly total: Timing;
}

function buildGraph(snapshot: Snapshot, cache?: Map<string, ExtractResult>): GraphRun {
  const stopTotal = startTimer();
  const project = projectOf(snapshot.texts);
  const sources = project.paths.filter(isTypeScriptOrJavaScriptPath);
  const raw = new Map<string, ExtractResult>();
  let extracted = 0;
  const stopExtract = startTimer();
  for (const [index, path] of sources.entries()) {
    const sha = snapshot.shas.get(path);
    let result = sha === undefined ? undefined : cache?.get(sha);
    if (result === undefined) {
      result = extractTypeScript(path, snapshot.texts.get(path) ?? "");
      extracted++;
      if (sha !== undefined) cache?.set(sha, result);
    }
    raw.set(path, result);
    if (index % 1000 === 0) sampleRss();
  }
  const extract = stopExtract();
  const stopResolve = startTimer();
  const resolve = createTypeScriptResolver(project);
  const edges = new Map<string, ResolvedImport[]>();
  for (const [index, path] of sources.entries()) {
    const list: ResolvedImport[] = [];
    for (const item of raw.get(path)?.imports ?? []) {
      for (const edge of resolve(path, item)) list.push(edge);
    }
    edges.set(path, list);
    if (index % 1000 === 0) sampleRss();
  }
  const resolveTiming = stopResolve();
  sampleRss();
  return { files: sources.length, extracted, edges, extract, resolve: resolveTiming, total: stopTotal() };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "maestro-bench-ts-"));
  try {
    console.log(`ACC TypeScript/JavaScript graph; machine: ${machine()}`);
    if (runs("big")) bigRepo(work);
    if (runs("mid")) midRepo(work);
    if (runs("depcruise")) generatedAgainstDepcruise(work);
    if (runs("real")) realAgainstDepcruise();
    if (runs("node-modules")) realCode();
  } finally {
    rmSync(work, { recursive: true, force: true });
    finish();
  }
}

/** The generated tree as a git work tree both CLIs read from disk (always runs). */
function generatedAgainstDepcruise(work: string): void {
  const dir = join(work, "depcruise");
  generateRepo(dir, DEPCRUISE_FILES);
  writeFileSync(join(dir, ".gitignore"), "node_modules\n");
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "generated");
  const depcruiseConfig = join(work, "depcruise.json");
  writeFileSync(
    depcruiseConfig,
    JSON.stringify({
      options: {
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        doNotFollow: { path: "node_modules" },
        exclude: { path: "node_modules" },
        enhancedResolveOptions: {
          exportsFields: ["exports"],
          conditionNames: ["import", "require", "node", "default", "types"],
        },
      },
    }),
  );
  compareWithDepcruise(
    { label: `generated ${fmt(DEPCRUISE_FILES)}-file tree`, dir, scope: ["packages"], depcruiseConfig },
    rounds(3),
    GENERATED_TARGET,
  );
  rmSync(dir, { recursive: true, force: true });
}

/** A real repository of ≥ 3,000 TypeScript files (bench/peers.json), when it is on disk. */
function realAgainstDepcruise(): void {
  const peer = typescriptPeer();
  if (peer.skip) {
    console.log(`  skipped: ${peer.skip}`);
    return;
  }
  const target = {
    label: `${peer.name}@${peer.commit.slice(0, 12)}`,
    dir: peer.dir,
    scope: peer.scope,
    depcruiseConfig: depcruiseConfigFor(peer.dir, peer.tsconfig ?? "tsconfig.json"),
  };
  try {
    compareWithDepcruise(target, rounds(3), REAL_TARGET);
    warmRecheck(target, rounds(3), WARM_RECHECK_MS);
  } finally {
    rmSync(join(target.depcruiseConfig, ".."), { recursive: true, force: true });
  }
}

/** 30,000 files: throughput, memory, warm re-analysis. */
function bigRepo(work: string): void {
  const big = join(work, "big");
  generateRepo(big, 30_000);
  const baseline = process.memoryUsage.rss();
  const snapshot = readSnapshot(big, true);
  const cache = new Map<string, ExtractResult>();
  const cold = buildGraph(snapshot, cache);
  const edges = [...cold.edges.values()].reduce((sum, list) => sum + list.length, 0);
  console.log(
    `  generated repo, ${fmt(cold.files)} TS files, ${fmt(edges)} imports (files already in memory):`,
  );
  console.log(`    extract ${timing(cold.extract)}; resolve ${timing(cold.resolve)}`);
  console.log(`    → ${perSecond(cold.files, cold.total)}`);
  console.log(`    peak RSS ${mb(peakRss)} (before reading the repo: ${mb(baseline)}; target < 500 MB)`);

  // Three rounds, 10 different files each; the best round is the figure (others show the noise).
  const sources = [...snapshot.texts.keys()].filter(isTypeScriptOrJavaScriptPath);
  const rounds: Timing[] = [];
  let reExtracted = 0;
  for (let round = 0; round < 3; round++) {
    const stop = startTimer();
    for (const path of sources.slice(100 + round * 10, 110 + round * 10)) {
      const text = `${snapshot.texts.get(path)}\nimport "./f1.js";\n`;
      snapshot.texts.set(path, text);
      snapshot.shas.set(path, blobSha(text));
    }
    reExtracted = buildGraph(snapshot, cache).extracted;
    rounds.push(stop());
  }
  const best = rounds.reduce((a, b) => (b.wallMs < a.wallMs ? b : a));
  console.log(
    `    re-analysis after a 10-file change, warm cache: ${timing(best)} ` +
      `(${reExtracted} files re-extracted, ${fmt(sources.length)} re-resolved; target < 1000 ms; ` +
      `rounds: ${rounds.map((r) => fmt(r.wallMs)).join(", ")} ms wall)`,
  );
  snapshot.texts.clear();
  rmSync(big, { recursive: true, force: true });
}

function midRepo(work: string): void {
  const mid = join(work, "mid");
  generateRepo(mid, 20_000);
  const stop = startTimer();
  const run = buildGraph(readSnapshot(mid, false));
  const total = stop();
  console.log(`  generated repo, ${fmt(run.files)} TS files, reading from disk included: ${timing(total)}`);
  console.log(`    → ${perSecond(run.files, total)}`);
  rmSync(mid, { recursive: true, force: true });
}

/** Real code offline: every JS/TS source (and package.json) under node_modules. */
function realCode(): void {
  const root = join(import.meta.dirname, "../node_modules");
  const texts = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (
        entry.isFile() &&
        (isTypeScriptOrJavaScriptPath(entry.name) || entry.name === "package.json")
      ) {
        const text = readFileSync(path, "utf8");
        if (text.length <= MAX_TYPESCRIPT_SOURCE_LENGTH) texts.set(relative(root, path), text);
      }
    }
  };
  walk(root);
  const run = buildGraph({ texts, shas: new Map() });
  let toFiles = 0;
  let imports = 0;
  let errors = 0;
  for (const list of run.edges.values()) {
    imports += list.length;
    for (const edge of list) if (edge.target !== null) toFiles++;
  }
  for (const path of run.edges.keys()) if (extractTypeScript(path, texts.get(path) ?? "").error) errors++;
  console.log(
    `  real code (every JS/TS source under node_modules): ${fmt(run.files)} files, ${fmt(imports)} imports ` +
      `(${fmt(toFiles)} resolved to files), ${errors} files with parse errors:`,
  );
  console.log(
    `    extract ${timing(run.extract)}; resolve ${timing(run.resolve)} → ${perSecond(run.files, run.total)}`,
  );
}

await main();
