/**
 * `issue_comment.created` on a pull request → a comment command.
 *
 *   ignore (edits, bots, plain issues, other comments, a comment already handled)
 *   ─► 👀 ─► parse ─► authorise (collaborator permission × base-branch config) ─► act
 *   ─► reply + 👍 (or 😕 and why, nothing changed) ─► audit ─► re-run the PR's checks
 *
 * Every command addressed to us leaves an `authorization` and a `command` audit row on
 * the installation's chain (a malformed one only the `command` row). The `command` row is
 * written right after the change, so a retried job finds it and does not act twice.
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import { createFindingExplainer } from "../../ai/command.ts";
import type { ExplainerSettings } from "../../ai/explain.ts";
import { githubFileReader } from "../../ai/github-file.ts";
import type { MaestroConfig } from "../../core/config/schema.ts";
import { commandAlreadyHandled } from "../../store/commands.ts";
import { describeConfigErrors, loadRepositoryConfig } from "../config.ts";
import type { DeliveryContext, DeliveryHandler } from "../delivery.ts";
import type { RepoRef } from "../snapshot.ts";
import type { Expect, PayloadReads } from "../webhook-payloads.ts";
import {
  type Decision,
  decide,
  fallbackPolicy,
  type RepositoryRole,
  type RolePolicy,
  repositoryRole,
} from "./authorize.ts";
import type { ActionOutcome, CommandSite, FindingExplainer } from "./command.ts";
import { invalidReply, refusedReply } from "./reply.ts";
import { COMMANDS, type CommandName, type CommentParse, parseComment } from "./table.ts";

/**
 * Re-analyses a pull request inside the caller's job after a command changed what its checks
 * show (the job layer passes its analysis in, so this module does not depend on it).
 */
export type PullRequestRerun = (
  context: DeliveryContext,
  prNumber: number,
) => Promise<{ readonly status: string }>;

export interface CommandHandlerOptions {
  /** Runs the PR's analysis again (the same options as the analysis handler's). */
  readonly rerun: PullRequestRerun;
  /** AI settings for `/maestro explain` when no explainer is given. */
  readonly ai?: ExplainerSettings | undefined;
  readonly explainer?: FindingExplainer;
}

const user = z.object({ login: z.string(), type: z.string().optional() });
const commentEvent = z.object({
  action: z.string(),
  issue: z.object({
    number: z.number().int(),
    pull_request: z.object({}).passthrough().nullable().optional(),
  }),
  comment: z.object({
    id: z.number().int(),
    body: z.string().nullable().optional(),
    user: user.nullable(),
    html_url: z.string().optional(),
    created_at: z.string().optional(),
    performed_via_github_app: z.unknown().optional(),
  }),
  sender: user,
  repository: z.object({ name: z.string(), full_name: z.string(), owner: z.object({ login: z.string() }) }),
});
type CommentEvent = z.infer<typeof commentEvent>;
/** GitHub's payload type satisfies the schema (checked when compiling; see webhook-payloads.ts). */
export type CommentPayloadMatchesGitHub = Expect<PayloadReads<"issue_comment", typeof commentEvent>>;

const pullSchema = z.object({
  state: z.string(),
  head: z.object({ sha: z.string() }),
  base: z.object({
    ref: z.string(),
    repo: z.object({ default_branch: z.string() }).nullish(),
  }),
});

type Reaction = "eyes" | "+1" | "confused";

/**
 * The branch whose config is the policy for a command on this PR: the default branch — a
 * writer could otherwise open a PR to a branch of their own whose config widens
 * `gate.commandRoles` and then suppress rules repository-wide. The base is the default
 * branch in the usual case; the fallback is the base only when GitHub names no default branch.
 */
export function policyRef(pull: z.infer<typeof pullSchema>): string {
  return pull.base.repo?.default_branch ?? pull.base.ref;
}

