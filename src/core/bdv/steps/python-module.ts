import { type PythonToken, pythonTokenList } from "../../python/token-list.ts";
import type { ReaderProblem } from "./model.ts";

/**
 * The statements of one Python module that run when it is imported, read from its tokens:
 * imports, decorated function definitions, assignments and call statements, in source order.
 * Bodies of functions are skipped (they run later, if ever); bodies of `if`, `try`, `with`,
 * `class`... are read, since they run at import. Nothing here knows behave or pytest-bdd: the
 * statements are executed statically by steps/python-session.ts.
 */

export interface PyArgument {
  readonly keyword: string | null;
  readonly tokens: readonly PythonToken[];
}

export interface PyCall {
  /** Dotted callee as written: "given", "bdd.given", "parsers.parse". */
  readonly callee: string;
  /** null for a decorator used without a call (`@pytest.fixture`). */
  readonly args: readonly PyArgument[] | null;
  readonly line: number;
  readonly column: number;
}

export interface ImportedName {
  readonly name: string;
  readonly alias: string;
}

export type PyStatement =
  /** `import a.b` (binds "a"), `import a.b as c` (binds "c"). */
  | { readonly kind: "import"; readonly line: number; readonly module: string; readonly alias: string | null }
  /** `from .a import b as c`, `from a import *` (names: [{ name: "*" }]). */
  | {
      readonly kind: "from";
      readonly line: number;
      readonly module: string;
      readonly level: number;
      readonly names: readonly ImportedName[];
    }
  /** A function definition with its decorators (outermost first, as written). */
  | {
      readonly kind: "function";
      readonly line: number;
      readonly name: string;
      readonly decorators: readonly PyCall[];
    }
  | { readonly kind: "class"; readonly line: number; readonly name: string }
  /** `a = b = value`, `a.pattern = value` (dotted targets). */
  | {
      readonly kind: "assign";
      readonly line: number;
      readonly targets: readonly string[];
      readonly value: readonly PythonToken[];
    }
  | { readonly kind: "call"; readonly call: PyCall };

export interface PythonModule {
  readonly file: string;
  readonly statements: readonly PyStatement[];
  readonly problems: readonly ReaderProblem[];
}

const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);
const COMPOUND = new Set(["if", "elif", "else", "try", "except", "finally", "with", "for", "while"]);

function isOp(token: PythonToken | undefined, raw: string): boolean {
  return token?.type === "op" && token.raw === raw;
}

/** Dotted name starting at `start`: the name and the index after it. */
function dottedName(tokens: readonly PythonToken[], start: number): { name: string; next: number } | null {
  let index = start;
  const parts: string[] = [];
  while (tokens[index]?.type === "name") {
    parts.push(tokens[index]?.raw ?? "");
    index++;
    if (isOp(tokens[index], ".") && tokens[index + 1]?.type === "name") index++;
    else break;
  }
  return parts.length > 0 ? { name: parts.join("."), next: index } : null;
}

function toArgument(tokens: PythonToken[]): PyArgument {
  if (tokens.length >= 2 && tokens[0]?.type === "name" && isOp(tokens[1], "=")) {
    return { keyword: tokens[0].raw, tokens: tokens.slice(2) };
  }
  return { keyword: null, tokens };
}

/** The arguments of the call whose "(" is at `open`, and the index of its ")". */
export function readArguments(
  tokens: readonly PythonToken[],
  open: number,
): { args: PyArgument[]; close: number } | null {
  const args: PyArgument[] = [];
  let current: PythonToken[] = [];
  let depth = 0;
  for (let index = open + 1; index < tokens.length; index++) {
    const token = tokens[index] as PythonToken;
    if (token.type === "op" && OPEN.has(token.raw)) depth++;
    if (token.type === "op" && CLOSE.has(token.raw)) {
      if (depth === 0) {
        if (current.length > 0) args.push(toArgument(current));
        return { args, close: index };
      }
      depth--;
    }
    if (isOp(token, ",") && depth === 0) {
      args.push(toArgument(current));
      current = [];
      continue;
    }
    current.push(token);
  }
  return null;
}

/** `callee(args)` starting at `start`, or a bare dotted name when `allowBare`. */
function readCall(
  tokens: readonly PythonToken[],
  start: number,
  allowBare: boolean,
): (PyCall & { end: number }) | null {
  const name = dottedName(tokens, start);
  const first = tokens[start];
  if (!name || !first) return null;
  const at = { callee: name.name, line: first.line, column: first.column };
  if (!isOp(tokens[name.next], "(")) return allowBare ? { ...at, args: null, end: name.next - 1 } : null;
  const read = readArguments(tokens, name.next);
  return read ? { ...at, args: read.args, end: read.close } : null;
}

/** Index of the first top-level `op` token in [start, end), or -1. */
function topLevel(tokens: readonly PythonToken[], start: number, end: number, raw: string): number {
  let depth = 0;
  for (let index = start; index < end; index++) {
    const token = tokens[index] as PythonToken;
    if (token.type !== "op") continue;
    if (OPEN.has(token.raw)) depth++;
    else if (CLOSE.has(token.raw)) depth--;
    else if (depth === 0 && token.raw === raw) return index;
  }
  return -1;
}

