/** `/maestro unquarantine <scenario-id | feature:GLOB>` */

import { scopeProblem } from "../../../core/bdv/results/quarantine.ts";
import { exactly } from "../../../core/comment-commands/arguments.ts";
import { argumentError, type CommandSyntax, parsed } from "../../../core/comment-commands/parse.ts";
import { removeQuarantine } from "../../../store/bdv-results.ts";
import { type CommandAction, rejected } from "../command.ts";
import { codeSpan, reply } from "../reply.ts";

export interface UnquarantineArguments {
  readonly scope: string;
}

export const syntax: CommandSyntax<UnquarantineArguments> = {
  options: [],
  build(positional, _options, { name }) {
    const count = exactly(name, positional, 1, "the quarantined scenario id, or feature:GLOB");
    if (count) return count;
    const scope = positional[0]!.trim();
    const problem = scopeProblem(scope);
    return problem ? argumentError(problem) : parsed({ scope });
  },
};

export const action: CommandAction<UnquarantineArguments> = async ({ scope }, site) => {
  const removed = await removeQuarantine(site.db, site.repository, scope, {
    now: site.now,
    actor: site.actor,
    chain: site.chain,
    prNumber: site.prNumber,
  });
  if (!removed) return rejected([`${scope} is not quarantined in this repository`]);
  return {
    status: "done",
    reply: reply(
      `👍 Ended the quarantine of ${codeSpan(scope)}. The checks of this pull request are re-running.`,
    ),
    rerun: site.prState === "open",
    audit: { scope },
  };
};
