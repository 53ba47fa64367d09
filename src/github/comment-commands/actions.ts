/**
 * What each command does once it is parsed and allowed. Each action returns its outcome;
 * the handler reacts, replies, audits and re-runs the checks. State changes (suppressions,
 * overrides) audit themselves in the same transaction as the change.
 */
import type { CommandExplainRequest } from "../../ai/command.ts";
import type { FileSource } from "../../ai/explain.ts";
import type { Command } from "../../core/comment-commands/parse.ts";
import { configSchema, type MaestroConfig } from "../../core/config/schema.ts";
import {
  configSuppressions,
  DEFAULT_EXPIRY,
  isActive,
  mergeSuppressions,
} from "../../core/suppress/index.ts";
import type { Db } from "../../store/db.ts";
import { findingOfRun, latestRun, type RunFinding } from "../../store/findings.ts";
import { addOverride } from "../../store/overrides.ts";
import {
  addSuppression,
  getSuppression,
  listSuppressions,
  removeSuppression,
} from "../../store/suppressions.ts";
import {
  explainReply,
  helpReply,
  MAX_LISTED,
  overrideReply,
  rejectedReply,
  suppressedReply,
  suppressionsReply,
  unsuppressedReply,
} from "./reply.ts";

/** Where a command was given. */
export interface CommandSite {
  readonly db: Db;
  /** "owner/name" as GitHub spells it. */
  readonly repository: string;
  readonly prNumber: number;
  /** The PR's head at the time the command is handled (null for `help`, which does not look). */
  readonly headSha: string | null;
  readonly prState: string | null;
  /** The base branch's config (null when it could not be read). */
  readonly config: MaestroConfig | null;
  readonly actor: string;
  readonly chain: number;
  readonly commentId: number;
  /** When GitHub says the comment was written (an override must not cover what its author could not see). */
  readonly commentCreatedAt: Date | null;
  readonly now: Date;
  /** Reads a file at the PR head (for the excerpt of an AI explanation); absent in tests without GitHub. */
  readonly readFile?: FileSource | undefined;
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

function rejected(problems: string[], audit: Record<string, unknown> = {}): ActionOutcome {
  return { status: "rejected", reply: rejectedReply(problems), audit: { problems, ...audit } };
}

export async function runAction(
  command: Command,
  site: CommandSite,
  explainer: FindingExplainer,
): Promise<ActionOutcome> {
  switch (command.name) {
    case "help":
      return { status: "done", reply: helpReply(command.topic), rerun: false, audit: {} };
    case "recheck":
      if (site.prState !== "open") return rejected([`pull request #${site.prNumber} is ${site.prState}`]);
      return { status: "done", reply: null, rerun: true, audit: { headSha: site.headSha } };
    case "suppress":
      return suppress(command, site);
    case "unsuppress":
      return unsuppress(command.id, site);
    case "suppressions":
      return suppressions(site);
    case "explain":
      return explain(command.findingId, site, explainer);
    case "override":
      return override(command.reason, site);
  }
}

async function suppress(
  command: Extract<Command, { name: "suppress" }>,
  site: CommandSite,
): Promise<ActionOutcome> {
  const { target } = command;
  if (target.level === "violation") {
    const run = await latestRun(site.db, site.repository, site.prNumber, site.headSha);
    const finding = run ? await findingOfRun(site.db, run.runId, target.pattern) : null;
    if (!finding) {
      return rejected([
        run
          ? `no finding ${target.pattern} in the latest analysis of this pull request (use rule:, file: or dir: for findings elsewhere)`
          : `this pull request has no completed analysis yet, so finding ${target.pattern} cannot be checked; try again when the checks are done`,
      ]);
    }
  }
  const rules = new Map((site.config?.acc?.rules ?? []).map((rule) => [rule.id, rule.type] as const));
  const result = await addSuppression(
    site.db,
    site.repository,
    {
      level: target.level,
      pattern: target.pattern,
      patternType: target.patternType,
      justification: command.reason,
      ...(command.expires !== null ? { expires: command.expires } : {}),
      permanent: command.permanent,
      author: site.actor,
      source: "command",
    },
    {
      now: site.now,
      actor: site.actor,
      chain: site.chain,
      prNumber: site.prNumber,
      rules,
      defaultExpiry: DEFAULT_EXPIRY,
    },
  );
  const warnings = result.warnings.map((w) => w.message);
  if (!result.ok)
    return rejected(
      result.errors.map((e) => e.message),
      { warnings },
    );
  const s = result.suppression;
  return {
    status: "done",
    reply: suppressedReply(s, warnings),
    rerun: site.prState === "open",
    audit: {
      suppressionId: s.id,
      level: s.level,
      pattern: s.pattern,
      expires: s.expires,
      permanent: s.permanent,
    },
  };
}

async function unsuppress(id: string, site: CommandSite): Promise<ActionOutcome> {
  const inConfig = configSuppressions(site.config ?? emptyConfig(), site.now).suppressions.some(
    (s) => s.id === id,
  );
  const existing = await getSuppression(site.db, site.repository, id);
  if (inConfig || existing?.source === "config") {
    return rejected([`suppression ${id} is defined in .github/maestro-hive.yml: remove it there`]);
  }
  if (!existing) return rejected([`there is no suppression ${id} in this repository`]);
  const removed = await removeSuppression(site.db, site.repository, id, {
    now: site.now,
    actor: site.actor,
    chain: site.chain,
    prNumber: site.prNumber,
    reason: `/maestro unsuppress (comment ${site.commentId})`,
  });
  if (!removed) return rejected([`there is no suppression ${id} in this repository`]);
  return {
    status: "done",
    reply: unsuppressedReply(removed),
    rerun: site.prState === "open",
    audit: { suppressionId: id },
  };
}

async function suppressions(site: CommandSite): Promise<ActionOutcome> {
  const fromConfig = configSuppressions(site.config ?? emptyConfig(), site.now).suppressions;
  const fromDatabase = await listSuppressions(site.db, site.repository);
  const merged = mergeSuppressions(fromConfig, fromDatabase).suppressions.filter((s) =>
    isActive(s, site.now),
  );
  merged.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    status: "done",
    reply: suppressionsReply(merged.slice(0, MAX_LISTED), merged.length),
    rerun: false,
    audit: { listed: merged.length },
  };
}

