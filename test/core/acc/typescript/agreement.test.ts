/**
 * Agreement with the TypeScript compiler on code nobody here wrote: every .ts/.js source
 * (declaration files excluded) of several real packages in node_modules. For each file the
 * (specifier, line, kind) list of our extractor must equal the one from a walk of the
 * compiler's AST; each kind of difference that remains is explained below and counted.
 *
 * Explained differences:
 * - syntax errors: for a file that neither parser accepts, each keeps different fragments
 *   (pino's fixture `import` + EOF is an import of "" to tsc, an error to us). We report
 *   the error; the graph shows the file as a notice, so its import list is not compared.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  extractTypeScript,
  MAX_TYPESCRIPT_SOURCE_LENGTH,
} from "../../../../src/core/acc/languages/typescript.ts";
import type { RawImport } from "../../../../src/core/acc/model.ts";
import { compilerImports } from "./typescript-compiler.ts";

const NODE_MODULES = join(import.meta.dirname, "../../../../node_modules");
const PACKAGES = [
  "zod",
  "kysely",
  "pg-boss",
  "probot",
  "yaml",
  "pino",
  "dependency-cruiser",
  "@cucumber/gherkin",
];
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const DECLARATION = /\.d\.[mc]?ts$/;

function sourcesOf(dir: string, out: string[] = [], declarations = false): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "node_modules") sourcesOf(path, out, declarations);
    } else if (entry.isFile() && SOURCE.test(entry.name) && DECLARATION.test(entry.name) === declarations) {
      if (statSync(path).size <= MAX_TYPESCRIPT_SOURCE_LENGTH) out.push(path);
    }
  }
  return out;
}

const key = (item: RawImport) => `${item.line}:${item.kind}:${item.specifier}`;

describe("TS/JS extraction agrees with the TypeScript compiler on real packages", () => {
  it("produces identical import lists for at least 99.5% of files, and explains the rest", () => {
    const files = PACKAGES.flatMap((name) => sourcesOf(join(NODE_MODULES, name)));
    expect(files.length).toBeGreaterThan(1000);
    let identical = 0;
    let imports = 0;
    let bothReject = 0;
    const unexplained: string[] = [];
    for (const path of files) {
      const source = readFileSync(path, "utf8");
      const ours = extractTypeScript(path, source);
      const theirs = compilerImports(path, source);
      imports += theirs.imports.length;
      const a = ours.imports.map(key);
      const b = theirs.imports.map(key);
      if (a.join("\n") === b.join("\n")) {
        identical++;
        continue;
      }
      if (ours.error !== undefined && theirs.syntaxError) {
        bothReject++;
        continue;
      }
      unexplained.push(
        `${relative(NODE_MODULES, path)}\n  ours:   ${a.join(", ")}\n  tsc:    ${b.join(", ")}`,
      );
    }
    const percent = (100 * identical) / files.length;
    console.log(
      `TS agreement: ${identical}/${files.length} files identical (${percent.toFixed(2)}%), ` +
        `${imports} imports; explained: ${bothReject} file(s) with syntax errors for both parsers`,
    );
    expect(unexplained.slice(0, 10)).toEqual([]);
    expect(bothReject).toBeLessThanOrEqual(5);
    expect(percent).toBeGreaterThanOrEqual(99.5);
  });

  it("produces identical import lists for declaration files, with ambient module blocks (@types/node)", () => {
    const files = ["@types/node", "@octokit/types", "kysely"].flatMap((name) =>
      sourcesOf(join(NODE_MODULES, name), [], true),
    );
    expect(files.length).toBeGreaterThan(300);
    const differing: string[] = [];
    let imports = 0;
    for (const path of files) {
      const source = readFileSync(path, "utf8");
      const ours = extractTypeScript(path, source).imports.map(key);
      const theirs = compilerImports(path, source).imports.map(key);
      imports += theirs.length;
      if (ours.join("\n") !== theirs.join("\n")) differing.push(relative(NODE_MODULES, path));
    }
    console.log(
      `TS agreement (.d.ts): ${files.length - differing.length}/${files.length} files identical, ${imports} imports`,
    );
    expect(differing).toEqual([]);
  });
});
