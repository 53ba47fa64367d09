/**
 * Python import resolution against the files of one snapshot.
 *
 * Modules are looked up the way CPython's path finder does, in each source root: a package
 * directory with `__init__.py` first, then a module file `name.py`, then a namespace
 * package (a directory without `__init__.py`). `.pyi` stubs count after `.py` files.
 *
 * An absolute import `a.b.c` from file F is looked up, first match wins:
 *   1. F's script/test base directory — the nearest ancestor of F not containing an
 *      `__init__.py` (what `python dir/script.py` and pytest's rootdir insertion put on
 *      sys.path) — for names that are not standard-library modules;
 *   2. package-dir mappings and the source roots (py-layout.ts) of F's own project, then of
 *      the other projects of the repository;
 *   3. any other directory holding a top-level module or package `a` (not for stdlib
 *      names) that is not a package or inside one (Python never searches the importer's
 *      own package folders for an absolute import): a directory that contains F, or any
 *      directory when the import reaches a submodule that exists there (`a.b`, or
 *      `from a import b` with b a module); the nearest to F wins;
 *   4. a standard-library name: external;
 *   5. namespace packages in the roots, when they lead to a real module file (a bare
 *      directory named like an installed package is not taken for it);
 *   6. otherwise external, named by its top-level module ("requests", "google").
 * Once a regular top-level package is found the lookup commits to it, as Python does: a
 * missing submodule is then unresolved (target and external null), not external.
 *
 * `from X import n1, n2`: each name that is a submodule of X gives an edge to that module
 * (specifier "X.n1"); the other names collapse into one edge to X itself. Relative imports
 * resolve against the importing file's directory (its package, also for `__init__.py`),
 * one directory up per extra dot, and keep their dots in the specifier (".a.b", "..").
 * A relative import that leaves the repository or names a missing module is unresolved.
 */
import { isPythonPath } from "../languages/python.ts";
import type { ProjectFiles, RawImport, ResolvedImport, Resolver, ResolverFactory } from "../model.ts";
import { detectPythonLayout, isUnderNonSourceSegment, joinPath, type PythonLayout } from "./py-layout.ts";
import { PYTHON_STDLIB_MODULES } from "./py-stdlib.ts";

export const createPythonResolver: ResolverFactory = (project: ProjectFiles): Resolver => {
  const index = new PythonModuleIndex(project);
  return (fromFile, raw) => index.resolve(fromFile, raw);
};

const PACKAGE = 1;
const MODULE = 2;
const NAMESPACE = 3;

/** A module, package or namespace package found in one directory. */
interface Child {
  readonly kind: typeof PACKAGE | typeof MODULE | typeof NAMESPACE;
  /** The module file (`__init__.py` for a package); null for a namespace package. */
  readonly file: string | null;
  /** The package directory (for submodule lookup); "" for a module. */
  readonly dir: string;
}

/** Where a dotted module name leads. */
interface Located {
  readonly file: string | null;
  /** Directories searched for its submodules: one for a package, several for a namespace package. */
  readonly dirs: readonly string[];
}

type Lookup =
  | { readonly status: "internal"; readonly located: Located | undefined; readonly inferredRoot?: string }
  | { readonly status: "namespace"; readonly located: Located | undefined }
  | { readonly status: "external" };

const EXTERNAL: Lookup = { status: "external" };
const NONE: Child = { kind: NAMESPACE, file: null, dir: "\u0000none" };

class PythonModuleIndex {
  private readonly files = new Set<string>();
  private readonly directories = new Set<string>([""]);
  private readonly layout: PythonLayout;
  private readonly children = new Map<string, Map<string, Child>>();
  private readonly contextCaches = new Map<string, Map<string, Lookup | null>>();
  private readonly contextByDir = new Map<string, Map<string, Lookup | null>>();
  private readonly elsewhereByDir = new Map<string, Map<string, Lookup>>();
  private readonly projectSet: ReadonlySet<string>;
  private readonly baseDirs = new Map<string, string>();
  private readonly rootsByDir = new Map<string, readonly string[]>();
  private topLevelIndex: Map<string, string[]> | undefined;
  /** Imports come file by file: remember the last file's directory. */
  private lastFile = "";
  private lastDir = "";

  constructor(project: ProjectFiles) {
    for (const path of project.paths) {
      if (!isPythonPath(path)) continue;
      this.files.add(path);
      let slash = path.lastIndexOf("/");
      while (slash !== -1) {
        const dir = path.slice(0, slash);
        if (this.directories.has(dir)) break;
        this.directories.add(dir);
        slash = dir.lastIndexOf("/");
      }
    }
    this.layout = detectPythonLayout(project, this.directories);
    this.projectSet = new Set(this.layout.projects);
  }

