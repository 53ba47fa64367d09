/**
 * Resolution of TS/JS import specifiers to files of the snapshot, or to external packages.
 *
 * Order for a specifier written in file F (directory D):
 * 1. relative (`./x`, `../x`): probed from D (extensions, `.js` → `.ts`, index files);
 * 2. `#name`: the `imports` map of the nearest package.json;
 * 3. the nearest tsconfig.json/jsconfig.json of D: `paths` (each substitution in order),
 *    then `baseUrl`;
 * 4. Node built-ins → external `node:NAME` (for both `fs` and `node:fs`);
 * 5. a package of this repository (npm/yarn/pnpm workspace, or the root package itself):
 *    its `exports` (the conditions of the import: `types` for TypeScript importers only,
 *    `import` or `require` by import kind, `node`, `default`; `*` patterns), else
 *    `main`/`module`/`types`, else the subpath as a file; build-output paths that are not
 *    in the snapshot are mapped back to sources (`dist/index.js` → `src/index.ts`);
 * 6. anything else → external, named by package (`@scope/name`, `lodash/fp` → `lodash`).
 * Relative, `#` and workspace imports that match no file: target null, external null.
 *
 * Results depend only on (directory, specifier), and for bare specifiers only on (tsconfig,
 * specifier), so they are cached that way; a resolver must be created per snapshot.
 */
import type { ImportKind, ProjectFiles, RawImport, ResolvedImport, ResolverFactory } from "../model.ts";
import { builtinExternal } from "./ts-builtins.ts";
import {
  discoverPackages,
  EXPORT_CONDITIONS,
  exportsTargets,
  importConditions,
  importsTargets,
  type PackageManifest,
  readManifest,
} from "./ts-package.ts";
import { dirname, isRelativeSpecifier, joinPath, packageNameOf } from "./ts-paths.ts";
import { FileIndex, probeFile, probeFileOrDirectory, probeIndex, sourceCandidates } from "./ts-probe.ts";
import { matchPaths, TsConfigs } from "./ts-tsconfig.ts";

interface Resolution {
  readonly target: string | null;
  readonly external: string | null;
}

const UNRESOLVED: Resolution = { target: null, external: null };
const MAX_ALIAS_DEPTH = 8;

export const createTypeScriptResolver: ResolverFactory = (project) => {
  const engine = new TypeScriptResolution(project);
  let lastFile = "";
  let lastDir = "";
  let typescript = false;
  let commonjs = false;
  return (fromFile: string, raw: RawImport): readonly ResolvedImport[] => {
    // Imports of one file are resolved one after the other: what depends on the file only
    // (its directory, whether it is TypeScript or CommonJS) is computed once.
    if (fromFile !== lastFile) {
      lastFile = fromFile;
      lastDir = dirname(fromFile);
      typescript = /\.[cm]?tsx?$/.test(fromFile);
      commonjs = /\.c[jt]s$/.test(fromFile);
    }
    // The `exports` / `imports` conditions of the import, by importing file and kind.
    const conditions = importConditions(typescript, commonjs || raw.kind === "require");
    const resolution = engine.resolve(lastDir, raw.specifier, conditions);
    return [resolved(raw.specifier, raw.line, raw.kind, resolution)];
  };
};

function resolved(specifier: string, line: number, kind: ImportKind, resolution: Resolution): ResolvedImport {
  return { specifier, line, kind, target: resolution.target, external: resolution.external };
}

class TypeScriptResolution {
  private readonly project: ProjectFiles;
  private readonly files: FileIndex;
  private readonly manifests = new Map<string, PackageManifest | null>();
  private readonly nearestManifest = new Map<string, PackageManifest | null>();
  /**
   * Keyed by directory (relative and `#` specifiers) or by tsconfig (bare specifiers), then by
   * conditions, then by specifier.
   */
  private readonly cache = new Map<unknown, Map<ReadonlySet<string>, Map<string, Resolution>>>();
  private readonly tsconfigs: TsConfigs;
  private packagesByName: Map<string, PackageManifest> | undefined;
  private readonly entryReader = { entryOf: (dir: string) => this.manifest(dir)?.entries[0] };
  /** The conditions of the import being resolved (set by resolve). */
  private conditions: ReadonlySet<string> = EXPORT_CONDITIONS;

  constructor(project: ProjectFiles) {
    this.project = project;
    this.files = new FileIndex(project.paths, (path) => project.has(path));
    this.tsconfigs = new TsConfigs(project, (specifier) => this.locatePackageFile(specifier));
  }

  resolve(dir: string, specifier: string, conditions: ReadonlySet<string> = EXPORT_CONDITIONS): Resolution {
    // A bare specifier's resolution depends only on the tsconfig that applies, not on the
    // directory: cache it per config so "react" is resolved once, not once per directory.
    const scope: unknown = isDirectorySpecific(specifier) ? dir : this.tsconfigs.forDirectory(dir);
    let perScope = this.cache.get(scope);
    if (perScope === undefined) {
      perScope = new Map();
      this.cache.set(scope, perScope);
    }
    // Only `#` and workspace-package specifiers depend on the conditions; keying every
    // specifier by them keeps the cache simple (four condition sets at most).
    let perConditions = perScope.get(conditions);
    if (perConditions === undefined) {
      perConditions = new Map();
      perScope.set(conditions, perConditions);
    }
    let result = perConditions.get(specifier);
    if (result === undefined) {
      this.conditions = conditions;
      result = this.compute(dir, specifier, 0);
      perConditions.set(specifier, result);
    }
    return result;
  }

