import { type PythonToken, pythonTokenList } from "../../python/token-list.ts";
import type {
  DefinitionKeyword,
  RawParseType,
  RawStepDefinition,
  ReaderProblem,
  StepFileResult,
  StepFramework,
  StepPattern,
} from "./model.ts";

/**
 * Reads behave and pytest-bdd step definitions from Python source without running it:
 * `@given/@when/@then/@step` decorators (behave also Title-case), behave's
 * `use_step_matcher()` (applies to later definitions of the same module) and
 * `register_type(Name=converter)` with `@parse.with_pattern(...)`, pytest-bdd's
 * `parsers.parse/cfparse/re/string` and plain strings (exact match).
 */

const KEYWORDS = new Map<string, DefinitionKeyword>([
  ["given", "given"],
  ["when", "when"],
  ["then", "then"],
  ["step", "step"],
  ["Given", "given"],
  ["When", "when"],
  ["Then", "then"],
  ["Step", "step"],
]);

/** behave step matchers; "other" stands for one we cannot evaluate statically (custom or plugin matchers). */
type Matcher = "parse" | "cfparse" | "re" | "re0" | { readonly other: string };

interface Argument {
  readonly keyword: string | null;
  readonly tokens: readonly PythonToken[];
}

/** A call expression read from tokens: dotted callee and its arguments. */
interface Call {
  readonly callee: string;
  readonly args: readonly Argument[];
  readonly end: number;
}

function readCall(tokens: readonly PythonToken[], start: number): Call | null {
  let index = start;
  const parts: string[] = [];
  while (tokens[index]?.type === "name") {
    parts.push(tokens[index]?.raw ?? "");
    if (tokens[index + 1]?.raw === "." && tokens[index + 2]?.type === "name") index += 2;
    else break;
  }
  if (parts.length === 0 || tokens[index + 1]?.raw !== "(") return null;
  index += 2;
  const args: Argument[] = [];
  let current: PythonToken[] = [];
  let depth = 0;
  for (; index < tokens.length; index++) {
    const token = tokens[index];
    if (!token) break;
    if (token.type === "op" && "([{".includes(token.raw)) depth++;
    if (token.type === "op" && ")]}".includes(token.raw)) {
      if (depth === 0) {
        if (current.length > 0) args.push(toArgument(current));
        return { callee: parts.join("."), args, end: index };
      }
      depth--;
    }
    if (token.type === "op" && token.raw === "," && depth === 0) {
      args.push(toArgument(current));
      current = [];
      continue;
    }
    current.push(token);
  }
  return null;
}

function toArgument(tokens: PythonToken[]): Argument {
  if (tokens.length >= 2 && tokens[0]?.type === "name" && tokens[1]?.raw === "=") {
    return { keyword: tokens[0].raw, tokens: tokens.slice(2) };
  }
  return { keyword: null, tokens };
}

function sourceOf(tokens: readonly PythonToken[]): string {
  return tokens.map((token) => token.raw).join(" ");
}

/** Adjacent string literals concatenate; anything else is not a literal. */
function literalString(tokens: readonly PythonToken[]): {
  value: string | null;
  literal: boolean;
  why?: string;
} {
  if (tokens.length === 0 || tokens.some((token) => token.type !== "string"))
    return { value: null, literal: false };
  let value = "";
  for (const token of tokens) {
    if (token.value === null) return { value: null, literal: true, why: token.unknownBecause };
    value += token.value;
  }
  return { value, literal: true };
}

/** Why a string literal has no static value (tokens say; an f-string's substitutions by default). */
function unknownValue(why: string | undefined): string {
  return why ?? "the f-string has substitutions";
}

function unresolved(tokens: readonly PythonToken[], reason: string): StepPattern {
  return { kind: "unresolved", source: sourceOf(tokens), reason };
}

function behavePattern(arg: Argument | undefined, matcher: Matcher): StepPattern {
  if (!arg) return { kind: "unresolved", source: "", reason: "the decorator has no pattern argument" };
  const { value, literal, why } = literalString(arg.tokens);
  if (value === null) {
    return unresolved(arg.tokens, literal ? unknownValue(why) : "the pattern is not a string literal");
  }
  if (typeof matcher === "object") {
    return {
      kind: "unresolved",
      source: JSON.stringify(value),
      reason: `step matcher "${matcher.other}" is not evaluated statically`,
    };
  }
  if (matcher === "re") return { kind: "python-regexp", source: value, anchoring: "full" };
  if (matcher === "re0") return { kind: "python-regexp", source: value, anchoring: "start" };
  return { kind: "parse", source: value, cardinality: matcher === "cfparse" };
}

function pytestBddPattern(arg: Argument | undefined, parserNames: ReadonlyMap<string, string>): StepPattern {
  if (!arg) return { kind: "unresolved", source: "", reason: "the decorator has no step name argument" };
  const { value, literal, why } = literalString(arg.tokens);
  if (value !== null) return { kind: "exact", source: value };
  if (literal) return unresolved(arg.tokens, unknownValue(why));
  const call = readCall(arg.tokens, 0);
  if (!call || call.end !== arg.tokens.length - 1)
    return unresolved(arg.tokens, "the step name is not a literal");
  const parser = parserNames.get(call.callee) ?? call.callee.replace(/^(?:pytest_bdd\.)?parsers\./, "");
  const inner = call.args.find((candidate) => candidate.keyword === null || candidate.keyword === "name");
  const text = inner ? literalString(inner.tokens).value : null;
  if (text === null) return unresolved(arg.tokens, "the parser argument is not a string literal");
  switch (parser) {
    case "parse":
      return { kind: "parse", source: text, cardinality: false };
    case "cfparse":
      return { kind: "parse", source: text, cardinality: true };
    case "re":
      return { kind: "python-regexp", source: text, anchoring: "full" };
    case "string":
      return { kind: "exact", source: text };
    default:
      return unresolved(arg.tokens, `unknown step parser ${call.callee}`);
  }
}

