/**
 * Import extraction for TypeScript and JavaScript with oxc-parser (a real parser: imports
 * inside strings, comments and template literals are never reported).
 *
 * What counts as an import, and its kind:
 * - `import … from "m"`, `import "m"`                              → import (`import "m"` and
 *   `import {} from "m"` bind nothing: `sideEffect`)
 * - `import type … from "m"`, or every specifier `type`-marked     → type
 * - `export … from "m"`, `export * (as ns) from "m"`               → export (type when type-only)
 * - `import("m")` with a string or substitution-free template      → dynamic
 * - `require("m")` (the free identifier, one literal argument)     → require
 * - `import x = require("m")` / `export import x = require("m")`   → require (`import type x =` → type)
 * - `import("m")` in a type position (`typeof import("m")`)       → type
 * - imports and re-exports inside `declare module "m" { … }` blocks      → as above
 * Not imports: `require.resolve("m")`, `module.require("m")`, computed specifiers,
 * `/// <reference path>` directives, and the name of a `declare module "m"` block itself
 * (it declares or augments "m"; it does not load it).
 *
 * `line` is 1-based: the line where the import statement starts, or where the
 * `import(` / `require(` call starts. Lines are counted by "\n".
 */
import type { ExtractResult, ImportKind, Language, RawImport } from "../model.ts";
import {
  type ImportVisitorHandlers,
  type LazyParse,
  type OxcLang,
  type OxcModuleRecord,
  type OxcNode,
  type OxcSourceType,
  type OxcSpan,
  parseLazy,
  visitEager,
} from "./ts-oxc.ts";

/** Bump whenever the extractor's output for the same source can change (it keys the cache). */
export const TYPESCRIPT_EXTRACTOR_VERSION = "ts-3";

export const TYPESCRIPT_EXTENSIONS: readonly string[] = [".ts", ".tsx", ".mts", ".cts"];
export const JAVASCRIPT_EXTENSIONS: readonly string[] = [".js", ".jsx", ".mjs", ".cjs"];
export const TS_JS_EXTENSIONS: readonly string[] = [...TYPESCRIPT_EXTENSIONS, ...JAVASCRIPT_EXTENSIONS];

/** Sources longer than this (in UTF-16 code units, ≈ bytes for ASCII) are not parsed. */
export const MAX_TYPESCRIPT_SOURCE_LENGTH = 1_000_000;

export function isTypeScriptOrJavaScriptPath(path: string): boolean {
  return extensionOf(path) !== undefined;
}

/** "typescript" or "javascript" for a supported path, undefined otherwise. */
export function typeScriptLanguageOf(path: string): Language | undefined {
  const ext = extensionOf(path);
  if (ext === undefined) return undefined;
  return TYPESCRIPT_EXTENSIONS.includes(ext) ? "typescript" : "javascript";
}

interface Found {
  readonly start: number;
  readonly specifier: string;
  readonly kind: ImportKind;
  readonly sideEffect?: true;
  /** `import(…)` as an expression or in a type position: what `countImportCallCandidates` counts. */
  readonly importCall?: true;
}

export function extractTypeScript(path: string, source: string): ExtractResult {
  try {
    return extract(path, source);
  } catch (error) {
    return { imports: [], error: { message: `parser failure: ${String(error)}` } };
  }
}

function extract(path: string, source: string): ExtractResult {
  if (source.length > MAX_TYPESCRIPT_SOURCE_LENGTH) {
    return {
      imports: [],
      error: {
        message: `file too large (${source.length} characters; limit ${MAX_TYPESCRIPT_SOURCE_LENGTH})`,
        unreadable: true,
      },
    };
  }
  const lang = oxcLangOf(path);
  const sourceType = sourceTypeOf(path, lang);
  const parsed = parseLazy(path, source, lang, sourceType);
  let found: Found[];
  let firstError: { readonly message: string; readonly offset: number | undefined } | undefined;
  try {
    found = [];
    collectModuleRecord(parsed.module, found);
    // Read out of the transfer buffer now: collectFromAst may give the buffer back to oxc.
    const error = parsed.errors[0];
    if (error !== undefined) firstError = { message: error.message, offset: error.labels[0]?.start };
    collectFromAst(path, source, lang, sourceType, parsed, found);
  } finally {
    parsed.dispose();
  }
  const imports = toRawImports(source, found);
  if (firstError === undefined) return { imports };
  const at = firstError.offset === undefined ? {} : positionOf(source, firstError.offset);
  return { imports, error: { message: firstError.message, ...at } };
}

