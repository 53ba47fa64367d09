/** `/maestro quarantine <scenario-id | feature:GLOB> --reason "…" [--expires 14d|2026-12-31]` */

import { createQuarantine, scopeProblem } from "../../../core/bdv/results/quarantine.ts";
import { exactly, requiredReason } from "../../../core/comment-commands/arguments.ts";
import { argumentError, type CommandSyntax, parsed } from "../../../core/comment-commands/parse.ts";
import { parseExpiry } from "../../../core/suppress/duration.ts";
import { addQuarantine } from "../../../store/bdv-results.ts";
import { type CommandAction, rejected } from "../command.ts";
import { codeSpan, reply, text } from "../reply.ts";

export interface QuarantineArguments {
  readonly scope: string;
  readonly reason: string;
  readonly expires: string | null;
}

export const syntax: CommandSyntax<QuarantineArguments> = {
  options: ["reason", "expires"],
  build(positional, options, { name }) {
    const count = exactly(name, positional, 1, "the scenario to quarantine: its id, or feature:GLOB");
    if (count) return count;
    const scope = positional[0]!.trim();
    const problem = scopeProblem(scope);
    if (problem) return argumentError(problem);
    const reason = requiredReason(options);
    if (!reason.ok) return reason;
    const expires = options.get("expires") ?? null;
    if (expires !== null) {
      const read = parseExpiry(expires, new Date(0));
      if (!read.ok) return argumentError(read.error);
    }
    return parsed({ scope, reason: reason.value, expires });
  },
};

export const action: CommandAction<QuarantineArguments> = async (command, site) => {
  const made = createQuarantine(
    { scope: command.scope, reason: command.reason, author: site.actor, expires: command.expires },
    site.now,
  );
  if (!made.ok) return rejected([made.error]);
  const { renewed } = await addQuarantine(site.db, site.repository, made.quarantine, {
    now: site.now,
    actor: site.actor,
    chain: site.chain,
    prNumber: site.prNumber,
  });
  const until = made.quarantine.expires.toISOString().slice(0, 10);
  return {
    status: "done",
    reply: reply(
      [
        `👍 ${renewed ? "Renewed the quarantine of" : "Quarantined"} ${codeSpan(made.quarantine.scope)} until ${until}: its failures in CI no longer fail the BDV check (they are still listed).`,
        "",
        `Reason: ${text(made.quarantine.reason)}`,
        "",
        `The checks of this pull request are re-running. To undo: ${codeSpan(`/maestro unquarantine ${made.quarantine.scope}`)}`,
      ].join("\n"),
    ),
    rerun: site.prState === "open",
    audit: { scope: made.quarantine.scope, expires: made.quarantine.expires.toISOString(), renewed },
  };
};
