/**
 * Import extraction for Python: a real tokenizer (src/core/python/tokenizer.ts) and a statement-level
 * import parser (py-import-parser.ts); imports inside strings, comments and docstrings are
 * never reported.
 *
 * RawImport for Python: `specifier` is the dotted module as written without leading dots,
 * `level` the number of leading dots (0 for absolute imports), `names` the imported names
 * of a `from` import (`["*"]` for a star import; undefined for `import a.b`). `line` is the
 * 1-based line where the statement (or the dynamic import call) starts.
 *
 * A file with a syntax error gets `error` (message, 1-based line and column) and keeps the
 * imports found on the lines before the error. A file containing a NUL character (binary,
 * or refused by CPython anyway) gets an error and no imports.
 */

import { type PyTokenError, tokenizePython } from "../../python/tokenizer.ts";
import type { ExtractResult } from "../model.ts";
import { parseImports } from "./py-import-parser.ts";

/** Bump whenever the extractor's output for the same source can change (it keys the cache). */
export const PYTHON_EXTRACTOR_VERSION = "py-1";

export const PYTHON_EXTENSIONS: readonly string[] = [".py", ".pyi"];

/** Sources longer than this (in UTF-16 code units) are not parsed. */
export const MAX_PYTHON_SOURCE_LENGTH = 2_000_000;

export function isPythonPath(path: string): boolean {
  return path.endsWith(".py") || path.endsWith(".pyi");
}

export function extractPython(_path: string, source: string): ExtractResult {
  try {
    return extract(source);
  } catch (error) {
    return { imports: [], error: { message: `parser failure: ${String(error)}` } };
  }
}

function extract(source: string): ExtractResult {
  if (source.length > MAX_PYTHON_SOURCE_LENGTH) {
    return {
      imports: [],
      error: {
        message: `file too large (${source.length} characters; limit ${MAX_PYTHON_SOURCE_LENGTH})`,
        unreadable: true,
      },
    };
  }
  const nul = source.indexOf("\u0000");
  if (nul !== -1) {
    // CPython refuses such files wherever the NUL is (binary files end up here too)
    const before = source.slice(0, nul);
    const line = before.split(/\r\n|\r|\n/).length;
    const lineStart = Math.max(before.lastIndexOf("\n"), before.lastIndexOf("\r")) + 1;
    return {
      imports: [],
      error: { message: "source code cannot contain null bytes", line, column: nul - lineStart + 1 },
    };
  }
  const tokens = tokenizePython(source);
  const parsed = parseImports(source, tokens);
  const error = earliest(tokens.error, parsed.error);
  if (error === undefined) return { imports: parsed.imports };
  const errorLine = error.line;
  return { imports: parsed.imports.filter((raw) => raw.line < errorLine), error };
}

function earliest(a: PyTokenError | undefined, b: PyTokenError | undefined): PyTokenError | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return b.line < a.line || (b.line === a.line && b.column < a.column) ? b : a;
}
