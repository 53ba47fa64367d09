/**
 * Reads the config for `check` and `graph`: `--config FILE`, else
 * `DIR/.github/maestro-hive.yml`. Without either, the CLI runs with the default config
 * (ACC with no rules: the import graph is built and parse problems are reported, nothing
 * can fail) and says so, so a first run in any repository works and shows what to add.
 */
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { DEFAULT_CONFIG_PATH } from "../core/config/default-path.ts";
import type { ConfigError } from "../core/config/load.ts";
import type { MaestroConfig } from "../core/config/schema.ts";

export type ProjectConfig =
  | {
      readonly ok: true;
      readonly config: MaestroConfig;
      readonly path: string | null;
      readonly hint: string | null;
      /** This config with the key of its file and text, for a later run's `memo`. */
      readonly memo: ConfigMemo;
    }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/**
 * A validated config and the key (file path and text) it was validated from: a later run
 * reading the same text from the same file takes it instead of parsing and validating again.
 * Only valid for the engine that produced it (check keeps it in its warm state).
 */
export interface ConfigMemo {
  readonly key: string;
  readonly config: MaestroConfig;
}

const DEFAULT_CONFIG_TEXT = "acc: {}\n";

type LoadConfig = typeof import("../core/config/load.ts").loadConfig;

/**
 * The config loader (YAML parser and config schemas, a large part of the engine's start-up) is
 * loaded only when a text must be validated: a memo of the same text needs neither.
 */
export async function readProjectConfig(
  dir: string,
  cwd: string,
  configOption: string | undefined,
  memo?: ConfigMemo | null,
): Promise<ProjectConfig> {
  const withoutLoader = readWith(null, dir, cwd, configOption, memo);
  if (withoutLoader !== null) return withoutLoader;
  const { loadConfig } = await import("../core/config/load.ts");
  return readProjectConfigSync(loadConfig, dir, cwd, configOption, memo);
}

/** readProjectConfig for a caller that has the loader already. */
export function readProjectConfigSync(
  load: LoadConfig,
  dir: string,
  cwd: string,
  configOption: string | undefined,
  memo?: ConfigMemo | null,
): ProjectConfig {
  return readWith(load, dir, cwd, configOption, memo) as ProjectConfig;
}

/** The project config, or null when it needs `load` and `load` is null. */
function readWith(
  load: LoadConfig | null,
  dir: string,
  cwd: string,
  configOption: string | undefined,
  memo: ConfigMemo | null | undefined,
): ProjectConfig | null {
  const explicit = configOption !== undefined;
  const path = explicit ? resolve(cwd, configOption) : join(dir, DEFAULT_CONFIG_PATH);
  const display = displayPath(path, cwd);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !explicit) {
      const key = `(default)\0${DEFAULT_CONFIG_TEXT}`;
      if (memo?.key !== key && load === null) return null;
      const config = memo?.key === key ? memo.config : defaultConfig(load as LoadConfig);
      return {
        ok: true,
        config,
        memo: { key, config },
        path: null,
        hint: `no ${DEFAULT_CONFIG_PATH} in ${displayPath(dir, cwd)}: running with no rules (import graph and parse checks only). Run "maestro-hive init" to write a starting config, or add the file to declare components, rules, bdv and dde checks.`,
      };
    }
    const reason = code === "ENOENT" ? "file not found" : (error as Error).message;
    return { ok: false, errors: [{ file: display, line: null, column: null, path: "", message: reason }] };
  }
  const key = `${path}\0${text}`;
  if (memo?.key === key) return { ok: true, config: memo.config, memo, path, hint: null };
  if (load === null) return null;
  const loaded = load(text, display);
  return loaded.ok
    ? { ok: true, config: loaded.config, memo: { key, config: loaded.config }, path, hint: null }
    : { ok: false, errors: loaded.errors };
}

function defaultConfig(load: LoadConfig): MaestroConfig {
  const loaded = load(DEFAULT_CONFIG_TEXT, "(default)");
  if (!loaded.ok) throw new Error("the default config does not validate");
  return loaded.config;
}

/** `file:line:column: message` (line and column when known), one per line. */
export function formatConfigErrors(errors: readonly ConfigError[]): string {
  return errors
    .map((error) => {
      const position =
        error.line !== null ? `:${error.line}${error.column !== null ? `:${error.column}` : ""}` : "";
      const where = error.path ? ` (${error.path})` : "";
      return `${error.file}${position}: ${error.message}${where}`;
    })
    .join("\n");
}

function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}