  resolve(fromFile: string, raw: RawImport): ResolvedImport[] {
    const level = raw.level ?? 0;
    if (fromFile !== this.lastFile) {
      this.lastFile = fromFile;
      this.lastDir = dirnameOf(fromFile);
    }
    const dir = this.lastDir;
    const specifier = level === 0 ? raw.specifier : ".".repeat(level) + raw.specifier;
    const names = raw.names;
    let lookup: Lookup;
    if (level > 0) {
      lookup = { status: "internal", located: this.relative(dir, level, raw.specifier) };
    } else {
      lookup = this.absolute(dir, raw.specifier);
      if (lookup.status === "external" && names !== undefined)
        lookup = this.viaSubmodule(dir, raw.specifier, names);
    }
    if (lookup.status === "external") {
      return [edge(raw, specifier, null, level > 0 ? null : topLevelName(raw.specifier))];
    }
    const located = lookup.located;
    const namespace = lookup.status === "namespace";
    if (names === undefined || names.length === 0 || (names.length === 1 && names[0] === "*")) {
      if (namespace && located?.file == null)
        return [edge(raw, specifier, null, topLevelName(raw.specifier))];
      return [edge(raw, specifier, located?.file ?? null, null)];
    }
    // from X import names: submodules get their own edge; other names collapse into X.
    const edges: ResolvedImport[] = [];
    const moduleFiles: string[] = [];
    let packageEdge = false;
    const joiner = level > 0 && raw.specifier === "" ? "" : ".";
    for (const name of names) {
      const child = located === undefined ? undefined : this.childIn(located.dirs, name);
      if (child?.file != null) {
        if (moduleFiles.includes(child.file)) continue;
        moduleFiles.push(child.file);
        edges.push(edge(raw, specifier + joiner + name, child.file, null));
      } else if (!packageEdge) {
        packageEdge = true;
        edges.push(edge(raw, specifier, located?.file ?? null, null));
      }
    }
    if (namespace && moduleFiles.length === 0 && located?.file == null) {
      return [edge(raw, specifier, null, topLevelName(raw.specifier))];
    }
    return edges;
  }

  // ---- relative imports ----------------------------------------------------------------

  private relative(dir: string, level: number, specifier: string): Located | undefined {
    let base = dir;
    for (let up = 1; up < level; up++) {
      if (base === "") return undefined;
      base = dirnameOf(base);
    }
    if (specifier === "") {
      const init = this.initFile(base);
      return { file: init, dirs: [base] };
    }
    return this.descend([base], specifier.split("."));
  }

  // ---- absolute imports ----------------------------------------------------------------

  /**
   * Cached at two levels: what steps 1, 2 and 4 find depends only on the directory's
   * context (its base directory and nearest project), shared by most directories; step 3
   * (inference, which prefers directories near the importing file) is cached per directory.
   */
  private absolute(dir: string, dotted: string): Lookup {
    const context = this.contextCache(dir);
    let inRoots = context.get(dotted);
    if (inRoots === undefined) {
      inRoots = dotted === "" ? EXTERNAL : this.lookupByContext(dir, dotted.split("."));
      context.set(dotted, inRoots);
    }
    if (inRoots !== null) return inRoots;
    let cache = this.elsewhereByDir.get(dir);
    if (cache === undefined) {
      cache = new Map();
      this.elsewhereByDir.set(dir, cache);
    }
    let lookup = cache.get(dotted);
    if (lookup === undefined) {
      lookup = this.lookupElsewhere(dir, dotted.split("."));
      cache.set(dotted, lookup);
    }
    return lookup;
  }

  private contextCache(dir: string): Map<string, Lookup | null> {
    let cache = this.contextByDir.get(dir);
    if (cache === undefined) {
      const key = `${this.baseDir(dir)}\u0000${this.nearestProject(dir)}`;
      cache = this.contextCaches.get(key);
      if (cache === undefined) {
        cache = new Map();
        this.contextCaches.set(key, cache);
      }
      this.contextByDir.set(dir, cache);
    }
    return cache;
  }

  /**
   * Steps 1, 2 and 4, and all steps for a top-level name that no directory of the
   * repository holds (step 3 then has nothing to infer): null when the rest depends on `dir`.
   */
  private lookupByContext(dir: string, parts: readonly string[]): Lookup | null {
    const found = this.lookupInRoots(dir, parts);
    if (found !== undefined) return found;
    return this.topLevel().has(parts[0] ?? "") ? null : this.lookupElsewhere(dir, parts);
  }

