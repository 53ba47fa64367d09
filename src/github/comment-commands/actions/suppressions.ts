/** `/maestro suppressions` */
import { noArguments } from "../../../core/comment-commands/arguments.ts";
import type { CommandSyntax } from "../../../core/comment-commands/parse.ts";
import { configSuppressions, isActive, mergeSuppressions } from "../../../core/suppress/index.ts";
import { listSuppressions } from "../../../store/suppressions.ts";
import type { CommandAction } from "../command.ts";
import { MAX_LISTED, suppressionsReply } from "../reply.ts";
import { configOrEmpty } from "./site-config.ts";

export const syntax: CommandSyntax<Record<never, never>> = {
  options: [],
  build: (positional, _options, { name }) => noArguments(name, positional),
};

export const action: CommandAction<Record<never, never>> = async (_args, site) => {
  const fromConfig = configSuppressions(configOrEmpty(site), site.now).suppressions;
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
};
