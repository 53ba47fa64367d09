/**
 * `maestro-hive graph [DIR] [--config FILE] [--format json|dot|mermaid]`: the import
 * graph of DIR's working tree, with the config's ACC include/exclude when there is one.
 * `--format json` is the design's contract. Exit codes: 0, or 2 for usage, git or config errors.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { importGraph } from "../../core/acc/graph-config.ts";
import type { ExtractionCache, GraphFile } from "../../core/acc/model.ts";
import type { AccConfig, MaestroConfig } from "../../core/config/schema.ts";
import type { Collapse } from "../../core/report/graph-view.ts";
import { DEFAULT_MAX_EDGES, DEFAULT_MAX_NODES } from "../../core/report/graph-view-limits.ts";
import type { Snapshot } from "../../core/snapshot.ts";
import type { StreamingExtraction } from "../../parallel/extract-pool.ts";
import {
  startExtractWorker,
  streamingStartsWorkers,
  threadsFromEnv,
} from "../../parallel/extract-worker-start.ts";
import { cacheDirectory, type DiskCache, hasCacheFile } from "../disk-cache.ts";
import { GitError, gitIndexBytes, listWorkingTree } from "../git-snapshot.ts";
import { type CliIo, parseOrUsage, UsageError } from "../io.ts";
import { localSnapshots } from "../local-snapshot.ts";
import { tuneV8ForAnalysis } from "../v8-tuning.ts";

type Engine = typeof import("../graph-engine.ts");

/**
 * A git index this big (some 500 tracked files) makes a worker worth starting before git has
 * listed the tree. Below it the worker waits for the listing: on a small tree a worker started
 * and ended unused costs ~100 ms of CPU and ~30 ms at exit.
 */
const EARLY_WORKER_MIN_INDEX_BYTES = 64 * 1024;

const FORMATS = ["json", "dot", "mermaid"] as const;

export const GRAPH_USAGE = `Usage: maestro-hive graph [DIR] [--config FILE] [--format json|dot|mermaid]
         [--collapse components|depth:N] [--focus NODE] [--depth N] [--max-nodes N] [--max-edges N]

Prints the import graph of DIR (default: the current directory; a git work tree or
any folder, its .gitignore respected):
every analysed source file with its imports, each resolved to a repository file
(target) or an external package (external). The config's acc.include/exclude apply.

Options:
  --config FILE    config file (default DIR/.github/maestro-hive.yml)
  --format F       json (default), dot (Graphviz) or mermaid
  --collapse C     dot/mermaid: one node per component of the config (components) or per
                   folder N levels deep (depth:N); default one node per file, clustered by folder
  --focus NODE     dot/mermaid: only NODE (a file, folder or component) and its neighbours
  --depth N        neighbourhood depth around --focus (default 1)
  --max-nodes N    cap on drawn nodes (default ${DEFAULT_MAX_NODES}; the most connected are kept)
  --max-edges N    cap on drawn edges (default ${DEFAULT_MAX_EDGES}; violating ones first)
  -h, --help       show this help

Imports that break a rule of the config are drawn red. What the caps leave out is said in a
comment at the top of the output and on stderr.`;

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

  tuneV8ForAnalysis(); // before the engine loads, as in check
  // git lists the tree while the rest of the command's code loads.
  const listing = listWorkingTree(dir);
  listing.catch(() => {}); // a folder that is no work tree: localSnapshots finds out
  const threads = threadsFromEnv(io.env);
  const cacheDir = cacheDirectory(dir, io.env);
  // A big tree and no cache yet: every file will be extracted, so a worker starts now, while
  // the engine loads (typeorm: its start-up no longer follows the loading).
  const early =
    streamingStartsWorkers(threads) &&
    gitIndexBytes(dir) >= EARLY_WORKER_MIN_INDEX_BYTES &&
    !hasCacheFile(cacheDir);
  const started = early ? startExtractWorker(false) : undefined;
  try {
    return await graph(dir, format, values, io, { listing, threads, cacheDir, started });
  } finally {
    void started?.terminate(); // unless the extraction took it (and ended it already)
  }
}

interface GraphStart {
  readonly listing: ReturnType<typeof listWorkingTree>;
  readonly threads: number | undefined;
  readonly cacheDir: string;
  readonly started: ReturnType<typeof startExtractWorker> | undefined;
}

