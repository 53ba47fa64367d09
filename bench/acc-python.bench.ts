/**
 * Python import graph benchmark: extraction (tokenizer + import parser) and resolution.
 *
 * 1. A generated repository of 10,000 Python files in memory (src layout, 50 packages ×
 *    10 subpackages × 18 modules, plus tests) with realistic imports: stdlib, third party, absolute
 *    from-imports of modules and of names, relative imports, TYPE_CHECKING blocks,
 *    function-level and dynamic imports, docstrings and f-strings.
 * 2. The real Python standard library of the machine's python3.
 * Each is measured single-threaded, then with extraction spread over worker threads
 * (one per core, at most 2), resolution on the main thread. Target: ≥ 10,000 files/s.
 *
 * 3. lint-imports: import-linter against our `check` on a real Python package (bench/peers.json),
 *    both CLIs as fresh processes, cold (caches off/empty) and warm, with peak memory.
 *    Skipped, saying how to get them, when the checkout or lint-imports is absent.
 *
 * Run: npm run bench -- acc-python  (BENCH_PY_ONLY=synthetic|stdlib|lint-imports for one part)
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { extractPython } from "../src/core/acc/languages/python.ts";
import type { ExtractResult, ProjectFiles } from "../src/core/acc/model.ts";
import { createPythonResolver } from "../src/core/acc/resolve/python.ts";
import { compareWithImportLinter } from "./lib/import-linter.ts";
import { finish, machine, rounds } from "./lib/measure.ts";
import { lintImports, pythonPeer } from "./lib/peers.ts";

const ONLY = process.env.BENCH_PY_ONLY;
const part = (name: string) => ONLY === undefined || ONLY === name;

const PACKAGES = 50;
const SUBPACKAGES = 10;
const MODULES = 18;
const TOTAL_FILES = 10_000;

// ---- the generated repository ------------------------------------------------------

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const STDLIB = [
  "os",
  "sys",
  "json",
  "logging",
  "re",
  "dataclasses",
  "functools",
  "itertools",
  "pathlib",
  "datetime",
];
const THIRD_PARTY = ["requests", "pydantic", "sqlalchemy.orm", "fastapi", "numpy", "attr", "yaml", "boto3"];

function modulePath(p: number, s: number, m: number): string {
  return `src/app/pkg${p}/sub${s}/mod${m}.py`;
}

/** The whole synthetic repository: path -> source. Deterministic. */
function syntheticRepo(): Map<string, string> {
  const files = new Map<string, string>();
  files.set(
    "pyproject.toml",
    '[project]\nname = "app"\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n',
  );
  files.set("src/app/__init__.py", '"""The app."""\n__version__ = "1.0"\n');
  for (let p = 0; p < PACKAGES; p++) {
    files.set(
      `src/app/pkg${p}/__init__.py`,
      `from .sub0 import mod0\nfrom app.pkg${p}.sub1.mod1 import Model1\n`,
    );
    for (let s = 0; s < SUBPACKAGES; s++) {
      files.set(`src/app/pkg${p}/sub${s}/__init__.py`, `"""Subpackage ${s}."""\nfrom . import mod0\n`);
      for (let m = 0; m < MODULES; m++) {
        files.set(modulePath(p, s, m), moduleSource(p, s, m));
      }
    }
  }
  // test files importing the package from outside the source root
  let t = 0;
  while (files.size - 1 < TOTAL_FILES) {
    const p = t % PACKAGES;
    files.set(
      `tests/test_${t}.py`,
      `import pytest\nfrom app.pkg${p}.sub${t % SUBPACKAGES}.mod${t % MODULES} import Model${t % MODULES}\n\n\ndef test_it():\n    assert Model${t % MODULES}\n`,
    );
    t++;
  }
  return files;
}

