/**
 * What a comment command is: its syntax, who may run it, what it does and how it is
 * documented — one descriptor per command, listed in table.ts. An action returns its
 * outcome; the handler reacts, replies, audits and re-runs the checks. State changes
 * (suppressions, overrides) audit themselves in the same transaction as the change.
 */
import type { CommandExplainRequest } from "../../ai/command.ts";
import type { FileSource } from "../../ai/explain.ts";
import { type CommandSyntax, parsed } from "../../core/comment-commands/parse.ts";
import type { MaestroConfig } from "../../core/config/schema.ts";
import type { Db } from "../../store/db.ts";
import type { RunFinding } from "../../store/findings.ts";
import type { RepositoryRole, Requirement } from "./authorize.ts";
import { rejectedReply, type UsageTable } from "./reply.ts";

/** Where a command was given. */
export interface CommandSite {
  readonly db: Db;
  /** "owner/name" as GitHub spells it. */
  readonly repository: string;
  readonly prNumber: number;
  /** The PR's head at the time the command is handled (null for offline commands such as `help`). */
  readonly headSha: string | null;
  readonly prState: string | null;
  /** The default branch's config, the policy of every command (null when it could not be read). */
  readonly config: MaestroConfig | null;
  readonly actor: string;
  readonly chain: number;
  readonly commentId: number;
  /** When GitHub says the comment was written (an override must not cover what its author could not see). */
  readonly commentCreatedAt: Date | null;
  readonly now: Date;
  /** Reads a file at the PR head (for the excerpt of an AI explanation); absent in tests without GitHub. */
  readonly readFile?: FileSource | undefined;
  /** The commenter's role on the repository (asked of GitHub once, when first needed). */
  readonly role?: (() => Promise<RepositoryRole>) | undefined;
}

/** What src/ai's explainer is asked (cache, audit, excerpt: see createFindingExplainer). */
export interface ExplainRequest extends CommandExplainRequest {
  readonly finding: RunFinding;
}

/**
 * The seam for model-written explanations: returns one, or null when none is available (no
 * API key, not configured, the model failed). The default explains nothing, and `explain`
 * then answers with the finding's rule, message and the rule's config.
 */
export type FindingExplainer = (request: ExplainRequest) => Promise<string | null>;
export const noExplanation: FindingExplainer = async () => null;

/** What actions may use besides the site. */
export interface ActionDeps {
  readonly explainer: FindingExplainer;
  readonly commands: UsageTable;
}

export type ActionOutcome =
  | {
      readonly status: "done";
      readonly reply: string | null;
      /** Re-run the PR's checks so the change shows at once. */
      readonly rerun: boolean;
      readonly audit: Record<string, unknown>;
    }
  /** Understood and allowed, but not possible (unknown id, invalid expiry…): nothing changed. */
  | { readonly status: "rejected"; readonly reply: string; readonly audit: Record<string, unknown> };

export function rejected(problems: string[], audit: Record<string, unknown> = {}): ActionOutcome {
  return { status: "rejected", reply: rejectedReply(problems), audit: { problems, ...audit } };
}

export type CommandAction<A> = (args: A, site: CommandSite, deps: ActionDeps) => Promise<ActionOutcome>;

/** One command as the table states it. */
export interface CommandSpec<A extends object> {
  /** Its options, and how its words and options become `A` (or a reason they do not). */
  readonly syntax: CommandSyntax<A>;
  /**
   * Who may run it: `anyone` who can comment, `command` (one of `gate.commandRoles`) or
   * `override` (one of `gate.overrideRoles`). Required: there is no default.
   */
  readonly requires: Requirement;
  readonly action: CommandAction<A>;
  /** One line, as the README and `/maestro help` show it. */
  readonly usage: string;
  readonly description: string;
  /** Answers without reading the pull request or its base config (`help`). */
  readonly offline?: true;
}

/** A parsed command: `{ name, ...arguments }` (as audited), bound to its action. */
export interface BoundCommand {
  readonly command: { readonly name: string };
  run(site: CommandSite, deps: ActionDeps): Promise<ActionOutcome>;
}

/** A command of the table, its argument type folded into its binding. */
export interface CommandDescriptor {
  readonly syntax: CommandSyntax<BoundCommand>;
  readonly requires: Requirement;
  readonly usage: string;
  readonly description: string;
  readonly offline: boolean;
}

export function defineCommand<A extends object>(spec: CommandSpec<A>): CommandDescriptor {
  return {
    requires: spec.requires,
    usage: spec.usage,
    description: spec.description,
    offline: spec.offline ?? false,
    syntax: {
      options: spec.syntax.options,
      build(positional, options, context) {
        const args = spec.syntax.build(positional, options, context);
        if (!args.ok) return args;
        return parsed({
          command: { name: context.name, ...args.value },
          run: (site: CommandSite, deps: ActionDeps) => spec.action(args.value, site, deps),
        });
      },
    },
  };
}
