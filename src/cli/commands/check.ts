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
import { type AnalysisResult, analyze } from "../../core/analyze.ts";
import { renderHtml } from "../../core/report/html.ts";
import { renderJson } from "../../core/report/json.ts";
import { renderMarkdown } from "../../core/report/markdown.ts";
import { renderSarif } from "../../core/report/sarif.ts";
import { renderText } from "../../core/report/text.ts";
import { streamingExtraction, threadsFromEnv } from "../../parallel/extract-pool.ts";
import { cacheDirectory, openDiskCache } from "../disk-cache.ts";
import { GitError } from "../git-snapshot.ts";
import { type CliIo, parseOrUsage, UsageError } from "../io.ts";
import { type LocalSnapshots, localSnapshots } from "../local-snapshot.ts";
import { formatConfigErrors, readProjectConfig } from "../project-config.ts";

const FORMATS = ["text", "json", "sarif", "markdown", "html"] as const;
type Format = (typeof FORMATS)[number];

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

Extraction results are cached in $XDG_CACHE_HOME/maestro-hive (default
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
  const loaded = readProjectConfig(options.dir, io.cwd, options.config);
  if (!loaded.ok) {
    io.err(`maestro-hive check: invalid config\n${formatConfigErrors(loaded.errors)}`);
    return 2;
  }
  if (loaded.hint) io.err(`maestro-hive check: ${loaded.hint}`);

  const cache = openDiskCache(cacheDirectory(options.dir, io.env));
  // Files are extracted in worker threads as they are read (only when ACC is configured).
  const acc = loaded.config.acc;
  const extraction = acc && streamingExtraction(cache, { ...acc, threads: threadsFromEnv(io.env) });
  let snapshots: LocalSnapshots;
  try {
    snapshots = await localSnapshots(options.dir, options.base, extraction?.offer);
    for (const file of snapshots.base?.files ?? []) extraction?.offer(file);
  } catch (error) {
    if (error instanceof GitError) {
      io.err(`maestro-hive check: ${error.message}`);
      return 2;
    }
    throw error;
  } finally {
    await extraction?.finish();
  }
  const result = await analyze({
    head: snapshots.head,
    base: snapshots.base,
    config: loaded.config,
    now: new Date(),
    extractionCache: cache,
  });
  try {
    cache.flush();
  } catch (error) {
    io.err(
      `maestro-hive check: could not write the cache in ${cache.directory}: ${(error as Error).message}`,
    );
  }
  for (const issue of result.suppressions.errors)
    io.err(`maestro-hive check: suppression not applied: ${issue.message}`);

  io.out(render(result, options.format, loaded.config.acc?.components));
  return result.gate.passed ? 0 : 1;
}

function render(
  result: AnalysisResult,
  format: Format,
  components: Readonly<Record<string, readonly string[]>> | undefined,
): string {
  switch (format) {
    case "html":
      return renderHtml(result, { components });
    case "json":
      return renderJson(result);
    case "sarif":
      return renderSarif(result);
    case "markdown":
      return renderMarkdown(result);
    case "text":
      return renderText(result);
  }
}
