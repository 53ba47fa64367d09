/**
 * package.json: the fields resolution reads, `exports`/`imports` maps (conditions and `*`
 * subpath patterns, as Node specifies them), and workspace discovery (npm/yarn
 * `workspaces`, pnpm-workspace.yaml, lerna.json).
 */

import { createRequire } from "node:module";
import { minimatch } from "minimatch";
import { once } from "../../once.ts";
import type { ProjectFiles } from "../model.ts";
import { parseJsonc } from "./ts-jsonc.ts";
import { dirname } from "./ts-paths.ts";

export interface PackageManifest {
  readonly dir: string;
  readonly name: string | undefined;
  /** main, module, types, typings: the entry points without `exports`, in that order. */
  readonly entries: readonly string[];
  readonly exports: unknown;
  readonly imports: unknown;
}

/** Every condition resolution knows; an object's keys are tried in their own order. */
export const EXPORT_CONDITIONS: ReadonlySet<string> = new Set([
  "types",
  "import",
  "require",
  "node",
  "default",
]);

/**
 * The conditions that apply to one import, as Node and TypeScript pick them: `import` for
 * an ES import (`require` for `require()`, `import x = require()` and imports in CommonJS
 * files), `node`, `default`; and `types` only when the importer is TypeScript (the
 * TypeScript compiler adds it; Node and bundlers never match it, so a JavaScript importer
 * must not land on a declaration file).
 */
export function importConditions(typescript: boolean, require: boolean): ReadonlySet<string> {
  const index = (typescript ? 2 : 0) + (require ? 1 : 0);
  let conditions = CONDITION_SETS[index];
  if (!conditions) {
    conditions = new Set([
      ...(typescript ? ["types"] : []),
      require ? "require" : "import",
      "node",
      "default",
    ]);
    CONDITION_SETS[index] = conditions;
  }
  return conditions;
}

/** By (typescript, require) as bits: asked for every import, so no key to build. */
const CONDITION_SETS: (ReadonlySet<string> | undefined)[] = [undefined, undefined, undefined, undefined];

export function readManifest(project: ProjectFiles, dir: string): PackageManifest | undefined {
  const text = project.read(dir === "" ? "package.json" : `${dir}/package.json`);
  if (text === undefined) return undefined;
  const json = parseJsonc(text);
  if (!isRecord(json)) return undefined;
  const entries: string[] = [];
  for (const field of ["main", "module", "types", "typings"]) {
    const value = json[field];
    if (typeof value === "string" && value !== "") entries.push(value);
  }
  return {
    dir,
    name: typeof json.name === "string" && json.name !== "" ? json.name : undefined,
    entries,
    exports: json.exports,
    imports: json.imports,
  };
}

/**
 * Candidate targets (as written in the map, `*` substituted) for `subpath` ("." or "./x")
 * of an `exports` field, most preferred first. Null targets exclude a subpath.
 */
export function exportsTargets(
  exportsField: unknown,
  subpath: string,
  conditions: ReadonlySet<string> = EXPORT_CONDITIONS,
): string[] {
  if (exportsField === undefined || exportsField === null) return [];
  const sugar =
    typeof exportsField === "string" ||
    Array.isArray(exportsField) ||
    (isRecord(exportsField) && !Object.keys(exportsField).some((key) => key.startsWith(".")));
  const map = sugar ? { ".": exportsField } : exportsField;
  return isRecord(map) ? subpathTargets(map, subpath, conditions) : [];
}

/** Candidate targets of an `imports` field for a `#specifier`. */
export function importsTargets(
  importsField: unknown,
  specifier: string,
  conditions: ReadonlySet<string> = EXPORT_CONDITIONS,
): string[] {
  return isRecord(importsField) ? subpathTargets(importsField, specifier, conditions) : [];
}