  private compute(dir: string, specifier: string, depth: number): Resolution {
    if (specifier === "" || depth > MAX_ALIAS_DEPTH) return UNRESOLVED;
    if (isRelativeSpecifier(specifier)) return this.fileResolution(this.relative(dir, specifier));
    if (specifier.startsWith("/")) return this.fileResolution(this.relative("", specifier.slice(1)));
    if (specifier.startsWith("#")) return this.packageImport(dir, specifier, depth);
    const aliased = this.tsconfigAlias(dir, specifier);
    if (aliased !== undefined) return { target: aliased, external: null };
    const builtin = builtinExternal(specifier);
    if (builtin !== undefined) return { target: null, external: builtin };
    const name = packageNameOf(specifier);
    const workspace = this.packages().get(name);
    if (workspace !== undefined) {
      const subpath = specifier.length === name.length ? "." : `.${specifier.slice(name.length)}`;
      return this.fileResolution(this.packageEntry(workspace, subpath));
    }
    return { target: null, external: name };
  }

  private fileResolution(target: string | undefined): Resolution {
    return target === undefined ? UNRESOLVED : { target, external: null };
  }

  private relative(dir: string, specifier: string): string | undefined {
    const path = joinPath(dir, stripQuery(specifier));
    if (path === undefined) return undefined;
    return probeFileOrDirectory(path, this.files, this.entryReader);
  }

  private packageImport(dir: string, specifier: string, depth: number): Resolution {
    const owner = this.nearestPackage(dir);
    if (owner === undefined) return UNRESOLVED;
    for (const target of importsTargets(owner.imports, specifier, this.conditions)) {
      if (isRelativeSpecifier(target)) {
        const file = this.sourceOf(owner.dir, target);
        if (file !== undefined) return { target: file, external: null };
      } else {
        const result = this.compute(owner.dir, target, depth + 1);
        if (result.target !== null || result.external !== null) return result;
      }
    }
    return UNRESOLVED;
  }

  private tsconfigAlias(dir: string, specifier: string): string | undefined {
    const config = this.tsconfigs.forDirectory(dir);
    if (config === null) return undefined;
    for (const target of matchPaths(config.paths, specifier)) {
      const path = target.startsWith("/") ? joinPath("", target) : joinPath(config.pathsBase, target);
      const file = path === undefined ? undefined : probeFileOrDirectory(path, this.files, this.entryReader);
      if (file !== undefined) return file;
    }
    if (config.baseUrl !== undefined) {
      const path = joinPath(config.baseUrl, specifier);
      if (path !== undefined) return probeFile(path, this.files) ?? probeIndex(path, this.files);
    }
    return undefined;
  }

  /** A subpath ("." or "./x") of a package of this repository, as a source file. */
  private packageEntry(pkg: PackageManifest, subpath: string): string | undefined {
    if (pkg.exports !== undefined && pkg.exports !== null) {
      for (const target of exportsTargets(pkg.exports, subpath, this.conditions)) {
        const file = this.sourceOf(pkg.dir, target);
        if (file !== undefined) return file;
      }
      return undefined;
    }
    if (subpath === ".") {
      for (const entry of pkg.entries) {
        const file = this.sourceOf(pkg.dir, entry);
        if (file !== undefined) return file;
      }
      return probeIndex(pkg.dir, this.files) ?? probeIndex(joinPath(pkg.dir, "src") ?? "", this.files);
    }
    return this.sourceOf(pkg.dir, subpath);
  }

  /** A package-relative path, or the source that builds it when the path is not in the snapshot. */
  private sourceOf(packageDir: string, relativePath: string): string | undefined {
    for (const candidate of sourceCandidates(relativePath)) {
      const path = joinPath(packageDir, candidate);
      if (path === undefined) continue;
      const file = probeFile(path, this.files) ?? probeIndex(path, this.files);
      if (file !== undefined) return file;
    }
    return undefined;
  }

  /** `@org/tsconfig/base.json` or `@org/tsconfig` (its tsconfig.json) inside the repository. */
  private locatePackageFile(specifier: string): string | undefined {
    const name = packageNameOf(specifier);
    const pkg = this.packages().get(name);
    if (pkg === undefined) return undefined;
    const rest = specifier.slice(name.length + 1);
    const path = joinPath(pkg.dir, rest === "" ? "tsconfig.json" : rest);
    if (path === undefined) return undefined;
    if (this.files.has(path)) return path;
    if (this.files.has(`${path}.json`)) return `${path}.json`;
    return undefined;
  }

  private packages(): Map<string, PackageManifest> {
    this.packagesByName ??= discoverPackages(this.project, (dir) => this.manifest(dir));
    return this.packagesByName;
  }

  private manifest(dir: string): PackageManifest | undefined {
    let found = this.manifests.get(dir);
    if (found === undefined) {
      const path = dir === "" ? "package.json" : `${dir}/package.json`;
      found = this.files.has(path) ? (readManifest(this.project, dir) ?? null) : null;
      this.manifests.set(dir, found);
    }
    return found ?? undefined;
  }

  private nearestPackage(dir: string): PackageManifest | undefined {
    let found = this.nearestManifest.get(dir);
    if (found === undefined) {
      found = this.manifest(dir) ?? (dir === "" ? null : (this.nearestPackage(dirname(dir)) ?? null));
      this.nearestManifest.set(dir, found);
    }
    return found ?? undefined;
  }
}

function isDirectorySpecific(specifier: string): boolean {
  return isRelativeSpecifier(specifier) || specifier.startsWith("#") || specifier.startsWith("/");
}

/** Bundler suffixes (`./a.svg?raw`, `./b#hash`) are not part of the path. */
function stripQuery(specifier: string): string {
  const query = specifier.search(/[?#]/);
  return query === -1 ? specifier : specifier.slice(0, query);
}
