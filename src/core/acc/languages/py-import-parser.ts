/**
 * Statement-level parser for the imports of one Python module, over the tokens of
 * src/core/python/tokenizer.ts. `import` and `from` are hard keywords, so an import statement is any
 * statement whose first token is one of them: at the start of a logical line, after `;`,
 * or after the `:` of a compound statement header (`try: import x`).
 *
 * Kinds: `import` for import statements anywhere (module level, functions, classes, try
 * blocks), `dynamic` for `importlib.import_module("m")` / `import_module("m")` /
 * `__import__("m")` calls with a literal name, and `type` for both inside the body of
 * `if TYPE_CHECKING:` / `if <name>.TYPE_CHECKING:` (also `elif`), whether an indented
 * block or a body on the header line. The `else` branch is not type-only.
 *
 * Dynamic imports: the call's first positional argument must be a str literal (adjacent
 * literals concatenate). `import_module(".m", "pkg")` (or `package="pkg"`) is resolved to
 * `pkg.m` as importlib does; `import_module(".m", __package__)` is relative to the file.
 * `__import__("m", …, level)` honours an integer literal level. Anything else (computed
 * names, f-strings, other package expressions) is not an import we can know statically.
 * `import_module` is recognised as the bare name, `importlib.import_module`, and through
 * aliases bound earlier in the file (`import importlib as il`,
 * `from importlib import import_module as load`).
 */

import { isDottedModuleName } from "../../python/lexical.ts";
import { stringLiteralValue } from "../../python/string-literal.ts";
import { type PyTokenError, type PyTokens, TokenKind } from "../../python/tokenizer.ts";
import type { ImportKind, RawImport } from "../model.ts";

export interface ParsedImports {
  readonly imports: RawImport[];
  readonly error: PyTokenError | undefined;
}

const KEYWORDS = new Set([
  "False",
  "None",
  "True",
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "class",
  "continue",
  "def",
  "del",
  "elif",
  "else",
  "except",
  "finally",
  "for",
  "from",
  "global",
  "if",
  "import",
  "in",
  "is",
  "lambda",
  "nonlocal",
  "not",
  "or",
  "pass",
  "raise",
  "return",
  "try",
  "while",
  "with",
  "yield",
]);

type ArgValue =
  | { readonly type: "str"; readonly value: string }
  | { readonly type: "name"; readonly value: string }
  | { readonly type: "int"; readonly value: number }
  | { readonly type: "other" };

interface CallArgument {
  readonly keyword: string | undefined;
  readonly value: ArgValue;
}

const OTHER: ArgValue = { type: "other" };
const CH_LPAREN = 40;
const CH_RPAREN = 41;
const CH_STAR = 42;
const CH_COMMA = 44;
const CH_DOT = 46;
const CH_COLON = 58;
const CH_SEMICOLON = 59;
const CH_EQ = 61;

/** Sentinel returned by statement parsers when parsing must stop. */
const STOP = -1;

export function parseImports(source: string, tokens: PyTokens): ParsedImports {
  const parser = new ImportParser(source, tokens);
  parser.run();
  return { imports: parser.imports, error: parser.error };
}

class ImportParser {
  readonly imports: RawImport[] = [];
  error: PyTokenError | undefined;

  private readonly src: string;
  private readonly count: number;
  private readonly kind: Uint8Array;
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly line: Int32Array;
  private readonly depth: Int32Array;

  /** One entry per open indented block: is it (or an enclosing block) a TYPE_CHECKING body? */
  private readonly typeCheckingBlocks: boolean[] = [];
  private inlineTypeChecking = false;
  /** Index of the NEWLINE ending an `if TYPE_CHECKING:` header; the INDENT after it opens a type block. */
  private typeCheckingNewline = -1;
  private readonly importlibAliases: string[] = [];
  private readonly importModuleAliases: string[] = [];

  constructor(source: string, tokens: PyTokens) {
    this.src = source;
    this.count = tokens.count;
    this.kind = tokens.kind;
    this.start = tokens.start;
    this.end = tokens.end;
    this.line = tokens.line;
    this.depth = tokens.depth;
  }

