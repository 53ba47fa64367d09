/**
 * tsconfig.json / jsconfig.json: the nearest one per directory, its `extends` chain
 * (relative files, and packages of this repository), and the `baseUrl` and `paths` it ends
 * up with (for a solution-style config without either: those of its first referenced
 * project that has them). Not modelled: `rootDirs`, and `include`/`files` (every file
 * under a config's directory uses it). `${configDir}` in a path stands for the directory of the config being used.
 */
import type { ProjectFiles } from "../model.ts";
import { parseJsonc } from "./ts-jsonc.ts";
import { isRecord } from "./ts-package.ts";
import { dirname, isRelativeSpecifier, joinPath } from "./ts-paths.ts";

export interface PathPattern {
  readonly prefix: string;
  readonly suffix: string;
  readonly hasStar: boolean;
  readonly targets: readonly string[];
}

export interface CompilerPaths {
  /** Repo-relative baseUrl directory, when one is set. */
  readonly baseUrl: string | undefined;
  /** Directory `paths` targets are relative to. */
  readonly pathsBase: string;
  readonly paths: readonly PathPattern[];
}

interface ChainOptions {
  baseUrl?: string;
  paths?: { readonly map: Record<string, unknown>; readonly dir: string };
}

/** Finds a file for an `extends` naming a package (`@org/tsconfig/base.json`). */
export type PackageFileLocator = (specifier: string) => string | undefined;

const MAX_EXTENDS_DEPTH = 32;
/** TypeScript's `${configDir}` template variable, spelled without tripping template-string lints. */
const CONFIG_DIR = "$" + "{configDir}";

export class TsConfigs {
  private readonly nearest = new Map<string, CompilerPaths | null>();
  private readonly byConfig = new Map<string, CompilerPaths>();
  private readonly byContent = new Map<string, CompilerPaths>();
  private readonly project: ProjectFiles;
  private readonly locatePackageFile: PackageFileLocator;

  constructor(project: ProjectFiles, locatePackageFile: PackageFileLocator) {
    this.project = project;
    this.locatePackageFile = locatePackageFile;
  }

  /** The compiler paths of the nearest tsconfig.json (else jsconfig.json) at or above `dir`. */
  forDirectory(dir: string): CompilerPaths | null {
    const cached = this.nearest.get(dir);
    if (cached !== undefined) return cached;
    const prefix = dir === "" ? "" : `${dir}/`;
    let found: CompilerPaths | null;
    if (this.project.has(`${prefix}tsconfig.json`)) found = this.forConfig(`${prefix}tsconfig.json`);
    else if (this.project.has(`${prefix}jsconfig.json`)) found = this.forConfig(`${prefix}jsconfig.json`);
    else found = dir === "" ? null : this.forDirectory(dirname(dir));
    this.nearest.set(dir, found);
    return found;
  }

  forConfig(configPath: string, referencedFrom: ReadonlySet<string> = new Set()): CompilerPaths {
    const cached = this.byConfig.get(configPath);
    if (cached !== undefined) return cached;
    const options = this.chain(configPath, dirname(configPath), new Set(), 0);
    const pathsBase = options.baseUrl ?? options.paths?.dir ?? dirname(configPath);
    let compiled: CompilerPaths = {
      baseUrl: options.baseUrl,
      pathsBase,
      paths: options.paths === undefined ? [] : compilePaths(options.paths.map),
    };
    if (compiled.baseUrl === undefined && compiled.paths.length === 0) {
      compiled = this.fromReferences(configPath, referencedFrom) ?? compiled;
    }
    compiled = this.shared(compiled);
    this.byConfig.set(configPath, compiled);
    return compiled;
  }

  /**
   * Configs that end up with the same aliases share one object, so the resolver's cache of
   * bare specifiers (keyed by config) is shared by every package that extends the same base.
   */
  private shared(compiled: CompilerPaths): CompilerPaths {
    const normalised = compiled.paths.length === 0 ? { ...compiled, pathsBase: "" } : compiled;
    const key = JSON.stringify(normalised);
    const existing = this.byContent.get(key);
    if (existing !== undefined) return existing;
    this.byContent.set(key, normalised);
    return normalised;
  }