interface Imports {
  framework: StepFramework | null;
  /** Local decorator name -> keyword. */
  readonly decorators: Map<string, DefinitionKeyword>;
  /** Local name -> pytest-bdd parser name ("parse", "re", ...). */
  readonly parsers: Map<string, string>;
  /** Names imported from other modules (hypothesis' `given`...): never step decorators. */
  readonly foreign: Set<string>;
}

function readImports(tokens: readonly PythonToken[]): Imports {
  const imports: Imports = { framework: null, decorators: new Map(), parsers: new Map(), foreign: new Set() };
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (!token?.lineStart || token.type !== "name") continue;
    if (token.raw === "import") {
      const module = tokens[index + 1]?.raw ?? "";
      if (module === "pytest_bdd") imports.framework = "pytest-bdd";
      else if (module === "behave" && imports.framework === null) imports.framework = "behave";
      continue;
    }
    if (token.raw !== "from") continue;
    let cursor = index + 1;
    let module = "";
    while (tokens[cursor] && tokens[cursor]?.raw !== "import") module += tokens[cursor++]?.raw ?? "";
    const framework = module.startsWith("pytest_bdd")
      ? "pytest-bdd"
      : module.startsWith("behave")
        ? "behave"
        : null;
    if (framework === "pytest-bdd" || (framework === "behave" && imports.framework === null))
      imports.framework = framework;
    cursor++;
    while (tokens[cursor] && tokens[cursor]?.type !== "newline") {
      const name = tokens[cursor];
      if (name?.type !== "name") {
        cursor++;
        continue;
      }
      let local = name.raw;
      if (tokens[cursor + 1]?.raw === "as" && tokens[cursor + 2]?.type === "name") {
        local = tokens[cursor + 2]?.raw ?? local;
        cursor += 2;
      }
      const keyword = KEYWORDS.get(name.raw);
      if (framework && keyword) imports.decorators.set(local, keyword);
      else if (!framework) imports.foreign.add(local);
      if (framework === "pytest-bdd" && module.endsWith("parsers")) imports.parsers.set(local, name.raw);
      cursor++;
    }
  }
  return imports;
}

function defaultFramework(file: string): StepFramework {
  const name = file.slice(file.lastIndexOf("/") + 1);
  return name.startsWith("test_") || name.endsWith("_test.py") || name === "conftest.py"
    ? "pytest-bdd"
    : "behave";
}

function decoratorKeyword(callee: string, imports: Imports): DefinitionKeyword | null {
  const imported = imports.decorators.get(callee);
  if (imported) return imported;
  if (imports.foreign.has(callee)) return null;
  const [module, member] = callee.split(".");
  if (member && (module === "behave" || module === "pytest_bdd")) return KEYWORDS.get(member) ?? null;
  return member === undefined ? (KEYWORDS.get(callee) ?? null) : null;
}

export function readPythonSteps(file: string, text: string): StepFileResult {
  const { tokens, error } = pythonTokenList(text);
  const problems: ReaderProblem[] = error ? [{ file, ...error }] : [];
  const imports = readImports(tokens);
  const framework = imports.framework ?? defaultFramework(file);
  const definitions: RawStepDefinition[] = [];
  const parseTypes: RawParseType[] = [];
  const withPatterns = new Map<string, string>();
  let matcher: Matcher = "parse";
  let pendingPattern: string | null = null;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (!token?.lineStart) continue;
    if (token.raw === "@") {
      const call = readCall(tokens, index + 1);
      if (!call) continue;
      const keyword = decoratorKeyword(call.callee, imports);
      const positional = call.args.find(
        (arg) => arg.keyword === null || arg.keyword === "name" || arg.keyword === "step_text",
      );
      if (keyword) {
        const pattern =
          framework === "pytest-bdd"
            ? pytestBddPattern(positional, imports.parsers)
            : behavePattern(positional, matcher);
        definitions.push({ file, line: token.line, column: token.column, framework, keyword, pattern });
      } else if (/(?:^|\.)with_pattern$/.test(call.callee) && positional) {
        pendingPattern = literalString(positional.tokens).value;
      }
      index = call.end;
      continue;
    }
    if (token.raw === "def" || token.raw === "async") {
      const nameToken = tokens[index + (token.raw === "async" ? 2 : 1)];
      if (pendingPattern !== null && nameToken?.type === "name")
        withPatterns.set(nameToken.raw, pendingPattern);
      pendingPattern = null;
      continue;
    }
    const call = readCall(tokens, index);
    if (!call) continue;
    const callee = call.callee.replace(/^behave\./, "");
    if (callee === "use_step_matcher" || callee === "step_matcher") {
      const name = call.args[0] ? literalString(call.args[0].tokens).value : null;
      if (name === "parse" || name === "cfparse" || name === "re" || name === "re0") matcher = name;
      else matcher = { other: name ?? "(not a literal)" };
    } else if (callee === "register_type") {
      for (const arg of call.args) {
        if (!arg.keyword) continue;
        const converter =
          arg.tokens.length === 1 && arg.tokens[0]?.type === "name" ? arg.tokens[0].raw : null;
        parseTypes.push({
          file,
          line: token.line,
          name: arg.keyword,
          regexp: converter ? (withPatterns.get(converter) ?? null) : null,
        });
      }
    }
  }
  return { definitions, parameterTypes: [], parseTypes, problems };
}