  run(): void {
    const kind = this.kind;
    const depth = this.depth;
    const count = this.count;
    let statementStart = true;
    let lineStart = true;
    let expectIndent = false;
    for (let i = 0; i < count; i++) {
      const k = kind[i];
      if (k === TokenKind.NEWLINE) {
        expectIndent = i > 0 && depth[i - 1] === 0 && this.isOp(i - 1, CH_COLON);
        statementStart = true;
        lineStart = true;
        this.inlineTypeChecking = false;
        continue;
      }
      if (k === TokenKind.INDENT) {
        if (!expectIndent) {
          this.syntaxError("unexpected indent", i);
          return;
        }
        expectIndent = false;
        this.typeCheckingBlocks.push(this.typeCheckingNewline === i - 1 || this.inTypeCheckingBlock());
        continue;
      }
      if (expectIndent) {
        this.syntaxError("expected an indented block", i);
        return;
      }
      if (k === TokenKind.DEDENT) {
        this.typeCheckingBlocks.pop();
        continue;
      }
      if (k === TokenKind.NAME) {
        if (statementStart && depth[i] === 0) {
          let next = 0;
          if (this.isName(i, "import")) next = this.importStatement(i);
          else if (this.isName(i, "from")) next = this.fromStatement(i);
          else if (lineStart && (this.isName(i, "if") || this.isName(i, "elif"))) this.typeCheckingHeader(i);
          if (next === STOP) return;
          if (next > 0) {
            i = next - 1;
            statementStart = false;
            lineStart = false;
            continue;
          }
        }
        if (kind[i + 1] === TokenKind.OP && this.mayBeDynamicImport(i)) this.dynamicImport(i);
      } else if (k === TokenKind.OP && depth[i] === 0 && (this.end[i] ?? 0) - (this.start[i] ?? 0) === 1) {
        const c = this.src.charCodeAt(this.start[i] ?? 0);
        if (c === CH_SEMICOLON || c === CH_COLON) {
          statementStart = true;
          lineStart = false;
          continue;
        }
      }
      statementStart = false;
      lineStart = false;
    }
    if (expectIndent) this.syntaxError("expected an indented block", count);
  }

  // ---- import statements -------------------------------------------------------------

  /** `import a.b [as c], d …`; returns the index after the statement, or STOP. */
  private importStatement(i: number): number {
    const line = this.line[i] ?? 0;
    const kind = this.staticKind();
    const found: RawImport[] = [];
    let j = i + 1;
    for (;;) {
      const name = this.dottedName(j);
      if (name === undefined) return this.invalid(j);
      j = name.next;
      if (this.isName(j, "as")) {
        if (!this.isPlainName(j + 1)) return this.invalid(j + 1);
        if (name.text === "importlib") this.importlibAliases.push(this.text(j + 1));
        j += 2;
      }
      found.push({ specifier: name.text, line, kind, level: 0 });
      if (!this.isOp(j, CH_COMMA)) break;
      j++;
    }
    if (!this.statementEnds(j)) return this.invalid(j);
    for (const raw of found) this.imports.push(raw);
    return j;
  }

  /** `from .a.b import c [as d], …` / `from . import (c, d)` / `from a import *`. */
  private fromStatement(i: number): number {
    const line = this.line[i] ?? 0;
    let j = i + 1;
    let level = 0;
    while (this.kind[j] === TokenKind.OP && this.src.charCodeAt(this.start[j] ?? 0) === CH_DOT) {
      const width = (this.end[j] ?? 0) - (this.start[j] ?? 0);
      if (width !== 1 && width !== 3) break;
      level += width;
      j++;
    }
    let module = "";
    if (!this.isName(j, "import")) {
      const name = this.dottedName(j);
      if (name === undefined) return this.invalid(j);
      module = name.text;
      j = name.next;
    } else if (level === 0) return this.invalid(j);
    if (!this.isName(j, "import")) return this.invalid(j);
    j++;
    const names: string[] = [];
    if (this.isOp(j, CH_STAR)) {
      names.push("*");
      j++;
    } else {
      const parenthesized = this.isOp(j, CH_LPAREN);
      if (parenthesized) j++;
      for (;;) {
        if (!this.isPlainName(j)) return this.invalid(j);
        const name = this.text(j);
        j++;
        if (this.isName(j, "as")) {
          if (!this.isPlainName(j + 1)) return this.invalid(j + 1);
          if (level === 0 && module === "importlib" && name === "import_module") {
            this.importModuleAliases.push(this.text(j + 1));
          }
          j += 2;
        }
        names.push(name);
        if (!this.isOp(j, CH_COMMA)) break;
        j++;
        if (parenthesized && this.isOp(j, CH_RPAREN)) break;
      }
      if (parenthesized) {
        if (!this.isOp(j, CH_RPAREN)) return this.invalid(j);
        j++;
      }
    }
    if (!this.statementEnds(j)) return this.invalid(j);
    this.imports.push({ specifier: module, line, kind: this.staticKind(), level, names });
    return j;
  }

