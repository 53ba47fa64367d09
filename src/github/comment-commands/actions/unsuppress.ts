/** `/maestro unsuppress <suppression-id>` */
import { exactly, suppressionIdArgument } from "../../../core/comment-commands/arguments.ts";
import { type CommandSyntax, parsed } from "../../../core/comment-commands/parse.ts";
import { configSuppressions } from "../../../core/suppress/index.ts";
import { getSuppression, removeSuppression } from "../../../store/suppressions.ts";
import { type CommandAction, rejected } from "../command.ts";
import { unsuppressedReply } from "../reply.ts";
import { configOrEmpty } from "./site-config.ts";

export interface UnsuppressArguments {
  readonly id: string;
}

export const syntax: CommandSyntax<UnsuppressArguments> = {
  options: [],
  build(positional, _options, { name }) {
    const count = exactly(name, positional, 1, "the id of the suppression to remove");
    if (count) return count;
    const id = suppressionIdArgument(positional[0]!);
    return id.ok ? parsed({ id: id.value }) : id;
  },
};

export const action: CommandAction<UnsuppressArguments> = async ({ id }, site) => {
  const inConfig = configSuppressions(configOrEmpty(site), site.now).suppressions.some((s) => s.id === id);
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
};