  /** Steps 1, 2 and 4; undefined when the name is not found there. */
  private lookupInRoots(dir: string, parts: readonly string[]): Lookup | undefined {
    const top = parts[0] ?? "";
    const stdlib = PYTHON_STDLIB_MODULES.has(top);
    if (!stdlib) {
      // The script / test folder (what `python dir/x.py` and pytest put on sys.path); a folder
      // inside a regular package never is.
      const base = this.baseDir(dir);
      if (this.isRegular(base, top) && (base === "" || !this.hasPackageAbove(base)))
        return { status: "internal", located: this.descend([base], parts) };
    }
    const mapped = this.layout.packageDirs.get(top);
    if (mapped !== undefined) {
      const rest = parts.slice(1);
      const located =
        rest.length === 0 ? { file: this.initFile(mapped), dirs: [mapped] } : this.descend([mapped], rest);
      return { status: "internal", located };
    }
    for (const root of this.roots(dir)) {
      if (this.isRegular(root, top)) return { status: "internal", located: this.descend([root], parts) };
    }
    return stdlib ? EXTERNAL : undefined;
  }

  /** Steps 3, 5 and 6, for names found in no root. */
  private lookupElsewhere(dir: string, parts: readonly string[]): Lookup {
    const top = parts[0] ?? "";
    const searched = [this.baseDir(dir), ...this.roots(dir)];
    const inferred = this.inferRoot(dir, parts, searched);
    if (inferred !== undefined) {
      return { status: "internal", located: this.descend([inferred], parts), inferredRoot: inferred };
    }
    const namespaceRoots = searched.filter((root, i) => {
      const child = this.child(root, top);
      return child !== NONE && child.kind === NAMESPACE && searched.indexOf(root) === i;
    });
    if (namespaceRoots.length > 0)
      return { status: "namespace", located: this.descend(namespaceRoots, parts) };
    return EXTERNAL;
  }

  private isRegular(dir: string, name: string): boolean {
    const child = this.child(dir, name);
    return child !== NONE && child.kind !== NAMESPACE;
  }

  /**
   * `from a import b` where `a` alone was not found: a directory holding a package `a` with
   * a submodule `b` (step 3 needs a submodule to trust a directory elsewhere).
   */
  private viaSubmodule(dir: string, dotted: string, names: readonly string[]): Lookup {
    if (!this.topLevel().has(topLevelName(dotted))) return EXTERNAL; // no such package anywhere
    for (const name of names) {
      if (name === "*") continue;
      const lookup = this.absolute(dir, `${dotted}.${name}`);
      if (lookup.status === "internal" && lookup.inferredRoot !== undefined && lookup.located?.file != null) {
        return { status: "internal", located: this.descend([lookup.inferredRoot], dotted.split(".")) };
      }
    }
    return EXTERNAL;
  }

