/**
 * The `/maestro …` comment commands, parsed. Pure: text in, a command or a reason out.
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
import { parseExpiry } from "../suppress/duration.ts";
import type { SuppressionLevel } from "../suppress/model.ts";

export const COMMAND_PREFIX = "/maestro";
export const COMMAND_NAMES = [
  "suppress",
  "unsuppress",
  "suppressions",
  "recheck",
  "explain",
  "override",
  "help",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

/** Longest reason accepted (a reason is a sentence or two, not an essay). */
export const MAX_REASON_LENGTH = 1000;
const MAX_PATTERN_LENGTH = 500;
const FINDING_ID = /^[0-9a-f]{12}$/i;
const SUPPRESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export interface SuppressTarget {
  readonly level: SuppressionLevel;
  /** The finding id (lowercased), rule id or glob, as written. */
  readonly pattern: string;
  /** `violation` ids are exact; a rule id without glob characters too; paths are globs. */
  readonly patternType: "exact" | "glob";
}

export type Command =
  | {
      readonly name: "suppress";
      readonly target: SuppressTarget;
      readonly reason: string;
      /** The expiry as written (a duration or a date), or null: the default applies unless permanent. */
      readonly expires: string | null;
      readonly permanent: boolean;
    }
  | { readonly name: "unsuppress"; readonly id: string }
  | { readonly name: "suppressions" }
  | { readonly name: "recheck" }
  | { readonly name: "explain"; readonly findingId: string }
  | { readonly name: "override"; readonly reason: string }
  | { readonly name: "help"; readonly topic: CommandName | null };

export type ParseResult =
  /** The comment is not addressed to us. */
  | { readonly status: "none" }
  | { readonly status: "ok"; readonly command: Command; readonly line: string }
  /** Addressed to us but wrong: `command` is the command it was meant to be, when known. */
  | {
      readonly status: "invalid";
      readonly command: CommandName | null;
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

export function parseCommand(body: string): ParseResult {
  const line = commandLine(body);
  if (line === null) return { status: "none" };
  const invalid = (command: CommandName | null, error: string): ParseResult => ({
    status: "invalid",
    command,
    error,
    line,
  });
  const tokens = tokenize(line.slice(COMMAND_PREFIX.length));
  if (!tokens.ok) {
    const word = line.slice(COMMAND_PREFIX.length).trim().split(/\s/, 1)[0]!.toLowerCase();
    return invalid(isCommandName(word) ? word : null, tokens.error);
  }
  const [head, ...rest] = tokens.tokens;
  if (!head) return invalid(null, "no command given");
  const name = head.value.toLowerCase();
  if (!isCommandName(name) || head.quotedFrom !== null) {
    const hint = closestCommand(name);
    return invalid(null, `unknown command "${head.value}"${hint ? ` (did you mean "${hint}"?)` : ""}`);
  }
  const args = readArguments(rest, OPTIONS[name]);
  if (!args.ok) return invalid(name, args.error);
  const built = buildCommand(name, args.positional, args.options);
  return "error" in built ? invalid(name, built.error) : { status: "ok", command: built, line };
}

function isCommandName(name: string): name is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(name);
}

type OptionName = "reason" | "expires" | "permanent";
const OPTIONS: Readonly<Record<CommandName, readonly OptionName[]>> = {
  suppress: ["reason", "expires", "permanent"],
  unsuppress: [],
  suppressions: [],
  recheck: [],
  explain: [],
  override: ["reason"],
  help: [],
};
const FLAG_OPTIONS: ReadonlySet<OptionName> = new Set(["permanent"]);

