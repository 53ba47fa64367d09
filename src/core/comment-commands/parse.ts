/**
 * The `/maestro …` comment-command line, parsed against a table of command syntaxes. Pure:
 * text in, a command or a reason out. The commands themselves (their syntax, required role,
 * action and usage) are one table: src/github/comment-commands/table.ts; the checks their
 * arguments share are in arguments.ts.
 *
 * - Only the FIRST line of a comment is the command, and it must start with `/maestro`
 *   (case-insensitive, leading blanks allowed, then a space or the end of the line). The
 *   lines after it are free text for the humans reading the thread: they are never parsed
 *   and never become part of a reason, so what is stored is exactly what the command line said.
 * - Arguments are split on blanks; "double" and 'single' quotes (and the “curly” double ones
 *   phones type) group words; a backslash escapes a quote or a backslash inside or outside quotes.
 * - Options: `--reason "…"`, `--reason=…`, `--expires 30d|2026-12-31`, `--permanent`. An
 *   unquoted `--reason` value runs to the next `--option`, so `--reason hot fix for prod` works.
 */

export const COMMAND_PREFIX = "/maestro";

export type OptionName = "reason" | "expires" | "permanent";
const FLAG_OPTIONS: ReadonlySet<OptionName> = new Set(["permanent"]);

/** A command's arguments, or what is wrong with them (a sentence for the reply). */
export type Parsed<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly error: string };

export function parsed<A>(value: A): Parsed<A> {
  return { ok: true, value };
}

export function argumentError(error: string): Parsed<never> {
  return { ok: false, error };
}

export interface ArgumentContext {
  /** The command's name as the table spells it. */
  readonly name: string;
  /** Every command's name (for `help <command>`). */
  readonly commands: readonly string[];
}

/** How one command's arguments read: the options it takes and what its words and options build. */
export interface CommandSyntax<A> {
  readonly options: readonly OptionName[];
  build(
    positional: readonly string[],
    options: ReadonlyMap<OptionName, string>,
    context: ArgumentContext,
  ): Parsed<A>;
}

export type ParseResult<C> =
  /** The comment is not addressed to us. */
  | { readonly status: "none" }
  | { readonly status: "ok"; readonly name: string; readonly value: C; readonly line: string }
  /** Addressed to us but wrong: `command` is the command it was meant to be, when known. */
  | {
      readonly status: "invalid";
      readonly command: string | null;
      readonly error: string;
      readonly line: string;
    };

/** The command line of a comment (its first line, trimmed) when it is addressed to us, else null. */
export function commandLine(body: string): string | null {
  const first = body.replace(/^\uFEFF/, "").split(/\r?\n|\r/, 1)[0] ?? "";
  const line = first.trim();
  if (line.slice(0, COMMAND_PREFIX.length).toLowerCase() !== COMMAND_PREFIX) return null;
  const after = line.charAt(COMMAND_PREFIX.length);
  if (after !== "" && !/\s/.test(after)) return null;
  return line;
}

