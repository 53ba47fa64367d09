/** `/maestro explain <finding-id>` */
import { exactly, findingIdArgument } from "../../../core/comment-commands/arguments.ts";
import { type CommandSyntax, parsed } from "../../../core/comment-commands/parse.ts";
import { findingOfRun, latestRun } from "../../../store/findings.ts";
import { type CommandAction, rejected } from "../command.ts";
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