function subpathTargets(
  map: Record<string, unknown>,
  subpath: string,
  conditions: ReadonlySet<string>,
): string[] {
  if (Object.hasOwn(map, subpath) && !subpath.includes("*"))
    return conditionalTargets(map[subpath], undefined, conditions);
  let bestKey: string | undefined;
  let bestMatch = "";
  let bestPrefixLength = -1;
  for (const key of Object.keys(map)) {
    const star = key.indexOf("*");
    if (star === -1 || key.indexOf("*", star + 1) !== -1) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (subpath.length < key.length - 1 || !subpath.startsWith(prefix) || !subpath.endsWith(suffix)) continue;
    const longer =
      prefix.length > bestPrefixLength ||
      (prefix.length === bestPrefixLength && key.length > (bestKey?.length ?? 0));
    if (!longer) continue;
    bestKey = key;
    bestPrefixLength = prefix.length;
    bestMatch = subpath.slice(prefix.length, subpath.length - suffix.length);
  }
  return bestKey === undefined ? [] : conditionalTargets(map[bestKey], bestMatch, conditions);
}

function conditionalTargets(
  target: unknown,
  match: string | undefined,
  conditions: ReadonlySet<string>,
): string[] {
  if (typeof target === "string") return [match === undefined ? target : target.replaceAll("*", match)];
  if (Array.isArray(target)) return target.flatMap((item) => conditionalTargets(item, match, conditions));
  if (!isRecord(target)) return [];
  const out: string[] = [];
  for (const [condition, value] of Object.entries(target)) {
    if (conditions.has(condition)) out.push(...conditionalTargets(value, match, conditions));
  }
  return out;
}

/** Workspace globs from package.json `workspaces`, pnpm-workspace.yaml and lerna.json. */
export function workspacePatterns(project: ProjectFiles): string[] {
  const patterns: string[] = [];
  const rootJson = parseJsonc(project.read("package.json") ?? "");
  if (isRecord(rootJson)) {
    const workspaces = rootJson.workspaces;
    const list = isRecord(workspaces) ? workspaces.packages : workspaces;
    if (Array.isArray(list))
      patterns.push(...list.filter((item): item is string => typeof item === "string"));
  }
  const pnpm = project.read("pnpm-workspace.yaml") ?? project.read("pnpm-workspace.yml");
  if (pnpm !== undefined) {
    try {
      const doc: unknown = yaml().parse(pnpm);
      if (isRecord(doc) && Array.isArray(doc.packages)) {
        patterns.push(...doc.packages.filter((item): item is string => typeof item === "string"));
      }
    } catch {
      // An unreadable pnpm-workspace.yaml declares no workspaces.
    }
  }
  const lerna = parseJsonc(project.read("lerna.json") ?? "");
  if (isRecord(lerna) && Array.isArray(lerna.packages)) {
    patterns.push(...lerna.packages.filter((item): item is string => typeof item === "string"));
  }
  return patterns.map(normalisePattern).filter((pattern) => pattern !== "" && pattern !== "!");
}

/** name → manifest of every workspace package, plus the root package when it has a name. */
export function discoverPackages(
  project: ProjectFiles,
  manifest: (dir: string) => PackageManifest | undefined,
): Map<string, PackageManifest> {
  const byName = new Map<string, PackageManifest>();
  const patterns = workspacePatterns(project);
  const include = patterns.filter((pattern) => !pattern.startsWith("!"));
  const exclude = patterns.filter((pattern) => pattern.startsWith("!")).map((pattern) => pattern.slice(1));
  if (include.length > 0) {
    for (const path of project.paths) {
      if (!path.endsWith("/package.json") || path.includes("node_modules/")) continue;
      const dir = dirname(path);
      if (!include.some((pattern) => minimatch(dir, pattern, { dot: true }))) continue;
      if (exclude.some((pattern) => minimatch(dir, pattern, { dot: true }))) continue;
      const found = manifest(dir);
      if (found?.name !== undefined && !byName.has(found.name)) byName.set(found.name, found);
    }
  }
  const root = manifest("");
  if (root?.name !== undefined && !byName.has(root.name)) byName.set(root.name, root);
  return byName;
}

function normalisePattern(pattern: string): string {
  let out = pattern.trim();
  const negated = out.startsWith("!");
  if (negated) out = out.slice(1);
  while (out.startsWith("./")) out = out.slice(2);
  while (out.endsWith("/")) out = out.slice(0, -1);
  return negated ? `!${out}` : out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The YAML parser, loaded for the first pnpm-workspace.yaml: most projects have none. */
const yaml = once(() => createRequire(import.meta.url)("yaml") as typeof import("yaml"));