  private dottedName(j: number): { readonly text: string; readonly next: number } | undefined {
    if (!this.isPlainName(j)) return undefined;
    let text = this.text(j);
    let next = j + 1;
    while (this.isOp(next, CH_DOT) && this.isPlainName(next + 1)) {
      text += `.${this.text(next + 1)}`;
      next += 2;
    }
    return { text, next };
  }

  private statementEnds(j: number): boolean {
    return this.kind[j] === TokenKind.NEWLINE || (this.depth[j] === 0 && this.isOp(j, CH_SEMICOLON));
  }

  // ---- TYPE_CHECKING -------------------------------------------------------------------

  private typeCheckingHeader(i: number): void {
    let j = i + 1;
    if (this.isName(j, "TYPE_CHECKING")) j++;
    else if (
      this.kind[j] === TokenKind.NAME &&
      this.isOp(j + 1, CH_DOT) &&
      this.isName(j + 2, "TYPE_CHECKING")
    ) {
      j += 3;
    } else return;
    if (!this.isOp(j, CH_COLON)) return;
    if (this.kind[j + 1] === TokenKind.NEWLINE) this.typeCheckingNewline = j + 1;
    else this.inlineTypeChecking = true;
  }

  private inTypeCheckingBlock(): boolean {
    const blocks = this.typeCheckingBlocks;
    return blocks.length > 0 && blocks[blocks.length - 1] === true;
  }

  private inTypeChecking(): boolean {
    return this.inlineTypeChecking || this.inTypeCheckingBlock();
  }

  private staticKind(): ImportKind {
    return this.inTypeChecking() ? "type" : "import";
  }

  // ---- dynamic imports -----------------------------------------------------------------

  /** Cheap pre-check on the name's length: `importlib` (9), `__import__` (10), `import_module` (13), aliases. */
  private mayBeDynamicImport(i: number): boolean {
    const length = (this.end[i] ?? 0) - (this.start[i] ?? 0);
    return (
      length === 9 ||
      length === 10 ||
      length === 13 ||
      this.importlibAliases.length > 0 ||
      this.importModuleAliases.length > 0
    );
  }

  /** Called for a NAME followed by an operator: is it a dynamic import call? */
  private dynamicImport(i: number): void {
    if (i > 0 && (this.isOp(i - 1, CH_DOT) || this.isName(i - 1, "def") || this.isName(i - 1, "class")))
      return;
    if (this.isOp(i + 1, CH_LPAREN)) {
      if (this.isName(i, "__import__")) this.dunderImport(i, i + 1);
      else if (this.isName(i, "import_module") || this.isAnyName(i, this.importModuleAliases)) {
        this.importModule(i, i + 1);
      }
    } else if (
      this.isOp(i + 1, CH_DOT) &&
      this.isName(i + 2, "import_module") &&
      this.isOp(i + 3, CH_LPAREN) &&
      (this.isName(i, "importlib") || this.isAnyName(i, this.importlibAliases))
    ) {
      this.importModule(i, i + 3);
    }
  }

  /** `__import__(name, globals, locals, fromlist, level)`. */
  private dunderImport(at: number, paren: number): void {
    const args = this.callArguments(paren);
    if (args === undefined) return;
    const name = positional(args, 0);
    if (name?.type !== "str" || !isDottedModuleName(name.value)) return;
    const level = positional(args, 4) ?? keyword(args, "level");
    if (level !== undefined && level.type !== "int") return;
    this.addDynamic(at, name.value, level?.type === "int" ? level.value : 0);
  }

  /** `importlib.import_module(name, package=None)`. */
  private importModule(at: number, paren: number): void {
    const args = this.callArguments(paren);
    if (args === undefined) return;
    const name = positional(args, 0);
    if (name?.type !== "str") return;
    let level = 0;
    while (name.value.charCodeAt(level) === CH_DOT) level++;
    const rest = name.value.slice(level);
    if (level === 0) {
      if (isDottedModuleName(rest)) this.addDynamic(at, rest, 0);
      return;
    }
    if (rest !== "" && !isDottedModuleName(rest)) return;
    const pkg = positional(args, 1) ?? keyword(args, "package");
    if (pkg?.type === "name" && pkg.value === "__package__") {
      this.addDynamic(at, rest, level);
    } else if (pkg?.type === "str") {
      // importlib._bootstrap._resolve_name
      const bits = pkg.value.split(".");
      if (bits.length < level) return;
      const base = bits.slice(0, bits.length - (level - 1)).join(".");
      const absolute = rest === "" ? base : `${base}.${rest}`;
      if (isDottedModuleName(absolute)) this.addDynamic(at, absolute, 0);
    }
  }

  private addDynamic(at: number, specifier: string, level: number): void {
    const kind: ImportKind = this.inTypeChecking() ? "type" : "dynamic";
    this.imports.push({ specifier, line: this.line[at] ?? 0, kind, level });
  }

