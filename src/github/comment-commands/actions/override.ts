/** `/maestro override --reason "…"` */
import { exactly, requiredReason } from "../../../core/comment-commands/arguments.ts";
import { type CommandSyntax, parsed } from "../../../core/comment-commands/parse.ts";
import { type LatestRun, latestRun } from "../../../store/findings.ts";
import { addOverride } from "../../../store/overrides.ts";
import { type CommandAction, type CommandSite, rejected } from "../command.ts";
import { overrideReply } from "../reply.ts";

export interface OverrideArguments {
  readonly reason: string;
}

export const syntax: CommandSyntax<OverrideArguments> = {
  options: ["reason"],
  build(positional, options, { name }) {
    const count = exactly(name, positional, 0);
    if (count) return count;
    const reason = requiredReason(options);
    return reason.ok ? parsed({ reason: reason.value }) : reason;
  },
};

export const action: CommandAction<OverrideArguments> = async ({ reason }, site) => {
  if (site.prState !== "open") return rejected([`pull request #${site.prNumber} is ${site.prState}`]);
  if (!site.headSha) return rejected(["the pull request's head commit is unknown"]);
  const seen = await overrideProblem(site, site.headSha);
  if (typeof seen === "string") return rejected([seen]);
  const row = await addOverride(site.db, {
    repository: site.repository,
    prNumber: site.prNumber,
    headSha: site.headSha,
    analysisKey: seen.analysisKey,
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
};

/** GitHub stores comment times to the second; an analysis finishing within it still counts as seen. */
const CLOCK_TOLERANCE_MS = 1_000;

/**
 * An override covers the head whose results its author saw (and is bound to that analysis's
 * key: the same head under another config or base is not overridden): it must have a completed
 * analysis, finished before the comment was written. Otherwise a push between reading the
 * checks and commenting would let unseen code through.
 */
async function overrideProblem(site: CommandSite, headSha: string): Promise<string | LatestRun> {
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
  return run;
}