function collectModuleRecord(module: OxcModuleRecord, found: Found[]): void {
  for (const statement of module.staticImports) {
    const bindsNothing = statement.entries.length === 0;
    const typeOnly = !bindsNothing && statement.entries.every((entry) => entry.isType);
    found.push({
      start: statement.start,
      specifier: statement.moduleRequest.value,
      kind: typeOnly ? "type" : "import",
      ...(bindsNothing ? { sideEffect: true as const } : {}),
    });
  }
  for (const statement of module.staticExports) {
    let request: string | undefined;
    let typeOnly = true;
    for (const entry of statement.entries) {
      // oxc files `export { x }` of an imported binding as an "indirect export" under the
      // import statement; its entry lies outside that statement. Only `export … from` counts.
      const own = entry.moduleRequest;
      if (own === null || entry.start < statement.start || entry.end > statement.end) continue;
      request = own.value;
      if (!entry.isType) typeOnly = false;
    }
    if (request !== undefined) {
      found.push({ start: statement.start, specifier: request, kind: typeOnly ? "type" : "export" });
    }
  }
}

/**
 * `require`, `import()`, `import x = require()` and type-position `import()` need the AST.
 * The walk is skipped when the text cannot contain any of them: no "require" and no
 * `import` followed by "(" (or by a comment, conservatively).
 */
function collectFromAst(
  path: string,
  source: string,
  lang: OxcLang,
  sourceType: OxcSourceType,
  parsed: LazyParse,
  found: Found[],
): void {
  const isTs = lang === "ts" || lang === "tsx" || lang === "dts";
  const importCalls = countImportCallCandidates(source);
  // Imports inside `declare module "m" { … }` are not in the module record, and the lazy
  // walker does not reach every declaration there: such files take the eager walk.
  const ambientModules = isTs && AMBIENT_MODULE.test(source);
  if (ambientModules) {
    const topLevel = new Set(found.map((item) => item.start));
    // Each eager walk parses again: with the lazy parse's transfer buffer given back first,
    // it reuses that buffer instead of making oxc allocate a second one (6 GiB of address
    // space, which V8 answers with a full memory-reducing GC).
    parsed.dispose();
    visitEager(path, source, lang, sourceType, {
      ...importHandlers(found, source),
      ...nestedDeclarationHandlers(found, topLevel),
    });
    return;
  }
  const requireCalls = mayCallRequire(source) && !requireOnlyInText(source, lang, parsed);
  if (!requireCalls && importCalls === 0 && parsed.module.dynamicImports.length === 0) return;
  const lazyFound: Found[] = [];
  const literals: OxcSpan[] | undefined = isTs && importCalls > 0 ? [] : undefined;
  parsed.visit(importHandlers(lazyFound, source), literals && ((span) => literals.push(span)));
  if (
    isTs &&
    countImportCalls(lazyFound) < importCalls &&
    countImportCalls(lazyFound) < importCallCandidatesInCode(source, literals!, parsed.commentSpans())
  ) {
    const eagerFound: Found[] = [];
    parsed.dispose();
    visitEager(path, source, lang, sourceType, importHandlers(eagerFound, source));
    found.push(...eagerFound);
    return;
  }
  found.push(...lazyFound);
}

