/**
 * The repository's `.github/maestro-hive.yml`, read the way Probot's `context.config` reads
 * it (the config plugin, so org-wide `_extends` works), but from the BASE of the change: a
 * pull request, even from a fork, can never weaken its own gate. When the change edits the
 * config, a notice lists the rule changes that will apply after merge.
 */
import type { ProbotOctokit } from "probot";
import { describeConfigChanges } from "../core/config/diff.ts";
import {
  type ConfigError,
  DEFAULT_CONFIG_PATH,
  formatConfigError,
  loadConfig,
  parseConfigValue,
} from "../core/config/load.ts";
import type { MaestroConfig } from "../core/config/schema.ts";
import type { Snapshot } from "../core/snapshot.ts";
import type { RepoRef } from "./snapshot.ts";

export type RepositoryConfig =
  | { readonly ok: true; readonly config: MaestroConfig; readonly found: boolean }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/** Reads and validates the config at `ref` (a branch or commit of the base). */
export async function loadRepositoryConfig(
  octokit: ProbotOctokit,
  repo: RepoRef,
  ref: string,
): Promise<RepositoryConfig> {
  let value: unknown;
  let found = false;
  try {
    const { config, files } = await octokit.config.get({
      owner: repo.owner,
      repo: repo.repo,
      path: DEFAULT_CONFIG_PATH,
      branch: ref,
    });
    found = files.some((file) => file.config !== null);
    value = found ? config : {};
  } catch (error) {
    if (!isPluginParseError(error)) throw error;
    // The plugin only says "invalid YAML": read the text ourselves for the line and column.
    return positionedErrors(octokit, repo, ref, [
      {
        file: DEFAULT_CONFIG_PATH,
        line: null,
        column: null,
        path: "",
        message: String((error as Error).message),
      },
    ]);
  }
  const parsed = parseConfigValue(value, DEFAULT_CONFIG_PATH);
  if (parsed.ok) return { ok: true, config: parsed.config, found };
  return positionedErrors(octokit, repo, ref, parsed.errors);
}

function isPluginParseError(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith("[@probot/octokit-plugin-config]");
}

/**
 * Errors with lines: the file's own text through loadConfig. When that text is valid on its
 * own (the error came from an `_extends` base), the unpositioned errors stand.
 */
async function positionedErrors(
  octokit: ProbotOctokit,
  repo: RepoRef,
  ref: string,
  fallback: readonly ConfigError[],
): Promise<RepositoryConfig> {
  const text = await readText(octokit, repo, ref, DEFAULT_CONFIG_PATH);
  if (text !== null) {
    const loaded = loadConfig(text, DEFAULT_CONFIG_PATH);
    if (!loaded.ok) return { ok: false, errors: loaded.errors };
  }
  return { ok: false, errors: fallback };
}

async function readText(
  octokit: ProbotOctokit,
  repo: RepoRef,
  ref: string,
  path: string,
): Promise<string | null> {
  try {
    const response = await octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path,
      ref,
      mediaType: { format: "raw" },
    });
    const data: unknown = response.data;
    if (typeof data === "string") return data;
    if (data instanceof ArrayBuffer) return new TextDecoder().decode(data);
    return null;
  } catch (error) {
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}

/** "file:line:col: message" lines for a config error report. */
export function describeConfigErrors(errors: readonly ConfigError[]): string[] {
  return errors.map(formatConfigError);
}

/**
 * For a change that edits the config: the rule changes that will apply after merge (the
 * base config still governs this change), or the errors the edited file would have.
 * Empty when the change leaves the config alone.
 */
export function configChanges(base: MaestroConfig, head: Snapshot, changed: readonly string[]): string[] {
  if (!changed.includes(DEFAULT_CONFIG_PATH)) return [];
  const file = head.files.find((f) => f.path === DEFAULT_CONFIG_PATH);
  if (!file) return [`${DEFAULT_CONFIG_PATH} is deleted: after merge no rules are checked`];
  const loaded = loadConfig(new TextDecoder().decode(file.content), DEFAULT_CONFIG_PATH);
  if (!loaded.ok) {
    return loaded.errors.map(
      (error) => `the edited config would not load after merge: ${formatConfigError(error)}`,
    );
  }
  return describeConfigChanges(base, loaded.config).map((change) => `after merge: ${change}`);
}
