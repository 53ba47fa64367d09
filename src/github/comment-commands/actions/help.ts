/** `/maestro help [command]` */
import { exactly } from "../../../core/comment-commands/arguments.ts";
import { argumentError, type CommandSyntax, parsed } from "../../../core/comment-commands/parse.ts";
import type { CommandAction } from "../command.ts";
import { helpReply } from "../reply.ts";

export interface HelpArguments {
  /** The command asked about, or null for all of them. */
  readonly topic: string | null;
}

export const syntax: CommandSyntax<HelpArguments> = {
  options: [],
  build(positional, _options, { name, commands }) {
    if (positional.length > 1) return exactly(name, positional, 1)!;
    const topic = positional[0]?.toLowerCase() ?? null;
    if (topic !== null && !commands.includes(topic))
      return argumentError(`unknown command "${positional[0]}"`);
    return parsed({ topic });
  },
};

export const action: CommandAction<HelpArguments> = async ({ topic }, _site, { commands }) => ({
  status: "done",
  reply: helpReply(commands, topic),
  rerun: false,
  audit: {},
});