async function graph(
  dir: string,
  format: string,
  values: ReturnType<typeof parse>["values"],
  io: CliIo,
  { listing, threads, cacheDir, started }: GraphStart,
): Promise<number> {
  const engine = await import("../graph-engine.ts");
  const loaded = await engine.readProjectConfig(dir, io.cwd, values.config);
  if (!loaded.ok) {
    io.err(`maestro-hive graph: invalid config\n${engine.formatConfigErrors(loaded.errors)}`);
    return 2;
  }
  const cache = engine.openDiskCache(cacheDir);
  const acc = loaded.config.acc ?? engine.accSchema.parse({});
  const extraction = engine.streamingExtraction(cache, { ...acc, threads, started });
  // An empty cache: every wanted file will be extracted, so the workers may start with the listing.
  const cold = cache.stats().loaded === 0;
  let snapshot: Snapshot;
  let resolving: ReturnType<typeof resolveAsExtracted> | undefined;
  try {
    const reading = {
      listing,
      onFile: extraction.offer,
      onListed: cold ? extraction.expect : undefined,
      // The files the workers parse first, the others (only listed and hashed) after.
      readFirst: extraction.wants,
    };
    snapshot = (await localSnapshots(dir, undefined, undefined, reading)).head;
    resolving = resolveAsExtracted(engine, snapshot, acc, cache, extraction, format === "json");
  } catch (error) {
    if (error instanceof GitError) {
      io.err(`maestro-hive graph: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    await extraction.finish();
  }
  const built = resolving?.finish();
  const { graph, notices } = built ?? engine.importGraph(snapshot, acc, cache);
  try {
    cache.flush();
  } catch (error) {
    io.err(
      `maestro-hive graph: could not write the cache in ${cache.directory}: ${(error as Error).message}`,
    );
  }
  for (const notice of notices)
    io.err(`maestro-hive graph: ${notice.file ? `${notice.file}: ` : ""}${notice.message}`);
  if (format === "json") {
    io.out(engine.renderGraphJson(graph, built === undefined ? undefined : resolving?.rendered));
    return 0;
  }
  const collapse = parseCollapse(values.collapse, loaded.config);
  const views = await engine.viewEngine();
  const view = views.buildGraphView(graph, {
    collapse,
    ...(values.focus !== undefined ? { focus: values.focus } : {}),
    depth: positiveInt(values.depth, "--depth", 1),
    maxNodes: positiveInt(values["max-nodes"], "--max-nodes", DEFAULT_MAX_NODES),
    maxEdges: positiveInt(values["max-edges"], "--max-edges", DEFAULT_MAX_EDGES),
    violating: await violatingImports(views, snapshot, loaded.config, cache),
  });
  for (const note of view.notes) io.err(`maestro-hive graph: ${note}`);
  io.out(format === "dot" ? views.renderViewDot(view) : views.renderViewMermaid(view));
  return 0;
}

/**
 * The graph built while the workers still extract: the snapshot is complete, so each file
 * is resolved as soon as its result arrives, on the main thread that would otherwise wait,
 * and (`renderJson`) rendered too, so that little is left to do once the last result is in.
 * Should resolving a file ever throw, the graph is built again from scratch at the end.
 */
function resolveAsExtracted(
  engine: Engine,
  snapshot: Snapshot,
  acc: AccConfig,
  cache: ExtractionCache,
  extraction: StreamingExtraction,
  renderJson: boolean,
): { finish(): ReturnType<typeof importGraph> | undefined; readonly rendered: Map<GraphFile, string> } {
  const build = engine.startImportGraph(snapshot, acc, cache);
  const rendered = new Map<GraphFile, string>();
  let failed = false;
  extraction.onExtracted((paths) => {
    if (failed) return;
    try {
      for (const path of paths) {
        const file = build.add(path);
        if (renderJson && file !== undefined) rendered.set(file, engine.renderGraphFileJson(file));
      }
    } catch {
      failed = true;
    }
  });
  return { finish: () => (failed ? undefined : build.finish()), rendered };
}

function parseCollapse(option: string | undefined, config: MaestroConfig): Collapse {
  if (option === undefined) return { kind: "files" };
  if (option === "components") {
    const components = config.acc?.components ?? {};
    if (Object.keys(components).length === 0)
      throw new UsageError(
        "--collapse components needs components in the config (maestro-hive init writes some)",
      );
    return { kind: "components", components };
  }
  const depth = /^depth:(\d+)$/.exec(option);
  if (depth && Number(depth[1]) >= 1) return { kind: "depth", depth: Number(depth[1]) };
  throw new UsageError(`unknown --collapse "${option}": use components or depth:N (N ≥ 1)`);
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`${name} needs a whole number ≥ 1`);
  return Number(value);
}

/** Importing file → imported file pairs an ACC rule reports. */
async function violatingImports(
  engine: typeof import("../graph-view-engine.ts"),
  snapshot: Snapshot,
  config: MaestroConfig,
  cache: DiskCache,
): Promise<Set<string>> {
  if (!config.acc || config.acc.rules.length === 0) return new Set();
  const result = await engine.analyze({
    head: snapshot,
    base: null,
    config,
    now: new Date(),
    extractionCache: cache,
  });
  return engine.violatingPairs(result.streams.acc.findings);
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: "string" },
      format: { type: "string", short: "f" },
      collapse: { type: "string" },
      focus: { type: "string" },
      depth: { type: "string" },
      "max-nodes": { type: "string" },
      "max-edges": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
