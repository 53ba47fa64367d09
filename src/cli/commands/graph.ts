/**
 * `maestro-hive graph [DIR] [--config FILE] [--format json|dot|mermaid]`: the import
 * graph of DIR's working tree, with the config's ACC include/exclude when there is one.
 * `--format json` is the design's contract. Exit codes: 0, or 2 for usage, git or config errors.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ImportGraph } from "../../core/acc/model.ts";
import { importGraph } from "../../core/analyze.ts";
import { accSchema } from "../../core/config/schema.ts";
import { renderGraphDot, renderGraphJson, renderGraphMermaid } from "../../core/report/graph.ts";
import type { Snapshot } from "../../core/snapshot.ts";
import { extractInParallel, threadsFromEnv } from "../../parallel/extract-pool.ts";
import { cacheDirectory, openDiskCache } from "../disk-cache.ts";
import { GitError } from "../git-snapshot.ts";
import { type CliIo, parseOrUsage, UsageError } from "../io.ts";
import { localSnapshots } from "../local-snapshot.ts";
import { formatConfigErrors, readProjectConfig } from "../project-config.ts";

const FORMATS = ["json", "dot", "mermaid"] as const;
type Format = (typeof FORMATS)[number];

const RENDERERS: Record<Format, (graph: ImportGraph) => string> = {
  json: renderGraphJson,
  dot: renderGraphDot,
  mermaid: renderGraphMermaid,
};

export const GRAPH_USAGE = `Usage: maestro-hive graph [DIR] [--config FILE] [--format json|dot|mermaid]

Prints the import graph of DIR (default: the current directory; a git work tree or
any folder, its .gitignore respected):
every analysed source file with its imports, each resolved to a repository file
(target) or an external package (external). The config's acc.include/exclude apply.

Options:
  --config FILE    config file (default DIR/.github/maestro-hive.yml)
  --format F       json (default), dot (Graphviz) or mermaid
  -h, --help       show this help`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrUsage(() => parse(args), GRAPH_USAGE);
  if (values.help) {
    io.out(GRAPH_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one DIR, got ${positionals.join(" ")}`);
  const format = values.format ?? "json";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}": use one of ${FORMATS.join(", ")}`);
  }
  const dir = resolve(io.cwd, positionals[0] ?? ".");
  if (!existsSync(dir)) throw new UsageError(`directory not found: ${dir}`);

  const loaded = readProjectConfig(dir, io.cwd, values.config);
  if (!loaded.ok) {
    io.err(`maestro-hive graph: invalid config\n${formatConfigErrors(loaded.errors)}`);
    return 2;
  }
  let snapshot: Snapshot;
  try {
    snapshot = (await localSnapshots(dir)).head;
  } catch (error) {
    if (error instanceof GitError) {
      io.err(`maestro-hive graph: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const cache = openDiskCache(cacheDirectory(dir, io.env));
  const acc = loaded.config.acc ?? accSchema.parse({});
  await extractInParallel([snapshot], cache, { ...acc, threads: threadsFromEnv(io.env) });
  const { graph, notices } = importGraph(snapshot, acc, cache);
  try {
    cache.flush();
  } catch (error) {
    io.err(
      `maestro-hive graph: could not write the cache in ${cache.directory}: ${(error as Error).message}`,
    );
  }
  for (const notice of notices)
    io.err(`maestro-hive graph: ${notice.file ? `${notice.file}: ` : ""}${notice.message}`);
  io.out(RENDERERS[format as Format](graph));
  return 0;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: "string" },
      format: { type: "string", short: "f" },
      help: { type: "boolean", short: "h" },
    },
  });
}