/** Why a comment is not a command for us, or null when it may be one. */
export function ignoredBecause(event: CommentEvent): string | null {
  if (event.action !== "created") return `comment ${event.action}`;
  if (!event.issue.pull_request) return "a comment on an issue, not on a pull request";
  const authors = [event.sender, event.comment.user].filter((u): u is NonNullable<typeof u> => u !== null);
  if (authors.some((u) => u.type === "Bot" || u.login.endsWith("[bot]"))) return "a bot's comment";
  return null;
}

export function createCommandHandler(options: CommandHandlerOptions): DeliveryHandler {
  const explainer = options.explainer ?? createFindingExplainer(options.ai);
  return async (context) => {
    if (context.event !== "issue_comment") return;
    const event = commentEvent.parse(context.payload);
    const ignored = ignoredBecause(event);
    if (ignored) {
      context.log.debug({ reason: ignored }, "comment ignored");
      return;
    }
    const parsed = parseComment(event.comment.body ?? "");
    if (parsed.status === "none") return;
    const fullName = event.repository.full_name;
    if (await commandAlreadyHandled(context.db, context.installationId ?? 0, fullName, event.comment.id)) {
      context.log.info({ commentId: event.comment.id }, "command already handled");
      return;
    }
    const session = new CommandSession(context, event, await context.octokit());
    await session.react("eyes");
    if (parsed.status === "invalid") {
      await session.finish(
        "invalid",
        parsed.command,
        invalidReply(COMMANDS, parsed.error, parsed.command),
        "confused",
        {
          line: parsed.line,
          error: parsed.error,
        },
      );
      return;
    }
    await session.run(parsed, explainer, options.rerun);
  };
}

class CommandSession {
  readonly #context: DeliveryContext;
  readonly #event: CommentEvent;
  readonly #octokit: ProbotOctokit;
  readonly #repo: RepoRef;
  readonly #actor: string;

  constructor(context: DeliveryContext, event: CommentEvent, octokit: ProbotOctokit) {
    this.#context = context;
    this.#event = event;
    this.#octokit = octokit;
    this.#repo = { owner: event.repository.owner.login, repo: event.repository.name };
    this.#actor = event.sender.login;
  }

  async run(
    parsed: Extract<CommentParse, { status: "ok" }>,
    explainer: FindingExplainer,
    rerun: PullRequestRerun,
  ): Promise<void> {
    const { command, descriptor, line } = parsed;
    const pull = descriptor.offline ? null : await this.#pullRequest();
    const config = pull
      ? await this.#baseConfig(policyRef(pull))
      : { config: null, policy: fallbackPolicy("no config read") };
    let asked: Promise<RepositoryRole> | undefined;
    const askRole = () => {
      asked ??= repositoryRole(this.#octokit, this.#repo, this.#actor);
      return asked;
    };
    const role = descriptor.requires === "anyone" ? null : await askRole();
    const decision = decide(descriptor.requires, role, config.policy);
    await this.#auditAuthorization(command.name, decision, config.policy);
    if (!decision.allowed) {
      const reply = refusedReply(decision.reason ?? "not allowed");
      await this.finish("refused", command.name, reply, "confused", { line, role });
      return;
    }
    const outcome: ActionOutcome = await parsed.run(this.#site(pull, config.config, askRole), {
      explainer,
      commands: COMMANDS,
    });
    if (outcome.status === "rejected") {
      await this.finish("rejected", command.name, outcome.reply, "confused", { line, ...outcome.audit });
      return;
    }
    await this.finish("done", command.name, outcome.reply, "+1", { line, ...outcome.audit });
    if (outcome.rerun) await this.#rerun(this.#event.issue.number, rerun);
  }