function moduleSource(p: number, s: number, m: number): string {
  const random = rng(p * 100_003 + s * 1_009 + m);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const other = (): [number, number, number] => [
    Math.floor(random() * PACKAGES),
    Math.floor(random() * SUBPACKAGES),
    Math.floor(random() * MODULES),
  ];
  const out: string[] = [];
  out.push(
    `"""Module ${p}.${s}.${m}.`,
    "",
    "It mentions import statements in prose: import os, from x import y.",
    '"""',
  );
  out.push("from __future__ import annotations", "");
  for (let i = 0; i < 3; i++) out.push(`import ${pick(STDLIB)}`);
  out.push("from typing import TYPE_CHECKING, Any, Optional");
  out.push(`from ${pick(THIRD_PARTY)} import Session, Base`);
  out.push(`import ${pick(THIRD_PARTY)}`);
  for (let i = 0; i < 2; i++) {
    const [op, os, om] = other();
    out.push(`from app.pkg${op}.sub${os} import mod${om}`);
    out.push(`from app.pkg${op}.sub${os}.mod${om} import Model${om}, helper_${om}`);
  }
  const [ip, is, im] = other();
  out.push(`import app.pkg${ip}.sub${is}.mod${im}`);
  out.push(`from . import mod${(m + 1) % MODULES}, CONSTANT`);
  out.push(`from .mod${(m + 2) % MODULES} import helper_${(m + 2) % MODULES}`);
  out.push(`from ..sub${(s + 1) % SUBPACKAGES} import mod${(m + 3) % MODULES}`);
  out.push("");
  out.push("if TYPE_CHECKING:");
  const [tp, ts, tm] = other();
  out.push(`    from app.pkg${tp}.sub${ts}.mod${tm} import Model${tm}`);
  out.push("    from sqlalchemy.orm import Mapped");
  out.push("");
  out.push(`CONSTANT = ${m}  # import nothing here`);
  out.push("");
  out.push("");
  out.push(`class Model${m}(Base):`);
  out.push(`    """A model. Usage: from app import Model${m}."""`);
  out.push("");
  out.push(`    __tablename__ = "model_${p}_${s}_${m}"`);
  out.push("");
  out.push("    def describe(self, verbose: bool = False) -> str:");
  out.push(`        label = f"{self.__class__.__name__}:{self.id!r:>{10}} {{literal}}"`);
  out.push("        if verbose:");
  out.push("            import pprint");
  out.push("            return pprint.pformat(vars(self))");
  out.push("        return label");
  out.push("");
  out.push("    def load_plugin(self, name: str) -> Any:");
  out.push("        import importlib");
  out.push(`        return importlib.import_module("app.pkg${p}.sub${s}.mod${(m + 4) % MODULES}")`);
  out.push("");
  out.push("");
  out.push(`def helper_${m}(values: list[int], *, scale: float = 1.0) -> dict[str, Any]:`);
  out.push('    """Compute things.\n\n    >>> helper(1)\n    """');
  out.push("    result = {");
  out.push('        "sum": sum(values) * scale,');
  out.push('        "max": max(values, default=0),');
  out.push("    }");
  out.push("    for index, value in enumerate(values):");
  out.push("        if value % 2 == 0:");
  out.push('            result[f"even_{index}"] = value  # comment with import json');
  out.push("        else:");
  out.push("            result[f'odd_{index}'] = value ** 2");
  out.push("    return result");
  out.push("");
  return `${out.join("\n")}\n`;
}

// ---- measurement helpers -----------------------------------------------------------

function mapProject(files: ReadonlyMap<string, string>): ProjectFiles {
  return { paths: [...files.keys()], has: (path) => files.has(path), read: (path) => files.get(path) };
}

function extractAll(entries: readonly (readonly [string, string])[]): ExtractResult[] {
  return entries.map(([path, source]) => extractPython(path, source));
}

function resolveAll(
  files: ReadonlyMap<string, string>,
  paths: readonly string[],
  results: readonly ExtractResult[],
): { edges: number; internal: number; external: number; unresolved: number } {
  const resolve = createPythonResolver(mapProject(files));
  let edges = 0;
  let internal = 0;
  let external = 0;
  for (let i = 0; i < paths.length; i++) {
    for (const raw of results[i]?.imports ?? []) {
      for (const edge of resolve(paths[i] ?? "", raw)) {
        edges++;
        if (edge.target !== null) internal++;
        else if (edge.external !== null) external++;
      }
    }
  }
  return { edges, internal, external, unresolved: edges - internal - external };
}