async function explain(
  findingId: string,
  site: CommandSite,
  explainer: FindingExplainer,
): Promise<ActionOutcome> {
  const run = await latestRun(site.db, site.repository, site.prNumber, site.headSha);
  const finding = run ? await findingOfRun(site.db, run.runId, findingId) : null;
  if (!finding) {
    return rejected([
      run
        ? `no finding ${findingId} in the latest analysis of this pull request`
        : "this pull request has no completed analysis yet",
    ]);
  }
  const ruleConfig =
    finding.stream === "acc" ? site.config?.acc?.rules.find((rule) => rule.id === finding.rule) : undefined;
  const explanation = await explainer({
    repository: site.repository,
    prNumber: site.prNumber,
    finding,
    config: site.config,
    db: site.db,
    actor: site.actor,
    chain: site.chain,
    readFile: site.readFile,
  });
  return {
    status: "done",
    reply: explainReply(finding, ruleConfig, explanation),
    rerun: false,
    audit: { findingId, runId: run?.runId ?? null, explained: explanation !== null },
  };
}

async function override(reason: string, site: CommandSite): Promise<ActionOutcome> {
  if (site.prState !== "open") return rejected([`pull request #${site.prNumber} is ${site.prState}`]);
  if (!site.headSha) return rejected(["the pull request's head commit is unknown"]);
  const seen = await overrideProblem(site, site.headSha);
  if (seen) return rejected([seen]);
  const row = await addOverride(site.db, {
    repository: site.repository,
    prNumber: site.prNumber,
    headSha: site.headSha,
    actor: site.actor,
    reason,
    now: site.now,
    chain: site.chain,
    audit: { commentId: site.commentId },
  });
  return {
    status: "done",
    reply: overrideReply(site.headSha, reason),
    rerun: true,
    audit: { overrideId: row.id, headSha: site.headSha },
  };
}

/** GitHub stores comment times to the second; an analysis finishing within it still counts as seen. */
const CLOCK_TOLERANCE_MS = 1_000;

/**
 * An override covers the head whose results its author saw: that head must have a completed
 * analysis, finished before the comment was written. Otherwise a push between reading the
 * checks and commenting would let unseen code through.
 */
async function overrideProblem(site: CommandSite, headSha: string): Promise<string | null> {
  const short = headSha.slice(0, 7);
  const run = await latestRun(site.db, site.repository, site.prNumber, headSha);
  if (!run || run.headSha !== headSha) {
    return `the head ${short} has not been analysed yet: override once its checks are done`;
  }
  if (
    site.commentCreatedAt !== null &&
    run.finishedAt !== null &&
    run.finishedAt.getTime() > site.commentCreatedAt.getTime() + CLOCK_TOLERANCE_MS
  ) {
    return `the pull request moved on to ${short} after this comment was written (its checks finished later): look at them and override again`;
  }
  return null;
}

function emptyConfig(): MaestroConfig {
  return configSchema.parse({});
}
