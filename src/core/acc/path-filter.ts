import { Minimatch } from "minimatch";
import type { Notice } from "../findings.ts";

/**
 * Folders left out of every analysis unless `acc.defaultExcludes: false`. Each one matches
 * a whole path segment only: `build` excludes `build/` and `src/build/`, never
 * `builder_utils/` (the original matched substrings). `build` and `dist` only when they are
 * build output, not a Python package (PathSelection); a notice names what was left out.
 */
export const DEFAULT_EXCLUDES: readonly string[] = [
  "node_modules",
  ".git",
  "dist",
  "build",
  "coverage",
  "__pycache__",
  ".venv",
  "venv",
  ".tox",
  ".mypy_cache",
  "site-packages",
];

/**
 * Include/exclude matching with gitignore-like, per-segment semantics:
 * - a pattern without "/" (`build`, `*.test.ts`, `node_modules`) matches any single path
 *   segment at any depth, so it selects a folder (and everything below it) or a file name;
 * - a trailing "/" (`build/`) restricts such a pattern to folders;
 * - a pattern with "/" (`src/**`, `**\/*.test.ts`, `app/generated`) is a full-path glob
 *   from the repository root, and also matches everything below a folder it matches.
 * Matching is never by substring.
 */
export class PathFilter {
  /** Segment patterns without glob syntax: a Set lookup instead of minimatch. */
  private readonly literalSegments = new Set<string>();
  private readonly literalDirSegments = new Set<string>();
  private readonly segmentPatterns: { matcher: Minimatch; dirOnly: boolean }[] = [];
  private readonly pathPatterns: Minimatch[] = [];
  /** `folder/**` patterns of a literal folder, as `folder/`: a prefix test gives minimatch's answer. */
  private readonly pathPrefixes: string[] = [];
  /** Whether a folder (or a folder above it) matches; paths of one folder share the answer. */
  private readonly directoryMemo = new Map<string, boolean>();
  /** The folder of the path tested last, and its answer: paths come folder by folder. */
  private lastDirectory = "";
  private lastDirectoryMatches = false;
  /** No pattern at all (an absent exclude): nothing matches. */
  private readonly none: boolean;

  constructor(patterns: readonly string[]) {
    for (const pattern of patterns) {
      const dirOnly = pattern.endsWith("/");
      const body = dirOnly ? pattern.slice(0, -1) : pattern;
      const options = { dot: true, nocomment: true, nonegate: true };
      const prefix = literalFolderPrefix(body);
      if (prefix !== null) this.pathPrefixes.push(prefix);
      else if (body.includes("/")) this.pathPatterns.push(new Minimatch(body, options));
      else if (isLiteralSegment(body)) (dirOnly ? this.literalDirSegments : this.literalSegments).add(body);
      else this.segmentPatterns.push({ matcher: new Minimatch(body, options), dirOnly });
    }
    this.none =
      this.segmentPatterns.length === 0 &&
      this.pathPatterns.length === 0 &&
      this.pathPrefixes.length === 0 &&
      this.literalSegments.size === 0 &&
      this.literalDirSegments.size === 0;
  }

  get empty(): boolean {
    return this.none;
  }

  /** Whether a folder (or one above it) matches. */
  matchesFolder(folder: string): boolean {
    return !this.none && this.directoryMatches(folder);
  }

  matches(path: string): boolean {
    if (this.none) return false; // e.g. no exclude: nothing to walk for every path
    const slash = path.lastIndexOf("/");
    if (slash > 0 && this.fileDirectoryMatches(path, slash)) return true;
    return this.entryMatches(slash < 0 ? path : path.slice(slash + 1), path, false);
  }

  /** directoryMatches of the folder of `path` (up to `slash`), without slicing it out for a run of one folder's paths. */
  private fileDirectoryMatches(path: string, slash: number): boolean {
    if (slash !== this.lastDirectory.length || !path.startsWith(this.lastDirectory)) {
      this.lastDirectory = path.slice(0, slash);
      this.lastDirectoryMatches = this.directoryMatches(this.lastDirectory);
    }
    return this.lastDirectoryMatches;
  }

  private directoryMatches(directory: string): boolean {
    let result = this.directoryMemo.get(directory);
    if (result === undefined) {
      const slash = directory.lastIndexOf("/");
      result =
        (slash > 0 && this.directoryMatches(directory.slice(0, slash))) ||
        this.entryMatches(slash < 0 ? directory : directory.slice(slash + 1), directory, true);
      this.directoryMemo.set(directory, result);
    }
    return result;
  }

  /** Whether the last segment `name` of `path` (a folder or a file) or `path` itself matches. */
  private entryMatches(name: string, path: string, isDirectory: boolean): boolean {
    if (this.literalSegments.has(name) || (isDirectory && this.literalDirSegments.has(name))) return true;
    for (const { matcher, dirOnly } of this.segmentPatterns) {
      if ((isDirectory || !dirOnly) && matcher.match(name)) return true;
    }
    for (const prefix of this.pathPrefixes) if (path.startsWith(prefix)) return true;
    for (const matcher of this.pathPatterns) if (matcher.match(path)) return true;
    return false;
  }
}

