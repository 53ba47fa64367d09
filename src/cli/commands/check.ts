/**
 * `maestro-hive check [DIR] [--base REF] [--config FILE] [--format text|json|sarif|markdown|html]`
 *
 * Analyses the working tree of DIR (tracked and untracked, not ignored files), and with
 * `--base` also the commit REF with the same config, so findings are new, existing or
 * fixed. Exit codes: 0 the gate passes, 1 it fails, 2 usage, git or config error.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { AccResult } from "../../core/acc/index.ts";
import type { Snapshot } from "../../core/snapshot.ts";
// Loaded before tuneV8ForAnalysis, as in graph (v8-tuning.ts says why that matters).
import { threadsFromEnv } from "../../parallel/extract-worker-start.ts";
import { cacheDirectory } from "../disk-cache.ts";
import { GitError, listWorkingTree } from "../git-snapshot.ts";
import { type CliIo, parseOrUsage, UsageError } from "../io.ts";
import { type LocalSnapshots, localSnapshots } from "../local-snapshot.ts";
import { StatCache } from "../stat-cache.ts";
import { tuneV8ForAnalysis } from "../v8-tuning.ts";
import {
  loadWarmState,
  type StoredMemo,
  saveWarmState,
  type WarmState,
  warmStateFile,
} from "../warm-state.ts";

const FORMATS = ["text", "json", "sarif", "markdown", "html"] as const;
export type Format = (typeof FORMATS)[number];

export const CHECK_USAGE = `Usage: maestro-hive check [DIR] [--base REF] [--config FILE] [--format text|json|sarif|markdown|html]

Analyses DIR (default: the current directory) with its
.github/maestro-hive.yml (or --config FILE). With --base REF, the commit REF is
analysed too, with the same config: findings present at REF are "existing", findings
of REF that are gone are "fixed", the others "new". Only new, unsuppressed findings of
severity error fail the gate. Without a config file, check runs with no rules (the
import graph is built and parse problems are reported) and says so; run
\`maestro-hive init\` to write a starting config. DIR may be a git work tree (tracked
and untracked, not ignored files) or any folder (its .gitignore files respected).

Options:
  --base REF       compare with this commit, branch or tag
  --config FILE    config file (default DIR/.github/maestro-hive.yml)
  --format F       text (default), json, sarif, markdown or html (one self-contained
                   page: findings, component graph, suppressions; works offline)
  -h, --help       show this help

Extraction results, and what a re-check reuses (file stat data, resolved imports,
findings), are cached in $XDG_CACHE_HOME/maestro-hive (default
~/.cache/maestro-hive), or in $MAESTRO_CACHE_DIR; never inside DIR.
Exit codes: 0 pass, 1 the gate fails, 2 usage, git or config error.`;

interface CheckArgs {
  readonly dir: string;
  readonly base: string | undefined;
  readonly config: string | undefined;
  readonly format: Format;
  readonly help: boolean;
}

export function parseCheckArgs(args: string[], cwd: string): CheckArgs {
  const { values, positionals } = parseOrUsage(() => parse(args), CHECK_USAGE);
  if (positionals.length > 1)
    throw new UsageError(`expected at most one DIR, got ${positionals.join(" ")}\n\n${CHECK_USAGE}`);
  const format = values.format ?? "text";
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}": use one of ${FORMATS.join(", ")}`);
  }
  if (values.base !== undefined && values.base.trim() === "") throw new UsageError("--base needs a REF");
  return {
    dir: resolve(cwd, positionals[0] ?? "."),
    base: values.base,
    config: values.config,
    format: format as Format,
    help: values.help ?? false,
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      base: { type: "string" },
      config: { type: "string" },
      format: { type: "string", short: "f" },
      help: { type: "boolean", short: "h" },
    },
  });
}

export async function run(args: string[], io: CliIo): Promise<number> {
  const options = parseCheckArgs(args, io.cwd);
  if (options.help) {
    io.out(CHECK_USAGE);
    return 0;
  }
  if (!existsSync(options.dir)) throw new UsageError(`directory not found: ${options.dir}`);
  const cacheDir = cacheDirectory(options.dir, io.env);
  const warmFile = warmStateFile(cacheDir, options.dir);
  // git lists the tree while the warm state decodes and the engine's code loads; with a warm
  // state it says which tracked files changed, so the others need no stat here.
  const tree = listWorkingTree(options.dir, { modified: existsSync(warmFile) });
  const warm = loadWarmState(warmFile, options.dir);
  const statCache = new StatCache(warm.stats);
  tuneV8ForAnalysis(); // after the decoding: its young generation may grow (v8-tuning.ts)
  const listing = localSnapshots(options.dir, options.base, statCache, { listing: tree });
  listing.catch(() => {}); // awaited below, unless the config is invalid
  const engine = await import("../check-engine.ts");
  const loaded = await engine.readProjectConfig(options.dir, io.cwd, options.config, warm.config);
  if (!loaded.ok) {
    io.err(`maestro-hive check: invalid config\n${engine.formatConfigErrors(loaded.errors)}`);
    return 2;
  }
  if (loaded.hint) io.err(`maestro-hive check: ${loaded.hint}`);
  let snapshots: LocalSnapshots;
  try {
    snapshots = await listing;
  } catch (error) {
    if (error instanceof GitError) {
      io.err(`maestro-hive check: ${error.message}`);
      return 2;
    }
    throw error;
  }
  // The memo was stored by this engine (warm-state.ts checks its fingerprint) with the default languages.
  const reuse = warm.memo && { ...warm.memo, languages: engine.DEFAULT_LANGUAGES };

  const cache = engine.openDiskCache(cacheDir);
  if (loaded.config.acc) {
    const threads = threadsFromEnv(io.env);
    // Selected source files only, and not those the memo holds with the same blob (unless the
    // memo turns out stale; the engine then extracts what the cache lacks itself).
    const selected = engine.createPathSelector(loaded.config.acc);
    const wanted = (path: string) => engine.languageOfPath(path) !== null && selected(path);
    const head = withoutMemoised(snapshots.head, reuse, wanted);
    if (snapshots.base === null && head.files.length <= FEW_FILES && memoHolds(reuse, snapshots.head))
      cache.skipLookups();
    // A re-check parses a few files here, on the main thread: without raw transfer (ts-oxc.ts).
    engine.standardTransferFor(FEW_FILES);
    await engine.extractInParallel(snapshots.base ? [head, snapshots.base] : [head], cache, {
      ...loaded.config.acc,
      threads,
    });
  }
  let kept: { result: AccResult; configKey: string } | null = null;
  const result = await engine.analyze({
    head: snapshots.head,
    base: snapshots.base,
    config: loaded.config,
    now: new Date(),
    clock: monotonicMs,
    extractionCache: cache,
    headPrevious: reuse && engine.restoredAcc(warm.acc, reuse, snapshots.head),
    keepHeadAcc: (acc, configKey) => {
      kept = { result: acc, configKey };
    },
  });
  try {
    const head = kept as { result: AccResult; configKey: string } | null;
    const memo = head?.result.memo ?? null;
    cache.flush(engine.memoExtractionKeys(memo));
    // Only a memo of the default languages is valid for the next run.
    const next: WarmState =
      head !== null && memo?.languages === engine.DEFAULT_LANGUAGES
        ? {
            stats: statCache.records(),
            memo,
            acc: engine.storedAcc(head.result, head.configKey),
            config: loaded.memo,
          }
        : { stats: statCache.records(), memo: null, acc: null, config: loaded.memo };
    if (warmStateChanged(statCache, warm, next)) saveWarmState(warmFile, options.dir, next);
  } catch (error) {
    io.err(
      `maestro-hive check: could not write the cache in ${cache.directory}: ${(error as Error).message}`,
    );
  }
  for (const issue of result.suppressions.errors)
    io.err(`maestro-hive check: suppression not applied: ${issue.message}`);

  io.out(engine.render(result, options.format, loaded.config.acc?.components));
  return result.gate.passed ? 0 : 1;
}

/** Not performance.now: the `performance` global loads perf_hooks (a few ms of start-up). */
function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Up to this many changed source files are parsed rather than looked up in the extraction cache. */
const FEW_FILES = 64;