  /** Arguments of the call whose `(` is at `paren`; undefined when the tokens end first. */
  private callArguments(paren: number): CallArgument[] | undefined {
    const base = this.depth[paren] ?? 0;
    const inner = base + 1;
    const args: CallArgument[] = [];
    let j = paren + 1;
    if (this.depth[j] === base) return this.kind[j] === TokenKind.END ? undefined : args;
    for (;;) {
      const first = j;
      for (;;) {
        const k = this.kind[j];
        if (k === TokenKind.END) return undefined;
        const d = this.depth[j];
        if (d === base || (d === inner && this.isOp(j, CH_COMMA))) break;
        j++;
      }
      args.push(this.argument(first, j));
      if (this.depth[j] === base) return args;
      j++;
      if (this.depth[j] === base) return this.kind[j] === TokenKind.END ? undefined : args;
    }
  }

  private argument(first: number, end: number): CallArgument {
    let a = first;
    let keywordName: string | undefined;
    if (end - a > 2 && this.kind[a] === TokenKind.NAME && this.isOp(a + 1, CH_EQ)) {
      keywordName = this.text(a);
      a += 2;
    }
    return { keyword: keywordName, value: this.argumentValue(a, end) };
  }

  private argumentValue(a: number, end: number): ArgValue {
    if (a >= end) return OTHER;
    const k = this.kind[a];
    if (k === TokenKind.STRING) {
      let value = "";
      for (let j = a; j < end; j++) {
        if (this.kind[j] !== TokenKind.STRING) return OTHER;
        const part = stringLiteralValue(this.src, this.start[j] ?? 0, this.end[j] ?? 0);
        if (part === undefined) return OTHER;
        value += part;
      }
      return { type: "str", value };
    }
    if (end - a !== 1) return OTHER;
    if (k === TokenKind.NAME) return { type: "name", value: this.text(a) };
    if (k === TokenKind.NUMBER) {
      const text = this.text(a).replaceAll("_", "");
      if (/^(?:0+|[1-9][0-9]*)$/.test(text)) return { type: "int", value: Number(text) };
    }
    return OTHER;
  }

  // ---- token helpers -------------------------------------------------------------------

  private text(i: number): string {
    return this.src.slice(this.start[i], this.end[i]);
  }

  private isName(i: number, word: string): boolean {
    const start = this.start[i] ?? 0;
    return (
      this.kind[i] === TokenKind.NAME &&
      (this.end[i] ?? 0) - start === word.length &&
      this.src.startsWith(word, start)
    );
  }

  private isAnyName(i: number, words: readonly string[]): boolean {
    for (const word of words) if (this.isName(i, word)) return true;
    return false;
  }

  /** A NAME that is not a hard keyword: what `import` statements accept as a name. */
  private isPlainName(i: number): boolean {
    return this.kind[i] === TokenKind.NAME && !KEYWORDS.has(this.text(i));
  }

  private isOp(i: number, c: number): boolean {
    return (
      this.kind[i] === TokenKind.OP &&
      (this.end[i] ?? 0) - (this.start[i] ?? 0) === 1 &&
      this.src.charCodeAt(this.start[i] ?? 0) === c
    );
  }

  /** A malformed import statement: a syntax error, unless the tokens ended early (the tokenizer already failed). */
  private invalid(i: number): number {
    if (this.kind[i] !== TokenKind.END) this.syntaxError("invalid syntax in import statement", i);
    return STOP;
  }

  private syntaxError(message: string, i: number): void {
    if (this.kind[i] === TokenKind.END && i >= this.count) {
      // Tokens ran out: either the tokenizer failed (its error is reported) or the file ended.
      if (message === "expected an indented block") this.error = this.errorAt(message, i);
      return;
    }
    this.error = this.errorAt(message, i);
  }

  private errorAt(message: string, i: number): PyTokenError {
    const offset = this.start[i] ?? 0;
    let lineStart = offset;
    while (lineStart > 0) {
      const c = this.src.charCodeAt(lineStart - 1);
      if (c === 10 || c === 13) break;
      lineStart--;
    }
    return { message, line: this.line[i] ?? 1, column: offset - lineStart + 1 };
  }
}

function positional(args: readonly CallArgument[], index: number): ArgValue | undefined {
  let seen = 0;
  for (const arg of args) {
    if (arg.keyword !== undefined) continue;
    if (seen === index) return arg.value;
    seen++;
  }
  return undefined;
}

function keyword(args: readonly CallArgument[], name: string): ArgValue | undefined {
  for (const arg of args) if (arg.keyword === name) return arg.value;
  return undefined;
}