/**
 * `src/**`, `packages/app/**` (the usual include): the folder followed by "/", or null for any
 * other pattern. minimatch matches such a pattern against exactly the paths below the folder
 * (not the folder itself), dot files included; a prefix test says the same for a fraction of
 * the cost, which counts when every path of a big repository is tested.
 */
function literalFolderPrefix(pattern: string): string | null {
  if (!pattern.endsWith("/**")) return null;
  const folder = pattern.slice(0, -3);
  return folder !== "" && folder.split("/").every(isLiteralSegment) ? `${folder}/` : null;
}

/** A segment pattern minimatch would match only literally (no glob syntax, not "." or ".."). */
function isLiteralSegment(pattern: string): boolean {
  return pattern !== "" && pattern !== "." && pattern !== ".." && !/[*?[\]{}()!+@\\]/.test(pattern);
}

/**
 * Default excludes that are also common names of real Python packages (`pkg/commands/build/`):
 * such a folder is build output only when it is not a package itself (no `__init__.py`) and
 * not inside one — `build/lib/pkg/…` and `packages/ui/dist/` are left out, `pkg/build/` is not.
 */
const OUTPUT_FOLDERS: ReadonlySet<string> = new Set(["build", "dist"]);

export interface SelectionOptions {
  include?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
  defaultExcludes?: boolean | undefined;
}

/** Decides which snapshot paths are analysed: included (all when no include) and not excluded. */
export function createPathSelector(options: SelectionOptions): (path: string) => boolean {
  const selection = new PathSelection(options, []);
  // Callers ask about one path several times (the extraction pool: as listed, as read).
  const verdicts = new Map<string, boolean>();
  return (path) => {
    let verdict = verdicts.get(path);
    if (verdict === undefined) {
      verdict = selection.selected(path);
      verdicts.set(path, verdict);
    }
    return verdict;
  };
}

/**
 * Which paths of one snapshot are analysed, and what the default excludes left out (a
 * notice: the user should know when a folder is not analysed without having asked for it).
 */
export class PathSelection {
  private readonly include: PathFilter | null;
  private readonly exclude: PathFilter;
  private readonly defaults: PathFilter | null;
  /** Folders holding an `__init__.py`: Python packages. */
  private readonly packages = new Set<string>();
  /** Top-most folder the default excludes dropped -> files dropped below it. */
  private readonly dropped = new Map<string, number>();

  constructor(options: SelectionOptions, paths: readonly string[]) {
    this.include = options.include && options.include.length > 0 ? new PathFilter(options.include) : null;
    this.exclude = new PathFilter(options.exclude ?? []);
    this.defaults =
      options.defaultExcludes === false
        ? null
        : new PathFilter(DEFAULT_EXCLUDES.filter((name) => !OUTPUT_FOLDERS.has(name)));
    for (const path of paths) if (path.endsWith("/__init__.py")) this.packages.add(path.slice(0, -12));
  }

  selected(path: string): boolean {
    if (this.include !== null && !this.include.matches(path)) return false;
    if (this.exclude.matches(path)) return false;
    if (this.defaults === null) return true;
    const folder = this.defaults.matches(path)
      ? firstMatchingFolder(path, this.defaults)
      : this.outputFolder(path);
    if (folder === null) return true;
    this.dropped.set(folder, (this.dropped.get(folder) ?? 0) + 1);
    return false;
  }

  /** The notice naming the folders the default excludes left out, or null. */
  notice(): Notice | null {
    if (this.dropped.size === 0) return null;
    const folders = [...this.dropped].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const files = folders.reduce((sum, [, count]) => sum + count, 0);
    const shown = folders
      .slice(0, 8)
      .map(([folder, count]) => `${folder}/ (${count})`)
      .join(", ");
    return {
      file: null,
      kind: "default-excludes",
      message: `default excludes left out ${files} file${files === 1 ? "" : "s"} in ${folders.length} folder${folders.length === 1 ? "" : "s"}: ${shown}${folders.length > 8 ? ` and ${folders.length - 8} more` : ""} (acc.defaultExcludes: false analyses them)`,
    };
  }

  /** The top-most build/dist folder above `path` that is build output, or null. */
  private outputFolder(path: string): string | null {
    // A folder segment "build" or "dist" is followed by "/": most paths have neither.
    if (!path.includes("build/") && !path.includes("dist/")) return null;
    const parts = path.split("/");
    for (let i = 0; i < parts.length - 1; i++) {
      if (!OUTPUT_FOLDERS.has(parts[i]!)) continue;
      const folder = parts.slice(0, i + 1).join("/");
      const parent = parts.slice(0, i).join("/");
      if (!this.packages.has(folder) && !(parent !== "" && this.packages.has(parent))) return folder;
    }
    return null;
  }
}

/** The top-most folder of `path` a filter matches (the file itself when no folder does). */
function firstMatchingFolder(path: string, filter: PathFilter): string {
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const folder = parts.slice(0, i).join("/");
    if (filter.matchesFolder(folder)) return folder;
  }
  return path;
}