class StatementReader {
  readonly statements: PyStatement[] = [];
  private decorators: PyCall[] = [];
  /** Indentation of the `def` whose body is being skipped. */
  private skipDeeperThan: number | null = null;
  private readonly tokens: readonly PythonToken[];

  constructor(tokens: readonly PythonToken[]) {
    this.tokens = tokens;
  }

  readLine(start: number, end: number): void {
    const first = this.tokens[start];
    if (!first) return;
    const indent = first.column - 1;
    if (this.skipDeeperThan !== null) {
      if (indent > this.skipDeeperThan) return;
      this.skipDeeperThan = null;
    }
    this.readStatement(start, end, indent);
  }

  private readStatement(start: number, end: number, indent: number): void {
    const tokens = this.tokens;
    const first = tokens[start] as PythonToken;
    if (isOp(first, "@")) {
      const call = readCall(tokens, start + 1, true);
      if (call)
        this.decorators.push({
          callee: call.callee,
          args: call.args,
          line: first.line,
          column: first.column,
        });
      return;
    }
    const keyword = first.type === "name" ? first.raw : "";
    if (keyword === "def" || (keyword === "async" && tokens[start + 1]?.raw === "def")) {
      const name = tokens[start + (keyword === "async" ? 2 : 1)];
      const line = this.decorators[0]?.line ?? first.line;
      this.statements.push({ kind: "function", line, name: name?.raw ?? "", decorators: this.decorators });
      this.decorators = [];
      this.skipDeeperThan = indent;
      return;
    }
    this.decorators = [];
    if (keyword === "class") {
      this.statements.push({ kind: "class", line: first.line, name: tokens[start + 1]?.raw ?? "" });
      return;
    }
    if (keyword === "import") {
      this.readImport(start + 1, end, first.line);
      return;
    }
    if (keyword === "from") {
      this.readFrom(start + 1, end, first.line);
      return;
    }
    if (COMPOUND.has(keyword)) {
      // `if X: statement` on one line: the statement after the colon runs too.
      const colon = topLevel(tokens, start, end, ":");
      if (colon >= 0 && colon + 1 < end) this.readStatement(colon + 1, end, indent);
      return;
    }
    this.readSimple(start, end);
  }

  private readImport(start: number, end: number, line: number): void {
    let index = start;
    while (index < end) {
      const name = dottedName(this.tokens, index);
      if (!name) return;
      index = name.next;
      let alias: string | null = null;
      if (this.tokens[index]?.raw === "as" && this.tokens[index + 1]?.type === "name") {
        alias = this.tokens[index + 1]?.raw ?? null;
        index += 2;
      }
      this.statements.push({ kind: "import", line, module: name.name, alias });
      if (!isOp(this.tokens[index], ",")) return;
      index++;
    }
  }

  private readFrom(start: number, end: number, line: number): void {
    let index = start;
    let level = 0;
    while (isOp(this.tokens[index], ".") || isOp(this.tokens[index], "...")) {
      level += this.tokens[index]?.raw.length ?? 0;
      index++;
    }
    const module = dottedName(this.tokens, index);
    if (module) index = module.next;
    if (this.tokens[index]?.raw !== "import") return;
    index++;
    const names: ImportedName[] = [];
    for (; index < end; index++) {
      const token = this.tokens[index] as PythonToken;
      if (isOp(token, "*")) names.push({ name: "*", alias: "*" });
      if (token.type !== "name") continue;
      let alias = token.raw;
      if (this.tokens[index + 1]?.raw === "as" && this.tokens[index + 2]?.type === "name") {
        alias = this.tokens[index + 2]?.raw ?? alias;
        index += 2;
      }
      names.push({ name: token.raw, alias });
    }
    this.statements.push({ kind: "from", line, module: module?.name ?? "", level, names });
  }

  private readSimple(start: number, end: number): void {
    const tokens = this.tokens;
    const targets: string[] = [];
    let valueStart = start;
    for (;;) {
      const equals = topLevel(tokens, valueStart, end, "=");
      if (equals < 0) break;
      const colon = topLevel(tokens, valueStart, equals, ":");
      const target = dottedName(tokens, valueStart);
      if (!target || (target.next !== equals && target.next !== colon)) return;
      targets.push(target.name);
      valueStart = equals + 1;
    }
    const first = tokens[start] as PythonToken;
    if (targets.length > 0) {
      this.statements.push({
        kind: "assign",
        line: first.line,
        targets,
        value: tokens.slice(valueStart, end),
      });
      return;
    }
    const call = readCall(tokens, start, false);
    if (call && call.end === end - 1) this.statements.push({ kind: "call", call });
  }
}

export function readPythonModule(file: string, text: string): PythonModule {
  const { tokens, error } = pythonTokenList(text);
  const reader = new StatementReader(tokens);
  let start = 0;
  for (let index = 0; index <= tokens.length; index++) {
    const token = tokens[index];
    if (token && token.type !== "newline") continue;
    if (index > start) reader.readLine(start, index);
    start = index + 1;
  }
  return { file, statements: reader.statements, problems: error ? [{ file, ...error }] : [] };
}
