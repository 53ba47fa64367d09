/**
 * Every `/maestro` comment command, one descriptor each: its syntax, who may run it, what it
 * does, and its usage line. Adding a command is one entry here plus its module in actions/
 * (its argument syntax and its action). `requires` has no default: an entry without it does
 * not compile.
 */
import { type ParseResult, parseCommandLine } from "../../core/comment-commands/parse.ts";
import * as explain from "./actions/explain.ts";
import * as help from "./actions/help.ts";
import * as override from "./actions/override.ts";
import * as quarantine from "./actions/quarantine.ts";
import * as recheck from "./actions/recheck.ts";
import * as suppress from "./actions/suppress.ts";
import * as suppressions from "./actions/suppressions.ts";
import * as unquarantine from "./actions/unquarantine.ts";
import * as unsuppress from "./actions/unsuppress.ts";
import { type BoundCommand, type CommandDescriptor, defineCommand } from "./command.ts";

export const COMMANDS = {
  suppress: defineCommand({
    syntax: suppress.syntax,
    requires: "command",
    action: suppress.action,
    usage:
      '/maestro suppress <finding-id | rule:ID | file:GLOB | dir:GLOB> --reason "..." [--expires 30d|2026-12-31 | --permanent]',
    description:
      "accept findings for a reason: a finding id (exactly that finding), rule:ID (every finding of the rule), file:GLOB (findings in matching files) or dir:GLOB (findings under matching directories); expires after 90 days unless --expires or --permanent says otherwise",
  }),
  unsuppress: defineCommand({
    syntax: unsuppress.syntax,
    requires: "command",
    action: unsuppress.action,
    usage: "/maestro unsuppress <suppression-id>",
    description: "remove a suppression (its id is in the list and in the reply to suppress)",
  }),
  suppressions: defineCommand({
    syntax: suppressions.syntax,
    requires: "anyone",
    action: suppressions.action,
    usage: "/maestro suppressions",
    description: "list the repository's active suppressions",
  }),
  recheck: defineCommand({
    syntax: recheck.syntax,
    requires: "command",
    action: recheck.action,
    usage: "/maestro recheck",
    description: "analyse the pull request's head again",
  }),
  explain: defineCommand({
    syntax: explain.syntax,
    requires: "anyone",
    action: explain.action,
    usage: "/maestro explain <finding-id>",
    description: "explain a finding: its rule, message and the rule's config",
  }),
  override: defineCommand({
    syntax: override.syntax,
    requires: "override",
    action: override.action,
    usage: '/maestro override --reason "..."',
    description:
      "let the gate pass for the current head commit despite its findings (admins; a new push ends it)",
  }),
  quarantine: defineCommand({
    syntax: quarantine.syntax,
    requires: "command",
    action: quarantine.action,
    usage: '/maestro quarantine <scenario-id | feature:GLOB> --reason "..." [--expires 14d|2026-12-31]',
    description:
      "stop a scenario's CI failures (or those of every scenario in matching feature files) from failing the BDV check; expires after 14 days unless --expires says otherwise (at most 90)",
  }),
  unquarantine: defineCommand({
    syntax: unquarantine.syntax,
    requires: "command",
    action: unquarantine.action,
    usage: "/maestro unquarantine <scenario-id | feature:GLOB>",
    description: "end a quarantine",
  }),
  help: defineCommand({
    syntax: help.syntax,
    requires: "anyone",
    action: help.action,
    usage: "/maestro help [command]",
    description: "this help",
    offline: true,
  }),
} satisfies Readonly<Record<string, CommandDescriptor>>;

export type CommandName = keyof typeof COMMANDS;
export const COMMAND_NAMES = Object.keys(COMMANDS) as CommandName[];

const SYNTAXES = Object.fromEntries(COMMAND_NAMES.map((name) => [name, COMMANDS[name].syntax]));

export type CommentParse =
  | { readonly status: "none" }
  | {
      readonly status: "invalid";
      readonly command: CommandName | null;
      readonly error: string;
      readonly line: string;
    }
  | {
      readonly status: "ok";
      /** `{ name, ...arguments }`. */
      readonly command: BoundCommand["command"] & { readonly name: CommandName };
      readonly descriptor: CommandDescriptor;
      readonly run: BoundCommand["run"];
      readonly line: string;
    };

/** A comment's command, parsed against the table. */
export function parseComment(body: string): CommentParse {
  const result: ParseResult<BoundCommand> = parseCommandLine(body, SYNTAXES);
  if (result.status === "none") return result;
  if (result.status === "invalid") return { ...result, command: result.command as CommandName | null };
  const name = result.name as CommandName;
  const { command, run } = result.value;
  return { status: "ok", command: { ...command, name }, descriptor: COMMANDS[name], run, line: result.line };
}
