/**
 * Agreement test: our Python import extractor against CPython's own `ast` module, on real
 * code nobody here wrote — the standard library of the machine's python3, and a set of
 * third-party packages from its site-packages when they are installed (they use
 * `if TYPE_CHECKING:` a lot; the stdlib never does).
 *
 * test/core/acc/python/ast_imports.py dumps (line, kind, level, module, names) of every
 * Import/ImportFrom node and every literal importlib.import_module / __import__ call,
 * following the same rules as the extractor (see its docstring). For every file Python
 * parses, the two lists must be identical, in order.
 *
 * Explained remainder: files Python itself rejects are left out of the comparison (Python 2
 * sources in lib2to3's test data, files with a bogus or non-UTF-8 encoding declaration in
 * test/tokenizedata). Our tokenizer reports no error for most of them because their
 * problems are not lexical (a `print "x"` statement, an unknown codec name).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { extractPython } from "../../../../src/core/acc/languages/python.ts";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "ast_imports.py");
const THIRD_PARTY = [
  "_pytest",
  "pydantic",
  "urllib3",
  "packaging",
  "requests",
  "werkzeug",
  "flask",
  "click",
  "jinja2",
  "trio",
  "hypothesis",
];

type AstRow = [number, string, number, string, string[] | null];
type AstFile = { ok: true; imports: AstRow[] } | { ok: false; error: string; line: number | null };

function pythonPaths(): { stdlib: string; purelib: string } {
  const out = execFileSync(
    "python3",
    [
      "-c",
      "import json, sysconfig; p = sysconfig.get_paths(); print(json.dumps([p['stdlib'], p['purelib']]))",
    ],
    { encoding: "utf8" },
  );
  const [stdlib, purelib] = JSON.parse(out) as [string, string];
  return { stdlib, purelib };
}

function listPython(root: string, dir: string, skip: ReadonlySet<string>, out: string[]): void {
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const rel = dir === "" ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!skip.has(entry.name)) listPython(root, rel, skip, out);
    } else if (entry.isFile() && entry.name.endsWith(".py")) out.push(rel);
  }
}

function runAst(root: string, paths: readonly string[]): Promise<Record<string, AstFile>> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", [SCRIPT, root], { stdio: ["pipe", "pipe", "inherit"] });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`ast_imports.py exited with ${code}`));
      else resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, AstFile>);
    });
    child.stdin.end(paths.join("\n"));
  });
}

/** Python's view, computed by two python3 processes in parallel. */
async function astImports(root: string, paths: readonly string[]): Promise<Record<string, AstFile>> {
  const half = Math.ceil(paths.length / 2);
  const parts = await Promise.all([runAst(root, paths.slice(0, half)), runAst(root, paths.slice(half))]);
  return Object.assign({}, ...parts) as Record<string, AstFile>;
}

interface Agreement {
  files: number;
  imports: number;
  byKind: Record<string, number>;
  mismatches: string[];
  ourErrorsOnValidFiles: string[];
  rejectedByPython: number;
  rejectedByPythonAndUs: number;
}

function compare(root: string, python: Record<string, AstFile>): Agreement {
  const result: Agreement = {
    files: 0,
    imports: 0,
    byKind: {},
    mismatches: [],
    ourErrorsOnValidFiles: [],
    rejectedByPython: 0,
    rejectedByPythonAndUs: 0,
  };
  for (const [path, expected] of Object.entries(python)) {
    const ours = extractPython(path, readFileSync(join(root, path)).toString("utf8"));
    if (!expected.ok) {
      result.rejectedByPython++;
      if (ours.error !== undefined) result.rejectedByPythonAndUs++;
      continue;
    }
    result.files++;
    result.imports += expected.imports.length;
    for (const row of expected.imports) result.byKind[row[1]] = (result.byKind[row[1]] ?? 0) + 1;
    if (ours.error !== undefined) {
      result.ourErrorsOnValidFiles.push(`${path}:${ours.error.line}: ${ours.error.message}`);
    }
    const got: AstRow[] = ours.imports.map((i) => [
      i.line,
      i.kind,
      i.level ?? 0,
      i.specifier,
      i.names === undefined ? null : [...i.names],
    ]);
    const a = JSON.stringify(got);
    const b = JSON.stringify(expected.imports);
    if (a !== b) result.mismatches.push(`${path}\n  ours: ${a.slice(0, 400)}\n  ast:  ${b.slice(0, 400)}`);
  }
  return result;
}

function report(label: string, agreement: Agreement): void {
  console.log(
    `[python ast agreement] ${label}: ${agreement.files} files parsed by Python, ${agreement.imports} imports ` +
      `(${JSON.stringify(agreement.byKind)}), ${agreement.mismatches.length} mismatching files, ` +
      `${agreement.ourErrorsOnValidFiles.length} false syntax errors; ${agreement.rejectedByPython} files rejected ` +
      `by Python (we flag ${agreement.rejectedByPythonAndUs} of them)`,
  );
}

const { stdlib, purelib } = pythonPaths();

describe("Python extractor agrees with CPython's ast module", () => {
  it("on every file of the Python standard library", { timeout: 300_000 }, async () => {
    const paths: string[] = [];
    listPython(stdlib, "", new Set(["site-packages", "dist-packages", "__pycache__"]), paths);
    paths.sort();
    expect(paths.length).toBeGreaterThan(1000);
    const agreement = compare(stdlib, await astImports(stdlib, paths));
    report(`stdlib ${stdlib}`, agreement);
    expect(agreement.mismatches).toEqual([]);
    expect(agreement.ourErrorsOnValidFiles).toEqual([]);
    expect(agreement.files + agreement.rejectedByPython).toBe(paths.length);
    expect(agreement.rejectedByPython).toBeLessThan(20);
    expect(agreement.imports).toBeGreaterThan(10_000);
    expect(agreement.byKind.dynamic ?? 0).toBeGreaterThan(10);
  });

  const installed = THIRD_PARTY.filter((name) => existsSync(join(purelib, name)));
  it.skipIf(installed.length === 0)(
    `on installed third-party packages using TYPE_CHECKING (${installed.join(", ")})`,
    { timeout: 300_000 },
    async () => {
      const paths: string[] = [];
      for (const name of installed) listPython(purelib, name, new Set(["__pycache__"]), paths);
      paths.sort();
      const agreement = compare(purelib, await astImports(purelib, paths));
      report(`site-packages ${installed.length} packages`, agreement);
      expect(agreement.mismatches).toEqual([]);
      expect(agreement.ourErrorsOnValidFiles).toEqual([]);
      expect(agreement.files).toBeGreaterThan(0);
    },
  );
});
