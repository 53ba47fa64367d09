/**
 * The `maestro-hive` command. Each subcommand lives in commands/<name>.ts and exports
 * `run(args, io)`, returning the process exit code (0 pass, 1 gate failed, 2 usage or
 * config error). Modules load lazily so `maestro-hive check` never opens a database.
 */
import { pathToFileURL } from "node:url";
import type { CliIo } from "./io.ts";
import { processIo, UsageError } from "./io.ts";

interface CommandModule {
  run(args: string[], io: CliIo): Promise<number>;
}

const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  init: {
    summary: "write a starting .github/maestro-hive.yml and show what it finds",
    load: () => import("./commands/init.ts"),
  },
  check: { summary: "analyse a checkout and print findings", load: () => import("./commands/check.ts") },
  graph: { summary: "print the import graph", load: () => import("./commands/graph.ts") },
  suppressions: {
    summary: "list|add|remove|review suppressions (database)",
    load: () => import("./commands/suppressions.ts"),
  },
  audit: {
    summary: "list|verify|export the audit trail (database)",
    load: () => import("./commands/audit.ts"),
  },
  deliveries: {
    summary: "failed|replay: deliveries whose job failed every attempt (database)",
    load: () => import("./commands/deliveries.ts"),
  },
  db: { summary: "migrate: apply database migrations", load: () => import("./commands/db.ts") },
  worker: { summary: "run only the job worker (no HTTP server)", load: () => import("./commands/worker.ts") },
  serve: {
    summary: "run the app (webhooks, health, metrics, workers)",
    load: () => import("./commands/serve.ts"),
  },
};

export function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: maestro-hive <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `maestro-hive <command> --help` for a command's options.",
    "Exit codes: 0 pass, 1 the gate fails, 2 usage or config error.",
  ].join("\n");
}

export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    io.out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-v") {
    io.out("maestro-hive 0.1.0");
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`maestro-hive: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  try {
    const module = await command.load();
    return await module.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`maestro-hive ${name}: ${error.message}`);
      return 2;
    }
    io.err(
      `maestro-hive ${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 2;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  process.exitCode = await main(process.argv.slice(2));
}
