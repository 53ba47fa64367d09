/** `/maestro recheck` */
import { noArguments } from "../../../core/comment-commands/arguments.ts";
import type { CommandSyntax } from "../../../core/comment-commands/parse.ts";
import { type CommandAction, rejected } from "../command.ts";

export const syntax: CommandSyntax<Record<never, never>> = {
  options: [],
  build: (positional, _options, { name }) => noArguments(name, positional),
};

export const action: CommandAction<Record<never, never>> = async (_args, site) => {
  if (site.prState !== "open") return rejected([`pull request #${site.prNumber} is ${site.prState}`]);
  return { status: "done", reply: null, rerun: true, audit: { headSha: site.headSha } };
};
