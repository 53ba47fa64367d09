import { Minimatch } from "minimatch";

/**
 * Folders left out of every analysis unless `acc.defaultExcludes: false`. Each one matches
 * a whole path segment only: `build` excludes `build/` and `src/build/`, never
 * `builder_utils/` (the original matched substrings).
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
  /** Whether a folder (or a folder above it) matches; paths of one folder share the answer. */
  private readonly directoryMemo = new Map<string, boolean>();

  constructor(patterns: readonly string[]) {
    for (const pattern of patterns) {
      const dirOnly = pattern.endsWith("/");
      const body = dirOnly ? pattern.slice(0, -1) : pattern;
      const options = { dot: true, nocomment: true, nonegate: true };
      if (body.includes("/")) this.pathPatterns.push(new Minimatch(body, options));
      else if (isLiteralSegment(body)) (dirOnly ? this.literalDirSegments : this.literalSegments).add(body);
      else this.segmentPatterns.push({ matcher: new Minimatch(body, options), dirOnly });
    }
  }

  get empty(): boolean {
    return (
      this.segmentPatterns.length === 0 &&
      this.pathPatterns.length === 0 &&
      this.literalSegments.size === 0 &&
      this.literalDirSegments.size === 0
    );
  }

  matches(path: string): boolean {
    const slash = path.lastIndexOf("/");
    if (slash > 0 && this.directoryMatches(path.slice(0, slash))) return true;
    return this.entryMatches(slash < 0 ? path : path.slice(slash + 1), path, false);
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
    for (const matcher of this.pathPatterns) if (matcher.match(path)) return true;
    return false;
  }
}

/** A segment pattern minimatch would match only literally (no glob syntax, not "." or ".."). */
function isLiteralSegment(pattern: string): boolean {
  return pattern !== "" && pattern !== "." && pattern !== ".." && !/[*?[\]{}()!+@\\]/.test(pattern);
}

/** Decides which snapshot paths are analysed: included (all when no include) and not excluded. */
export function createPathSelector(options: {
  include?: readonly string[] | undefined;
  exclude?: readonly string[] | undefined;
  defaultExcludes?: boolean | undefined;
}): (path: string) => boolean {
  const include = options.include && options.include.length > 0 ? new PathFilter(options.include) : null;
  const exclude = new PathFilter([
    ...(options.defaultExcludes === false ? [] : DEFAULT_EXCLUDES),
    ...(options.exclude ?? []),
  ]);
  return (path) => (include === null || include.matches(path)) && !exclude.matches(path);
}