/** A trigger for the eager walk only; imports themselves always come from the parser. */
const AMBIENT_MODULE = /declare\s+module\s*["']/;

/** Import/export declarations that are not top-level statements (those come from the module record). */
function nestedDeclarationHandlers(
  found: Found[],
  topLevel: ReadonlySet<number>,
): Pick<ImportVisitorHandlers, "ImportDeclaration" | "ExportAllDeclaration" | "ExportNamedDeclaration"> {
  const add = (node: OxcNode, kind: ImportKind, sideEffect = false) => {
    const specifier = literalText(node.source ?? undefined);
    if (specifier !== undefined && !topLevel.has(node.start))
      found.push({
        start: node.start,
        specifier,
        kind,
        ...(sideEffect ? { sideEffect: true as const } : {}),
      });
  };
  const allType = (specifiers: readonly OxcNode[] | undefined, key: "importKind" | "exportKind") =>
    specifiers !== undefined && specifiers.length > 0 && specifiers.every((item) => item[key] === "type");
  return {
    ImportDeclaration(node) {
      const typeOnly = node.importKind === "type" || allType(node.specifiers, "importKind");
      add(node, typeOnly ? "type" : "import", !typeOnly && (node.specifiers?.length ?? 0) === 0);
    },
    ExportAllDeclaration(node) {
      add(node, node.exportKind === "type" ? "type" : "export");
    },
    ExportNamedDeclaration(node) {
      add(node, node.exportKind === "type" || allType(node.specifiers, "exportKind") ? "type" : "export");
    },
  };
}

function countImportCalls(found: readonly Found[]): number {
  let count = 0;
  for (const item of found) if (item.importCall) count++;
  return count;
}

function importHandlers(found: Found[], source: string): ImportVisitorHandlers {
  // A call starts with its callee: unless an escape may spell it, `require` starts with its "r".
  // Other calls are dismissed without reading their callee (each read builds a lazy node).
  const escapes = source.includes("\\u");
  return {
    CallExpression(node) {
      if (!escapes && source.charCodeAt(node.start) !== 0x72 /* r */) return;
      const callee = node.callee;
      if (callee === undefined || callee.name !== "require") return;
      if (callee.type !== "Identifier" && callee.type !== "IdentifierReference") return;
      const args = node.arguments;
      if (args === undefined || args.length !== 1) return;
      const specifier = literalText(args[0]);
      if (specifier !== undefined) found.push({ start: node.start, specifier, kind: "require" });
    },
    ImportExpression(node) {
      const specifier = literalText(node.source ?? undefined);
      if (specifier !== undefined)
        found.push({ start: node.start, specifier, kind: "dynamic", importCall: true });
    },
    TSImportType(node) {
      const specifier = literalText(node.source ?? undefined);
      if (specifier !== undefined)
        found.push({ start: node.start, specifier, kind: "type", importCall: true });
    },
    TSImportEqualsDeclaration(node) {
      const reference = node.moduleReference;
      if (reference === undefined || reference.type !== "TSExternalModuleReference") return;
      const specifier = literalText(reference.expression);
      if (specifier === undefined) return;
      found.push({ start: node.start, specifier, kind: node.importKind === "type" ? "type" : "require" });
    },
  };
}

/** The value of a string literal or of a template literal without substitutions. */
function literalText(node: OxcNode | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (node.type === "StringLiteral" || node.type === "Literal") {
    return typeof node.value === "string" ? node.value : undefined;
  }
  if (node.type === "TemplateLiteral" && node.expressions?.length === 0) {
    return node.quasis?.[0]?.value.cooked ?? undefined;
  }
  return undefined;
}

/** Occurrences of `import` followed (after blanks) by "(" or by a comment. */
function countImportCallCandidates(source: string): number {
  let count = 0;
  forEachImportCallCandidate(source, () => count++);
  return count;
}

function forEachImportCallCandidate(source: string, found: (index: number) => void): void {
  let index = source.indexOf("import");
  while (index !== -1) {
    let next = index + 6;
    while (next < source.length && isBlank(source.charCodeAt(next))) next++;
    const code = source.charCodeAt(next);
    if (code === 0x28 /* ( */ || code === 0x2f /* / */) found(index);
    index = source.indexOf("import", next);
  }
}

/**
 * The candidates outside comments and outside the string and template literal texts the walk
 * met: an import call the lazy walk missed is code, so it is among them. Text that only
 * mentions `import(` (JSDoc, generated code in a template) then skips the eager walk.
 */
function importCallCandidatesInCode(
  source: string,
  literals: readonly OxcSpan[],
  comments: readonly OxcSpan[],
): number {
  const spans = [...literals, ...comments].sort((a, b) => a.start - b.start);
  let count = 0;
  let span = 0;
  forEachImportCallCandidate(source, (index) => {
    while (span < spans.length && spans[span]!.end <= index) span++;
    // Spans do not overlap except nested literals, which lie inside the earlier one.
    let inside = false;
    for (let i = span; i < spans.length && spans[i]!.start <= index; i++)
      if (index < spans[i]!.end) inside = true;
    if (!inside) count++;
  });
  return count;
}

/**
 * Whether the text may hold a `require(…)` call: "require" followed, after white space, by
 * "(", a comment, type arguments or `?.`. An identifier spelled with escapes (`\u0072equire`)
 * is matched by the parser, not by this text: any escape keeps the walk.
 */
function mayCallRequire(source: string): boolean {
  let index = source.indexOf("require");
  if (index === -1) return false;
  if (source.includes("\\u")) return true;
  while (index !== -1) {
    if (requireCallAt(source, index)) return true;
    index = source.indexOf("require", index + 7);
  }
  return false;
}

/** Whether "require" at `index` is followed as in a call (REQUIRE_CALL). */
function requireCallAt(source: string, index: number): boolean {
  // Most are words that go on ("required", "requireAll"): no regex for those.
  const next = source.charCodeAt(index + 7);
  if (
    (next >= 0x61 && next <= 0x7a) ||
    (next >= 0x41 && next <= 0x5a) ||
    (next >= 0x30 && next <= 0x39) ||
    next === 0x5f ||
    next === 0x24
  )
    return false;
  REQUIRE_CALL.lastIndex = index + 7;
  return REQUIRE_CALL.test(source);
}

/** What may follow "require" in a call: white space (JavaScript's, Unicode included), then `(`, `/`, `<` or `?`. */
const REQUIRE_CALL = /\s*[(/<?]/y;

/**
 * Whether every place `mayCallRequire` matched is, provably, not code: inside a comment (the
 * parser's) or inside a one-line string literal. Then no walk is needed for `require` calls.
 * Only for TypeScript without JSX (JSX text may hold quotes) and without escapes.
 */
function requireOnlyInText(source: string, lang: OxcLang, parsed: LazyParse): boolean {
  if ((lang !== "ts" && lang !== "dts") || source.includes("\\u")) return false;
  let comments: readonly OxcSpan[] | undefined;
  let continued: number | undefined;
  for (let index = source.indexOf("require"); index !== -1; index = source.indexOf("require", index + 7)) {
    if (!requireCallAt(source, index)) continue;
    comments ??= parsed.commentSpans();
    if (comments.some((comment) => comment.start <= index && index < comment.end)) continue;
    continued ??= firstIndexOf(source, LINE_CONTINUATION);
    if (!inOneLineString(source, index, continued)) return false;
  }
  return true;
}

/** A backslash before a line terminator: a string literal that goes on on the next line. */
const LINE_CONTINUATION = /\\[\n\r\u2028\u2029]/;

function firstIndexOf(source: string, pattern: RegExp): number {
  const found = pattern.exec(source);
  return found === null ? source.length : found.index;
}

/**
 * Whether `at` is inside a '…' or "…" literal opened earlier on its line. Provable only when
 * the line starts in code: no template literal and no continued string before `at` (a block
 * comment that spans the line start ends with a "/" before `at`), and no "/" outside strings
 * between the line start and `at` (a comment or a regular expression could hold a quote).
 */
function inOneLineString(source: string, at: number, continued: number): boolean {
  const backtick = source.indexOf("`");
  if ((backtick !== -1 && backtick < at) || continued < at) return false;
  const lineStart = Math.max(source.lastIndexOf("\n", at - 1), source.lastIndexOf("\r", at - 1)) + 1;
  let quote = 0;
  for (let i = lineStart; i < at; i++) {
    const code = source.charCodeAt(i);
    if (quote !== 0) {
      if (code === 0x5c /* \\ */) i++;
      else if (code === quote) quote = 0;
    } else if (code === 0x2f /* / */) return false;
    else if (code === 0x22 /* " */ || code === 0x27 /* ' */) quote = code;
  }
  return quote !== 0;
}

function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function toRawImports(source: string, found: Found[]): RawImport[] {
  if (found.length === 0) return [];
  found.sort((a, b) => a.start - b.start);
  const imports: RawImport[] = [];
  let line = 1;
  let scanned = 0;
  for (const item of found) {
    while (true) {
      const newline = source.indexOf("\n", scanned);
      if (newline === -1 || newline >= item.start) break;
      line++;
      scanned = newline + 1;
    }
    imports.push({
      specifier: item.specifier,
      line,
      kind: item.kind,
      ...(item.sideEffect ? { sideEffect: true as const } : {}),
    });
  }
  return imports;
}

function positionOf(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  let newline = source.indexOf("\n");
  while (newline !== -1 && newline < offset) {
    line++;
    lineStart = newline + 1;
    newline = source.indexOf("\n", lineStart);
  }
  return { line, column: offset - lineStart + 1 };
}

function extensionOf(path: string): string | undefined {
  const dot = path.lastIndexOf(".");
  if (dot === -1 || dot < path.lastIndexOf("/")) return undefined;
  const ext = path.slice(dot);
  return TS_JS_EXTENSIONS.includes(ext) ? ext : undefined;
}

/**
 * How `extract` parses `path`: oxc's language, and for JavaScript whether it is a module. Files
 * with the same bytes and another dialect can extract differently (`<T>(x: T) => x` is a generic
 * arrow in .ts and JSX in .tsx), so the extraction cache keys on it.
 */
export function parseDialectOf(path: string): string {
  const lang = oxcLangOf(path);
  return sourceTypeOf(path, lang) === "module" && lang === "jsx" ? "jsx-module" : lang;
}

function sourceTypeOf(path: string, lang: OxcLang): OxcSourceType {
  return lang === "jsx" && !path.endsWith(".mjs") ? "unambiguous" : "module";
}

function oxcLangOf(path: string): OxcLang {
  if (/\.d\.[mc]?ts$/.test(path) || /\.d\.[^/]*\.ts$/.test(path)) return "dts";
  const ext = extensionOf(path);
  if (ext === ".tsx") return "tsx";
  if (ext === ".ts" || ext === ".mts" || ext === ".cts") return "ts";
  return "jsx";
}