  /**
   * A "solution" tsconfig (`files: []` plus `references`, as in Vite's templates) has no
   * aliases itself; its first referenced project that declares `paths` or `baseUrl` stands in.
   */
  private fromReferences(configPath: string, referencedFrom: ReadonlySet<string>): CompilerPaths | undefined {
    const json = parseJsonc(this.project.read(configPath) ?? "");
    if (!isRecord(json) || !Array.isArray(json.references)) return undefined;
    const visited = new Set([...referencedFrom, configPath]);
    for (const reference of json.references) {
      if (!isRecord(reference) || typeof reference.path !== "string") continue;
      const target = joinPath(dirname(configPath), reference.path);
      if (target === undefined) continue;
      const file = this.project.has(target) ? target : `${target === "" ? "" : `${target}/`}tsconfig.json`;
      if (visited.has(file) || !this.project.has(file)) continue;
      const referenced = this.forConfig(file, visited);
      if (referenced.baseUrl !== undefined || referenced.paths.length > 0) return referenced;
    }
    return undefined;
  }

  private chain(configPath: string, leafDir: string, seen: Set<string>, depth: number): ChainOptions {
    if (seen.has(configPath) || depth > MAX_EXTENDS_DEPTH) return {};
    seen.add(configPath);
    const json = parseJsonc(this.project.read(configPath) ?? "");
    if (!isRecord(json)) return {};
    const dir = dirname(configPath);
    const merged: ChainOptions = {};
    const parents =
      typeof json.extends === "string" ? [json.extends] : Array.isArray(json.extends) ? json.extends : [];
    for (const parent of parents) {
      if (typeof parent !== "string") continue;
      const parentPath = this.locateExtends(parent, dir, leafDir);
      if (parentPath === undefined) continue;
      Object.assign(merged, this.chain(parentPath, leafDir, seen, depth + 1));
    }
    const options = json.compilerOptions;
    if (isRecord(options)) {
      if (typeof options.baseUrl === "string") {
        const baseUrl = resolveConfigPath(options.baseUrl, dir, leafDir);
        if (baseUrl !== undefined) merged.baseUrl = baseUrl;
      }
      if (isRecord(options.paths)) merged.paths = { map: withConfigDir(options.paths, leafDir), dir };
    }
    return merged;
  }

  private locateExtends(specifier: string, dir: string, leafDir: string): string | undefined {
    const exists = (path: string) => this.project.has(path);
    if (isRelativeSpecifier(specifier) || specifier.startsWith(CONFIG_DIR)) {
      const path = resolveConfigPath(specifier, dir, leafDir);
      if (path === undefined) return undefined;
      if (exists(path)) return path;
      if (exists(`${path}.json`)) return `${path}.json`;
      if (exists(`${path}/tsconfig.json`)) return `${path}/tsconfig.json`;
      return undefined;
    }
    return this.locatePackageFile(specifier);
  }
}

function resolveConfigPath(value: string, dir: string, leafDir: string): string | undefined {
  if (value.startsWith(CONFIG_DIR)) return joinPath(leafDir, value.slice(CONFIG_DIR.length));
  return joinPath(dir, value);
}

/** `${configDir}` inside `paths` targets is replaced now: it belongs to the leaf config. */
function withConfigDir(paths: Record<string, unknown>, leafDir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, targets] of Object.entries(paths)) {
    out[key] = Array.isArray(targets)
      ? targets.map((target) =>
          typeof target === "string" && target.startsWith(CONFIG_DIR)
            ? `/${joinPath(leafDir, target.slice(CONFIG_DIR.length)) ?? ""}`
            : target,
        )
      : targets;
  }
  return out;
}

function compilePaths(map: Record<string, unknown>): PathPattern[] {
  const patterns: PathPattern[] = [];
  for (const [key, targets] of Object.entries(map)) {
    if (!Array.isArray(targets)) continue;
    const strings = targets.filter((target): target is string => typeof target === "string");
    const star = key.indexOf("*");
    patterns.push({
      prefix: star === -1 ? key : key.slice(0, star),
      suffix: star === -1 ? "" : key.slice(star + 1),
      hasStar: star !== -1,
      targets: strings,
    });
  }
  return patterns;
}

/** The targets for `specifier` (exact key first, else the longest matching prefix), `*` filled in. */
export function matchPaths(paths: readonly PathPattern[], specifier: string): string[] {
  let best: PathPattern | undefined;
  let match = "";
  for (const pattern of paths) {
    if (!pattern.hasStar) {
      if (pattern.prefix === specifier) return [...pattern.targets];
      continue;
    }
    if (specifier.length < pattern.prefix.length + pattern.suffix.length) continue;
    if (!specifier.startsWith(pattern.prefix) || !specifier.endsWith(pattern.suffix)) continue;
    if (best !== undefined && pattern.prefix.length <= best.prefix.length) continue;
    best = pattern;
    match = specifier.slice(pattern.prefix.length, specifier.length - pattern.suffix.length);
  }
  if (best === undefined) return [];
  return best.targets.map((target) => target.replace("*", match));
}