/** Wall time and this thread's CPU time of `work` (CPU time shows what an idle machine would do). */
function timed<T>(work: () => T): { value: T; ms: number; cpuMs: number } {
  const cpu = process.threadCpuUsage();
  const started = performance.now();
  const value = work();
  const ms = performance.now() - started;
  const used = process.threadCpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function printRow(label: string, files: number, time: { ms: number; cpuMs: number }): void {
  console.log(
    `  ${label}: ${time.ms.toFixed(0)} ms wall = ${rate(files, time.ms)}; ${time.cpuMs.toFixed(0)} ms CPU = ${rate(files, time.cpuMs)}`,
  );
}

function rate(files: number, ms: number): string {
  return `${Math.round((files / ms) * 1000).toLocaleString("en-US")} files/s`;
}

/** Extraction of `entries` split over `threads` workers that read or generate their own share. */
async function extractInWorkers(
  threads: number,
  job: { kind: "synthetic" } | { kind: "disk"; root: string; paths: readonly string[] },
  total: number,
): Promise<{ ms: number; workMs: number; workCpuMs: number; totalCpuMs: number; results: ExtractResult[] }> {
  const started = performance.now();
  const shares = await Promise.all(
    Array.from({ length: threads }, (_, index) => {
      const worker = new Worker(new URL(import.meta.url), { workerData: { job, index, threads, total } });
      return new Promise<{ results: ExtractResult[]; workMs: number; workCpuMs: number }>(
        (resolve, reject) => {
          worker.once("message", resolve);
          worker.once("error", reject);
        },
      ).finally(() => void worker.terminate());
    }),
  );
  const results: ExtractResult[] = new Array(total);
  shares.forEach((share, index) => {
    share.results.forEach((result, k) => {
      results[index + k * threads] = result;
    });
  });
  return {
    ms: performance.now() - started,
    workMs: Math.max(...shares.map((share) => share.workMs)),
    workCpuMs: Math.max(...shares.map((share) => share.workCpuMs)),
    totalCpuMs: shares.reduce((sum, share) => sum + share.workCpuMs, 0),
    results,
  };
}

function workerMain(): void {
  const { job, index, threads } = workerData as {
    job: { kind: "synthetic" } | { kind: "disk"; root: string; paths: string[] };
    index: number;
    threads: number;
  };
  let entries: [string, string][];
  if (job.kind === "synthetic") {
    entries = [...syntheticRepo()].filter(([path]) => path.endsWith(".py"));
  } else {
    entries = job.paths.map((path) => [path, ""]);
  }
  const mine = entries.filter((_, k) => k % threads === index);
  // warm up the JIT on a few files, like the main thread's warm-up round
  const warm = job.kind === "synthetic" ? mine.slice(0, 200) : [];
  extractAll(warm);
  const work = timed(() =>
    mine.map(([path, source]) =>
      extractPython(path, job.kind === "disk" ? readFileSync(join(job.root, path)).toString("utf8") : source),
    ),
  );
  parentPort?.postMessage({ results: work.value, workMs: work.ms, workCpuMs: work.cpuMs });
}

// ---- the benchmark -----------------------------------------------------------------

async function benchSynthetic(threads: number): Promise<void> {
  const files = syntheticRepo();
  const entries = [...files].filter(([path]) => path.endsWith(".py"));
  const paths = entries.map(([path]) => path);
  let bytes = 0;
  for (const [, source] of entries) bytes += source.length;
  console.log(`synthetic repo: ${entries.length.toLocaleString("en-US")} Python files, ${mb(bytes)}`);

  extractAll(entries.slice(0, 500)); // JIT warm-up
  const extraction = timed(() => extractAll(entries));
  const results = extraction.value;
  const imports = results.reduce((n, r) => n + r.imports.length, 0);
  const errors = results.filter((r) => r.error !== undefined).length;
  const resolution = timed(() => resolveAll(files, paths, results));
  const resolved = resolution.value;
  console.log(`  imports extracted: ${imports.toLocaleString("en-US")} (${errors} files with errors)`);
  console.log(
    `  edges: ${resolved.edges.toLocaleString("en-US")} (internal ${resolved.internal}, external ${resolved.external}, unresolved ${resolved.unresolved})`,
  );
  printRow("1 thread   extraction", entries.length, extraction);
  printRow("1 thread   resolution", entries.length, resolution);
  printRow("1 thread   extraction + resolution", entries.length, {
    ms: extraction.ms + resolution.ms,
    cpuMs: extraction.cpuMs + resolution.cpuMs,
  });

  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  console.log(
    `  memory after the single-thread run (sources, import lists and resolver caches alive): peak RSS ${mb(
      process.resourceUsage().maxRSS * 1024,
    )}, heap used ${mb(process.memoryUsage().heapUsed)}${gc === undefined ? " (run with --expose-gc for a settled heap)" : ""}`,
  );
  if (threads > 1) {
    const parallel = await extractInWorkers(threads, { kind: "synthetic" }, entries.length);
    const parallelResolution = timed(() => resolveAll(files, paths, parallel.results));
    console.log(
      `  ${threads} threads  extraction: slowest worker ${parallel.workMs.toFixed(0)} ms wall / ${parallel.workCpuMs.toFixed(0)} ms CPU` +
        ` (${parallel.ms.toFixed(0)} ms with worker start-up, repo generation and result transfer)`,
    );
    // Everything the threads cost, not the slowest worker alone: start-up, generation, transfer.
    printRow(`${threads} threads  extraction (whole, with worker start-up) + resolution`, entries.length, {
      ms: parallel.ms + parallelResolution.ms,
      cpuMs: parallel.totalCpuMs + parallelResolution.cpuMs,
    });
  }
}

async function benchStdlib(threads: number): Promise<void> {
  let stdlib: string;
  try {
    stdlib = execFileSync("python3", ["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"], {
      encoding: "utf8",
    }).trim();
  } catch {
    console.log("python3 not found: standard library benchmark skipped");
    return;
  }
  const paths: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(stdlib, dir), { withFileTypes: true })) {
      const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (entry.name !== "site-packages" && entry.name !== "__pycache__") walk(rel);
      } else if (entry.name.endsWith(".py")) paths.push(rel);
    }
  };
  walk("");
  paths.sort();
  const files = new Map<string, string>();
  for (const path of paths) files.set(path, readFileSync(join(stdlib, path)).toString("utf8"));
  let bytes = 0;
  for (const source of files.values()) bytes += source.length;
  console.log(`\nPython standard library ${stdlib}: ${paths.length} files, ${mb(bytes)}`);
  const entries = [...files];
  extractAll(entries.slice(0, 300));
  const extraction = timed(() => extractAll(entries));
  const resolution = timed(() => resolveAll(files, paths, extraction.value));
  const resolved = resolution.value;
  console.log(
    `  edges: ${resolved.edges.toLocaleString("en-US")} (internal ${resolved.internal}, external ${resolved.external}, unresolved ${resolved.unresolved})`,
  );
  printRow("1 thread   extraction", paths.length, extraction);
  console.log(
    `             = ${((bytes / 1e6 / extraction.cpuMs) * 1000).toFixed(0)} MB/s of source per CPU second`,
  );
  printRow("1 thread   resolution", paths.length, resolution);
  printRow("1 thread   extraction + resolution", paths.length, {
    ms: extraction.ms + resolution.ms,
    cpuMs: extraction.cpuMs + resolution.cpuMs,
  });
  if (threads > 1) {
    const parallel = await extractInWorkers(threads, { kind: "disk", root: stdlib, paths }, paths.length);
    const parallelResolution = timed(() => resolveAll(files, paths, parallel.results));
    printRow(
      `${threads} threads  extraction (workers read the files; whole, with start-up) + resolution`,
      paths.length,
      {
        ms: parallel.ms + parallelResolution.ms,
        cpuMs: parallel.totalCpuMs + parallelResolution.cpuMs,
      },
    );
  }
}

async function main(): Promise<void> {
  const threads = Math.min(2, availableParallelism());
  console.log(
    `acc-python: Node ${process.version}, ${availableParallelism()} cores, using up to ${threads} threads, ` +
      `load average ${loadavg()
        .map((n) => n.toFixed(1))
        .join(" ")} (wall-clock figures suffer on a busy machine; CPU figures much less)`,
  );
  console.log(`machine: ${machine()}`);
  if (part("synthetic")) await benchSynthetic(threads);
  if (part("stdlib")) await benchStdlib(threads);
  const usage = process.resourceUsage();
  console.log(
    `\npeak RSS of the in-process parts (main thread + workers, each worker holding its own copy of the repo): ${mb(usage.maxRSS * 1024)}`,
  );
  if (part("lint-imports")) {
    console.log("\nimport-linter (lint-imports) against maestro-hive check, same package, same contract:");
    const peer = pythonPeer();
    const linter = lintImports();
    if (peer.skip) console.log(`  skipped: ${peer.skip}`);
    else if (linter.skip) console.log(`  skipped: ${linter.skip}`);
    else compareWithImportLinter(peer, linter.path, rounds(3));
  }
  finish();
}

if (isMainThread) await main();
else workerMain();