function buildCommand(
  name: CommandName,
  positional: readonly string[],
  options: ReadonlyMap<OptionName, string>,
): Command | { error: string } {
  const exactly = (count: number, what: string): { error: string } | null => {
    if (positional.length === count) return null;
    if (positional.length < count) return { error: `${name} needs ${what}` };
    const extra = positional.slice(count).map((value) => `"${value}"`);
    return { error: `unexpected argument${extra.length > 1 ? "s" : ""} ${extra.join(" ")}` };
  };
  switch (name) {
    case "suppress": {
      const problem = exactly(1, "what to suppress: a finding id, rule:ID, file:GLOB or dir:GLOB");
      if (problem) return problem;
      const target = suppressTarget(positional[0]!);
      if ("error" in target) return target;
      const reason = requiredReason(options);
      if (typeof reason !== "string") return reason;
      const expires = options.get("expires") ?? null;
      const permanent = options.has("permanent");
      if (expires !== null && permanent) return { error: "give either --expires or --permanent, not both" };
      if (expires !== null) {
        const parsed = parseExpiry(expires, new Date(0));
        if (!parsed.ok) return { error: parsed.error };
      }
      return { name, target, reason, expires, permanent };
    }
    case "unsuppress": {
      const problem = exactly(1, "the id of the suppression to remove");
      if (problem) return problem;
      const id = positional[0]!;
      if (!SUPPRESSION_ID.test(id)) return { error: `"${id}" is not a suppression id` };
      return { name, id };
    }
    case "explain": {
      const problem = exactly(1, "a finding id (12 hexadecimal characters)");
      if (problem) return problem;
      const id = positional[0]!;
      if (!FINDING_ID.test(id)) return { error: `"${id}" is not a finding id (12 hexadecimal characters)` };
      return { name, findingId: id.toLowerCase() };
    }
    case "override": {
      const problem = exactly(0, "");
      if (problem) return problem;
      const reason = requiredReason(options);
      if (typeof reason !== "string") return reason;
      return { name, reason };
    }
    case "help": {
      if (positional.length > 1) return exactly(1, "") ?? { error: "help takes at most one command" };
      const topic = positional[0]?.toLowerCase() ?? null;
      if (topic !== null && !isCommandName(topic)) return { error: `unknown command "${positional[0]}"` };
      return { name, topic };
    }
    case "suppressions":
    case "recheck":
      return exactly(0, "") ?? { name };
  }
}

function requiredReason(options: ReadonlyMap<OptionName, string>): string | { error: string } {
  const reason = options.get("reason");
  if (reason === undefined) return { error: '--reason "…" is required: say why' };
  const trimmed = reason.trim();
  if (trimmed === "") return { error: "the reason is empty: say why" };
  if (trimmed.length > MAX_REASON_LENGTH)
    return { error: `the reason is ${trimmed.length} characters long; at most ${MAX_REASON_LENGTH}` };
  return trimmed;
}

const TARGET_PREFIXES: ReadonlyArray<readonly [string, SuppressionLevel]> = [
  ["rule:", "rule"],
  ["file:", "file"],
  ["dir:", "directory"],
  ["directory:", "directory"],
];

function suppressTarget(text: string): SuppressTarget | { error: string } {
  if (FINDING_ID.test(text)) return { level: "violation", pattern: text.toLowerCase(), patternType: "exact" };
  const prefix = TARGET_PREFIXES.find(([p]) => text.toLowerCase().startsWith(p));
  if (!prefix) {
    return {
      error: `"${text}" is not something to suppress: give a finding id (12 hexadecimal characters), rule:ID, file:GLOB or dir:GLOB`,
    };
  }
  const [p, level] = prefix;
  const pattern = text.slice(p.length).trim();
  if (pattern === "") return { error: `${p} needs a ${level === "rule" ? "rule id" : "glob"} after it` };
  if (pattern.length > MAX_PATTERN_LENGTH)
    return { error: `the pattern is ${pattern.length} characters long; at most ${MAX_PATTERN_LENGTH}` };
  const literalRule = level === "rule" && !/[*?[\]{}()!+@\\]/.test(pattern);
  return { level, pattern, patternType: literalRule ? "exact" : "glob" };
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

function closestCommand(word: string): CommandName | null {
  let best: CommandName | null = null;
  let bestDistance = 3;
  for (const name of COMMAND_NAMES) {
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

/** One line per command, as design.md documents them. */
export const USAGE: Readonly<Record<CommandName, string>> = {
  suppress:
    '/maestro suppress <finding-id | rule:ID | file:GLOB | dir:GLOB> --reason "..." [--expires 30d|2026-12-31 | --permanent]',
  unsuppress: "/maestro unsuppress <suppression-id>",
  suppressions: "/maestro suppressions",
  recheck: "/maestro recheck",
  explain: "/maestro explain <finding-id>",
  override: '/maestro override --reason "..."',
  help: "/maestro help [command]",
};

export const DESCRIPTIONS: Readonly<Record<CommandName, string>> = {
  suppress:
    "accept findings for a reason: a finding id (exactly that finding), rule:ID (every finding of the rule), file:GLOB (findings in matching files) or dir:GLOB (findings under matching directories); expires after 90 days unless --expires or --permanent says otherwise",
  unsuppress: "remove a suppression (its id is in the list and in the reply to suppress)",
  suppressions: "list the repository's active suppressions",
  recheck: "analyse the pull request's head again",
  explain: "explain a finding: its rule, message and the rule's config",
  override: "let the gate pass for the current head commit despite its findings (admins; a new push ends it)",
  help: "this help",
};
