/** `/maestro explain <finding-id>` */
import { exactly, findingIdArgument } from "../../../core/comment-commands/arguments.ts";
import { type CommandSyntax, parsed } from "../../../core/comment-commands/parse.ts";
import { findingOfRun, latestRun } from "../../../store/findings.ts";
import { type CommandAction, type CommandSite, rejected } from "../command.ts";
import { explainReply } from "../reply.ts";

export interface ExplainArguments {
  readonly findingId: string;
}

export const syntax: CommandSyntax<ExplainArguments> = {
  options: [],
  build(positional, _options, { name }) {
    const count = exactly(name, positional, 1, "a finding id (12 hexadecimal characters)");
    if (count) return count;
    const id = findingIdArgument(positional[0]!);
    return id.ok ? parsed({ findingId: id.value }) : id;
  },
};

const WRITERS: ReadonlySet<string> = new Set(["admin", "maintain", "write"]);

/**
 * A model-written explanation sends an excerpt of the code to the API on the deployment's key:
 * only when the default branch's config opts in (`ai.explain: true`) and only for users with
 * write access. Null when it may be asked for; else the reason, for the reply.
 */
async function whyNoAi(site: CommandSite): Promise<string | null> {
  if (site.config?.ai.explain !== true) {
    return "AI explanations are off for this repository: the default branch's `.github/maestro-hive.yml` does not set `ai.explain: true`.";
  }
  const role = site.role ? await site.role() : "none";
  if (!WRITERS.has(role)) return "AI explanations are for users with write access to this repository.";
  return null;
}

export const action: CommandAction<ExplainArguments> = async ({ findingId }, site, { explainer }) => {
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
  const withoutAi = await whyNoAi(site);
  if (withoutAi) {
    return {
      status: "done",
      reply: explainReply(finding, ruleConfig, null, withoutAi),
      rerun: false,
      audit: { findingId, runId: run?.runId ?? null, explained: false, ai: withoutAi },
    };
  }
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
};
