/**
 * `maestro-hive init [DIR] [--force] [--baseline]`: writes a starting
 * `.github/maestro-hive.yml` from what DIR shows (src/core/config/starter.ts) and prints the
 * findings that config produces today, so they can be fixed, baselined or suppressed before
 * the gate starts counting. Exit codes: 0 written, 2 usage error or the file already exists.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type AnalysisResult, analyze } from "../../core/analyze.ts";
import { BASELINE_DAYS, withBaseline } from "../../core/config/baseline.ts";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../../core/config/load.ts";
import { type StarterConfig, starterForSnapshot } from "../../core/config/starter.ts";
import { renderText } from "../../core/report/text.ts";
import type { Snapshot } from "../../core/snapshot.ts";
import { cacheDirectory, openDiskCache } from "../disk-cache.ts";
import { GitError } from "../git-snapshot.ts";
import { type CliIo, parseOrUsage, UsageError } from "../io.ts";
import { localSnapshots } from "../local-snapshot.ts";
import { tuneV8ForAnalysis } from "../v8-tuning.ts";

export const INIT_USAGE = `Usage: maestro-hive init [DIR] [--force] [--baseline]

Writes DIR/${DEFAULT_CONFIG_PATH} (DIR: default the current directory, a git work tree or
any folder) from what the repository shows: its workspace packages, or the folders of its
source root, as components; a no-cycles rule between components and a warning for file
cycles; BDV when feature files exist. Import-linter and dependency-cruiser contracts the
repository declares are enforced as they are (acc.adopt: auto). Then prints the findings
this config produces today.

Options:
  --force       overwrite an existing config
  --baseline    also write one suppression per current finding (expiring in ${BASELINE_DAYS} days),
                so the gate starts from today's state
  -h, --help    show this help`;

export async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrUsage(() => parse(args), INIT_USAGE);
  if (values.help) {
    io.out(INIT_USAGE);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`expected at most one DIR, got ${positionals.join(" ")}`);
  const dir = resolve(io.cwd, positionals[0] ?? ".");
  if (!existsSync(dir)) throw new UsageError(`directory not found: ${dir}`);
  const target = join(dir, DEFAULT_CONFIG_PATH);
  const fromCwd = relative(io.cwd, target);
  const shown = fromCwd.startsWith("..") ? target : fromCwd;
  if (existsSync(target) && !values.force) {
    io.err(`maestro-hive init: ${shown} already exists; use --force to overwrite it`);
    return 2;
  }

  tuneV8ForAnalysis();
  let head: Snapshot;
  try {
    head = (await localSnapshots(dir)).head;
  } catch (error) {
    if (error instanceof GitError) {
      io.err(`maestro-hive init: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const starter = starterForSnapshot(head);
  const now = new Date();
  const cache = openDiskCache(cacheDirectory(dir, io.env));
  let text = starter.text;
  let result = await analyseWith(text, head, now, cache);
  const found = unsuppressed(result);
  if (values.baseline && found.length > 0) {
    text = withBaseline(text, found, now);
    result = await analyseWith(text, head, now, cache);
  }
  try {
    cache.flush();
  } catch {}
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, text);

  io.out(describe(shown, starter, values.baseline ? found.length : 0));
  io.out("\nWhat this config finds today:\n");
  io.out(renderText(result));
  const left = unsuppressed(result).length;
  if (left > 0) {
    io.out(
      [
        `${left} finding(s) would be reported. Fix them, or accept them:`,
        `  maestro-hive init ${positionals[0] ?? "."} --force --baseline   one suppression per finding, expiring in ${BASELINE_DAYS} days`,
        `  or add suppressions by rule or folder under acc.suppressions (README, "Suppressions"),`,
        `  or, on a pull request: /maestro suppress rule:ID --reason "…" --expires 30d`,
      ].join("\n"),
    );
  }
  return 0;
}

async function analyseWith(
  text: string,
  head: Snapshot,
  now: Date,
  cache: ReturnType<typeof openDiskCache>,
): Promise<AnalysisResult> {
  const loaded = loadConfig(text, DEFAULT_CONFIG_PATH);
  if (!loaded.ok)
    throw new Error(
      `the generated config does not validate: ${loaded.errors.map((e) => e.message).join("; ")}`,
    );
  return analyze({ head, base: null, config: loaded.config, now, extractionCache: cache });
}

function unsuppressed(result: AnalysisResult) {
  return Object.values(result.streams).flatMap((stream) =>
    stream.findings.filter((finding) => !finding.suppressed),
  );
}

function describe(shown: string, starter: StarterConfig, baselined: number): string {
  const lines = [`Wrote ${shown}`];
  if (starter.components.length === 0) lines.push("  components: none found (no source folders)");
  else
    lines.push(
      `  components (${starter.basis === "packages" ? "workspace packages" : "source folders"}): ${starter.components.map((c) => c.name).join(", ")}${starter.omitted > 0 ? ` (+${starter.omitted} smaller left out)` : ""}`,
    );
  lines.push(
    `  rules: ${starter.components.length >= 2 ? "no-component-cycles (error), " : ""}no-file-cycles (warning)`,
  );
  if (starter.featureGlob) lines.push(`  bdv: features ${starter.featureGlob}`);
  if (starter.adoptable.length > 0)
    lines.push(`  adopted as they are (acc.adopt: auto): ${starter.adoptable.join(", ")}`);
  if (baselined > 0) lines.push(`  baseline: ${baselined} suppression(s), expiring in ${BASELINE_DAYS} days`);
  return lines.join("\n");
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      force: { type: "boolean" },
      baseline: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