  #site(
    pull: z.infer<typeof pullSchema> | null,
    config: MaestroConfig | null,
    role: () => Promise<RepositoryRole>,
  ): CommandSite {
    const context = this.#context;
    return {
      db: context.db,
      repository: this.#event.repository.full_name,
      prNumber: this.#event.issue.number,
      headSha: pull?.head.sha ?? null,
      prState: pull?.state ?? null,
      config,
      actor: this.#actor,
      chain: context.installationId ?? 0,
      commentId: this.#event.comment.id,
      commentCreatedAt: this.#commentCreatedAt(),
      now: context.now(),
      readFile: pull ? githubFileReader(this.#octokit, this.#repo, pull.head.sha) : undefined,
      role,
    };
  }

  /** Audits the command (first: see the file comment), then replies and reacts. */
  async finish(
    outcome: "done" | "invalid" | "refused" | "rejected",
    command: CommandName | null,
    body: string | null,
    reaction: Reaction,
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.#context.audit({
      kind: "command",
      actor: this.#actor,
      repository: this.#event.repository.full_name,
      prNumber: this.#event.issue.number,
      subject: `comment:${this.#event.comment.id}`,
      data: { command, outcome, ...data },
    });
    if (body !== null) await this.#reply(body);
    await this.react(reaction);
  }

  async react(content: Reaction): Promise<void> {
    await this.#octokit.rest.reactions.createForIssueComment({
      ...this.#repo,
      comment_id: this.#event.comment.id,
      content,
    });
  }

  #commentCreatedAt(): Date | null {
    const at = this.#event.comment.created_at ? new Date(this.#event.comment.created_at) : null;
    return at && !Number.isNaN(at.getTime()) ? at : null;
  }

  async #reply(body: string): Promise<void> {
    await this.#octokit.rest.issues.createComment({
      ...this.#repo,
      issue_number: this.#event.issue.number,
      body,
    });
  }

  async #pullRequest(): Promise<z.infer<typeof pullSchema>> {
    const response = await this.#octokit.rest.pulls.get({
      ...this.#repo,
      pull_number: this.#event.issue.number,
    });
    return pullSchema.parse(response.data);
  }

  /**
   * Who may do what comes from the default branch, like every other setting (policyRef): neither
   * a PR nor a branch its author picked as the base can grant rights.
   */
  async #baseConfig(baseRef: string): Promise<{ config: MaestroConfig | null; policy: RolePolicy }> {
    const loaded = await loadRepositoryConfig(this.#octokit, this.#repo, baseRef);
    if (!loaded.ok) {
      this.#context.log.warn(
        { errors: describeConfigErrors(loaded.errors) },
        "base config unusable for commands",
      );
      return {
        config: null,
        policy: fallbackPolicy("the default branch's config has errors, so only admins may act"),
      };
    }
    const gate = loaded.config.gate;
    return {
      config: loaded.config,
      policy: { commandRoles: gate.commandRoles, overrideRoles: gate.overrideRoles, fallback: null },
    };
  }

  async #auditAuthorization(command: CommandName, decision: Decision, policy: RolePolicy): Promise<void> {
    await this.#context.audit({
      kind: "authorization",
      actor: this.#actor,
      repository: this.#event.repository.full_name,
      prNumber: this.#event.issue.number,
      subject: `comment:${this.#event.comment.id}`,
      data: {
        command,
        allowed: decision.allowed,
        requirement: decision.requirement,
        role: decision.role,
        allowedRoles: decision.allowedRoles,
        ...(policy.fallback ? { policy: policy.fallback } : {}),
      },
    });
  }

  /** The change shows at once: the PR's checks and sticky comment are redone now, in this job. */
  async #rerun(prNumber: number, rerun: PullRequestRerun): Promise<void> {
    try {
      const outcome = await rerun(this.#context, prNumber);
      this.#context.log.info({ status: outcome.status }, "checks re-run after a command");
    } catch (error) {
      // The command itself is done and audited; the checks say what the re-run could not.
      this.#context.log.error({ err: error }, "re-running the checks after a command failed");
      await this.#context.audit({
        kind: "error",
        actor: this.#actor,
        repository: this.#event.repository.full_name,
        prNumber,
        subject: `comment:${this.#event.comment.id}`,
        data: { stage: "command.rerun", error: error instanceof Error ? error.message : String(error) },
      });
    }
  }
}
