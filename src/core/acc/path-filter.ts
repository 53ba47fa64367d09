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
  private readonly segmentPatterns: { matcher: Minimatch; dirOnly: boolean }[] = [];
  private readonly pathPatterns: Minimatch[] = [];

  constructor(patterns: readonly string[]) {
    for (const pattern of patterns) {
      const dirOnly = pattern.endsWith("/");
      const body = dirOnly ? pattern.slice(0, -1) : pattern;
      const options = { dot: true, nocomment: true, nonegate: true };
      if (body.includes("/")) this.pathPatterns.push(new Minimatch(body, options));
      else this.segmentPatterns.push({ matcher: new Minimatch(body, options), dirOnly });
    }
  }

  get empty(): boolean {
    return this.segmentPatterns.length === 0 && this.pathPatterns.length === 0;
  }

  matches(path: string): boolean {
    const segments = path.split("/");
    for (const { matcher, dirOnly } of this.segmentPatterns) {
      const last = dirOnly ? segments.length - 1 : segments.length;
      for (let i = 0; i < last; i++) if (matcher.match(segments[i]!)) return true;
    }
    if (this.pathPatterns.length === 0) return false;
    let prefix = "";
    for (let i = 0; i < segments.length; i++) {
      prefix = i === 0 ? segments[0]! : `${prefix}/${segments[i]}`;
      for (const matcher of this.pathPatterns) if (matcher.match(prefix)) return true;
    }
    return false;
  }
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