/** Parses a comment against `syntaxes` (command name, lower case → its syntax). */
export function parseCommandLine<C>(
  body: string,
  syntaxes: Readonly<Record<string, CommandSyntax<C>>>,
): ParseResult<C> {
  const line = commandLine(body);
  if (line === null) return { status: "none" };
  const names = Object.keys(syntaxes);
  const known = (name: string) => Object.hasOwn(syntaxes, name);
  const invalid = (command: string | null, error: string): ParseResult<C> => ({
    status: "invalid",
    command,
    error,
    line,
  });
  const tokens = tokenize(line.slice(COMMAND_PREFIX.length));
  if (!tokens.ok) {
    const word = line.slice(COMMAND_PREFIX.length).trim().split(/\s/, 1)[0]!.toLowerCase();
    return invalid(known(word) ? word : null, tokens.error);
  }
  const [head, ...rest] = tokens.tokens;
  if (!head) return invalid(null, "no command given");
  const name = head.value.toLowerCase();
  const syntax = known(name) && head.quotedFrom === null ? syntaxes[name] : undefined;
  if (syntax === undefined) {
    const hint = closestCommand(name, names);
    return invalid(null, `unknown command "${head.value}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
  }
  const args = readArguments(rest, syntax.options);
  if (!args.ok) return invalid(name, args.error);
  const built = syntax.build(args.positional, args.options, { name, commands: names });
  return built.ok ? { status: "ok", name, value: built.value, line } : invalid(name, built.error);
}

interface Token {
  readonly value: string;
  /** Index in `value` where quoted text starts, or null when nothing in the token was quoted. */
  readonly quotedFrom: number | null;
}

const QUOTES: Readonly<Record<string, string>> = {
  '"': '"',
  "'": "'",
  // What phones type for a double quote; single curly quotes are left alone, as ’ is also an apostrophe.
  "\u201C": "\u201D",
};

export function tokenize(text: string): { ok: true; tokens: Token[] } | { ok: false; error: string } {
  const tokens: Token[] = [];
  let value = "";
  let quotedFrom: number | null = null;
  let inToken = false;
  let closing: string | null = null;
  const push = () => {
    if (inToken) tokens.push({ value, quotedFrom });
    value = "";
    quotedFrom = null;
    inToken = false;
  };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    const next = text[i + 1];
    if (closing !== null) {
      if (char === "\\" && next !== undefined && (next === closing || next === "\\")) {
        value += next;
        i += 1;
      } else if (char === closing) closing = null;
      else value += char;
      continue;
    }
    if (char === "\\" && next !== undefined && /["'\\\s]/.test(next)) {
      value += next;
      inToken = true;
      i += 1;
    } else if (QUOTES[char] !== undefined) {
      closing = QUOTES[char]!;
      quotedFrom ??= value.length;
      inToken = true;
    } else if (/\s/.test(char)) push();
    else {
      value += char;
      inToken = true;
    }
  }
  if (closing !== null)
    return { ok: false, error: `a quote is not closed (expected ${closing} before the end of the line)` };
  push();
  return { ok: true, tokens };
}

function readArguments(
  tokens: readonly Token[],
  allowed: readonly OptionName[],
): { ok: true; positional: string[]; options: Map<OptionName, string> } | { ok: false; error: string } {
  const positional: string[] = [];
  const options = new Map<OptionName, string>();
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i]!;
    const flag = optionOf(token);
    if (flag === null) {
      positional.push(token.value);
      continue;
    }
    const name = flag.name.toLowerCase();
    if (!(allowed as readonly string[]).includes(name)) {
      const list = allowed.map((o) => `--${o}`).join(", ");
      return {
        ok: false,
        error: `unknown option --${flag.name}${list ? ` (this command takes ${list})` : ""}`,
      };
    }
    const option = name as OptionName;
    if (options.has(option)) return { ok: false, error: `--${option} is given twice` };
    if (FLAG_OPTIONS.has(option)) {
      if (flag.value !== null) return { ok: false, error: `--${option} takes no value` };
      options.set(option, "");
      continue;
    }
    if (flag.value !== null) {
      options.set(option, flag.value);
      continue;
    }
    const first = tokens[i + 1];
    if (first === undefined || optionOf(first) !== null)
      return { ok: false, error: `--${option} needs a value` };
    if (option !== "reason" || first.quotedFrom !== null) {
      options.set(option, first.value);
      i += 1;
      continue;
    }
    // An unquoted reason runs to the next option.
    const words: string[] = [];
    while (i + 1 < tokens.length && optionOf(tokens[i + 1]!) === null) {
      words.push(tokens[i + 1]!.value);
      i += 1;
    }
    options.set(option, words.join(" "));
  }
  return { ok: true, positional, options };
}

/** `--name` or `--name=value`, unless the dashes themselves were quoted. */
function optionOf(token: Token): { name: string; value: string | null } | null {
  if (!token.value.startsWith("--") || (token.quotedFrom !== null && token.quotedFrom < 2)) return null;
  const limit = token.quotedFrom ?? token.value.length;
  const equals = token.value.indexOf("=");
  if (equals !== -1 && equals < limit) {
    return { name: token.value.slice(2, equals), value: token.value.slice(equals + 1) };
  }
  if (token.quotedFrom !== null) return null;
  return { name: token.value.slice(2), value: null };
}

function closestCommand(word: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const name of names) {
    const distance = editDistance(word, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}