  /** Step 3: another directory of the repository that holds the top-level package. */
  private inferRoot(dir: string, parts: readonly string[], tried: readonly string[]): string | undefined {
    const candidates = this.topLevel().get(parts[0] ?? "");
    if (candidates === undefined) return undefined;
    let best: string | undefined;
    let bestScore = -1;
    for (const candidate of candidates) {
      if (tried.includes(candidate)) continue;
      // Python never puts a folder inside a regular package on sys.path: `import click` in
      // pkg/utils/click/cli.py is the installed click, not pkg/utils/click (a same-named
      // package next to the importer is reached as pkg.utils.click, or relatively).
      if (this.insidePackage(candidate)) continue;
      const contains = isAncestorOrSelf(candidate, dir);
      if (!contains && parts.length < 2) continue;
      if (!contains && this.descend([candidate], parts)?.file == null) continue;
      // Directories containing F first (deepest wins), then the longest shared prefix with F.
      const score = (contains ? 1_000_000 : 0) + sharedPrefixLength(candidate, dir);
      if (score > bestScore || (score === bestScore && best !== undefined && candidate < best)) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  /** Top-level name -> directories holding a module or regular package of that name. */
  private topLevel(): Map<string, string[]> {
    if (this.topLevelIndex !== undefined) return this.topLevelIndex;
    const index = new Map<string, string[]>();
    const add = (name: string, dir: string): void => {
      const dirs = index.get(name);
      if (dirs === undefined) index.set(name, [dir]);
      else dirs.push(dir); // a (name, dir) pair can repeat only for x.py next to x/: harmless
    };
    for (const file of this.files) {
      if (isUnderNonSourceSegment(file)) continue;
      const dir = dirnameOf(file);
      const base = file.slice(dir === "" ? 0 : dir.length + 1);
      const stem = base.endsWith(".pyi") ? base.slice(0, -4) : base.slice(0, -3);
      if (stem === "__init__") {
        if (dir !== "") add(basenameOf(dir), dirnameOf(dir));
      } else add(stem, dir);
    }
    this.topLevelIndex = index;
    return index;
  }

  /** Source roots for files in `dir`: its own projects (nearest first), then the others. */
  private roots(dir: string): readonly string[] {
    const cached = this.rootsByDir.get(dir);
    if (cached !== undefined) return cached;
    const own: string[] = [];
    const projects = this.layout.projects;
    const ancestors = projects.filter((project) => isAncestorOrSelf(project, dir));
    ancestors.sort((a, b) => b.length - a.length);
    for (const project of [...ancestors, ...projects.filter((p) => !ancestors.includes(p))]) {
      for (const root of this.layout.rootsByProject.get(project) ?? [])
        if (!own.includes(root)) own.push(root);
    }
    this.rootsByDir.set(dir, own);
    return own;
  }

  /** Whether `dir` is a regular package or lies inside one. */
  private insidePackage(dir: string): boolean {
    return this.baseDir(dir) !== dir || (dir !== "" && this.hasPackageAbove(dir));
  }

  private hasPackageAbove(dir: string): boolean {
    for (let at = dirnameOf(dir); ; at = dirnameOf(at)) {
      if (this.initFile(at) !== null) return true;
      if (at === "") return false;
    }
  }

  private nearestProject(dir: string): string {
    let current = dir;
    while (current !== "" && !this.projectSet.has(current)) current = dirnameOf(current);
    return current;
  }

  /** Nearest ancestor-or-self of `dir` that is not a regular package. */
  private baseDir(dir: string): string {
    const cached = this.baseDirs.get(dir);
    if (cached !== undefined) return cached;
    const base = dir === "" || this.initFile(dir) === null ? dir : this.baseDir(dirnameOf(dir));
    this.baseDirs.set(dir, base);
    return base;
  }

  // ---- module lookup -------------------------------------------------------------------

  /** Follows `parts` down from `dirs` (several for a namespace package). */
  private descend(dirs: readonly string[], parts: readonly string[]): Located | undefined {
    let current = dirs;
    let located: Located | undefined;
    for (let k = 0; k < parts.length; k++) {
      if (current.length === 0) return undefined;
      const name = parts[k] ?? "";
      let found: Child | undefined;
      const namespaceDirs: string[] = [];
      for (const dir of current) {
        const child = this.child(dir, name);
        if (child === NONE) continue;
        if (child.kind === NAMESPACE) namespaceDirs.push(child.dir);
        else {
          found = child;
          break;
        }
      }
      if (found !== undefined) {
        located = { file: found.file, dirs: found.kind === PACKAGE ? [found.dir] : [] };
      } else if (namespaceDirs.length > 0) {
        located = { file: null, dirs: namespaceDirs };
      } else return undefined;
      current = located.dirs;
    }
    return located;
  }

  /** A submodule `name` of a package with these directories, when one exists as a file. */
  private childIn(dirs: readonly string[], name: string): Child | undefined {
    for (const dir of dirs) {
      const child = this.child(dir, name);
      if (child !== NONE && child.kind !== NAMESPACE) return child;
    }
    return undefined;
  }

  private child(dir: string, name: string): Child {
    let inDir = this.children.get(dir);
    if (inDir === undefined) {
      inDir = new Map();
      this.children.set(dir, inDir);
    }
    let child = inDir.get(name);
    if (child === undefined) {
      child = this.findChild(dir, name);
      inDir.set(name, child);
    }
    return child;
  }

  private findChild(dir: string, name: string): Child {
    const path = joinPath(dir, name);
    const files = this.files;
    for (const init of [`${path}/__init__.py`, `${path}/__init__.pyi`]) {
      if (files.has(init)) return { kind: PACKAGE, file: init, dir: path };
    }
    for (const file of [`${path}.py`, `${path}.pyi`]) {
      if (files.has(file)) return { kind: MODULE, file, dir: "" };
    }
    if (this.directories.has(path)) return { kind: NAMESPACE, file: null, dir: path };
    return NONE;
  }

  private initFile(dir: string): string | null {
    const py = joinPath(dir, "__init__.py");
    if (this.files.has(py)) return py;
    const pyi = joinPath(dir, "__init__.pyi");
    return this.files.has(pyi) ? pyi : null;
  }
}

function edge(
  raw: RawImport,
  specifier: string,
  target: string | null,
  external: string | null,
): ResolvedImport {
  return { specifier, line: raw.line, kind: raw.kind, target, external };
}

function topLevelName(dotted: string): string {
  const dot = dotted.indexOf(".");
  return dot === -1 ? dotted : dotted.slice(0, dot);
}

function dirnameOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function isAncestorOrSelf(ancestor: string, dir: string): boolean {
  return ancestor === "" || dir === ancestor || dir.startsWith(`${ancestor}/`);
}

function sharedPrefixLength(a: string, b: string): number {
  const sa = a === "" ? [] : a.split("/");
  const sb = b === "" ? [] : b.split("/");
  let n = 0;
  while (n < sa.length && n < sb.length && sa[n] === sb[n]) n++;
  return n;
}