/**
 * Whether the engine will take over the memo (graph.ts reusableMemo, minus the options it
 * also compares): the same set of paths, and the files its resolvers read unchanged.
 */
function memoHolds(memo: StoredMemo | null, snapshot: Snapshot): boolean {
  if (memo === null || memo.blobs.size !== snapshot.files.length) return false;
  // As many distinct paths on both sides: the same paths when the memo has every snapshot path
  // (so a path read but in neither stays absent from both).
  const { blobs, reads } = memo;
  for (const file of snapshot.files) {
    const blob = blobs.get(file.path);
    if (blob === undefined || (blob !== file.blobSha && reads.has(file.path))) return false;
  }
  return true;
}

/** Whether this run learnt anything the stored warm state lacks (else it is not rewritten). */
function warmStateChanged(statCache: StatCache, warm: WarmState, next: WarmState): boolean {
  if (statCache.hashed > 0 || next.stats.size !== warm.stats.size) return true;
  if (next.config?.key !== warm.config?.key) return true;
  if (next.memo === null || warm.memo === null) return next.memo !== warm.memo;
  if (next.memo.files.size !== warm.memo.files.size || next.memo.blobs.size !== warm.memo.blobs.size)
    return true;
  // Same files and contents; the config may still have changed.
  return next.acc?.configKey !== warm.acc?.configKey || next.acc?.factsKey !== warm.acc?.factsKey;
}

/** The snapshot's files to extract: `wanted`, and not held by `memo` with the same blob. */
function withoutMemoised(
  snapshot: Snapshot,
  memo: StoredMemo | null,
  wanted: (path: string) => boolean,
): Snapshot {
  return {
    ...snapshot,
    files: snapshot.files.filter(
      (file) =>
        (memo === null || memo.blobs.get(file.path) !== file.blobSha || !memo.files.has(file.path)) &&
        wanted(file.path),
    ),
  };
}
