import { Minimatch } from "minimatch";
import type { Notice } from "../findings.ts";

/**
 * Maps repo-relative paths to components. Globs are compiled once. A file belongs to the
 * FIRST component, in config order, with a glob that matches it; a file matched by several
 * components is reported once per pair of components as an "component-overlap" notice so
 * the ambiguity is visible. Files no glob matches are unmapped (null).
 */
export class ComponentMap {
  readonly names: readonly string[];
  private readonly matchers: {
    name: string;
    globs: { prefix: string; matches: (path: string) => boolean }[];
  }[];
  private readonly cache = new Map<string, string | null>();
  private readonly overlaps = new Map<string, { count: number; example: string }>();

  constructor(components: Readonly<Record<string, readonly string[]>>) {
    this.names = Object.keys(components);
    this.matchers = Object.entries(components).map(([name, globs]) => ({
      name,
      globs: globs.map((glob) => ({ prefix: literalPrefix(glob), matches: compileGlob(glob) })),
    }));
  }

  componentOf(path: string): string | null {
    const cached = this.cache.get(path);
    if (cached !== undefined) return cached;
    let owner: string | null = null;
    for (const { name, globs } of this.matchers) {
      if (!globs.some((glob) => path.startsWith(glob.prefix) && glob.matches(path))) continue;
      if (owner === null) {
        owner = name;
      } else {
        const key = `${owner}\u0000${name}`;
        const entry = this.overlaps.get(key);
        if (entry) entry.count++;
        else this.overlaps.set(key, { count: 1, example: path });
      }
    }
    this.cache.set(path, owner);
    return owner;
  }

  /** Overlaps seen so far by componentOf, one notice per pair, in a stable order. */
  overlapNotices(): Notice[] {
    return [...this.overlaps.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, { count, example }]) => {
        const [first, second] = key.split("\u0000");
        return {
          file: example,
          kind: "component-overlap",
          message:
            `${count} file(s) match both components "${first}" and "${second}" (e.g. ${example}); ` +
            `they belong to "${first}", the first in config order`,
        };
      });
  }
}

/**
 * A matcher for one component glob. The most common shape, `dir/**` (everything below a
 * folder), is a plain prefix test; minimatch decides the rest (and `dir/**` on `dir` itself).
 */
export function compileGlob(glob: string): (path: string) => boolean {
  const matcher = new Minimatch(glob, { dot: true, nocomment: true, nonegate: true });
  const prefix = literalPrefix(glob);
  if (glob === `${prefix}**` && prefix.endsWith("/") && !prefix.slice(0, -1).includes("//")) {
    return (path) =>
      path.length > prefix.length && path.startsWith(prefix) && !hasDotSegment(path, prefix.length)
        ? true
        : matcher.match(path);
  }
  return (path) => matcher.match(path);
}

/** A ".", ".." or empty segment after `from`: minimatch's globstar treats those specially. */
function hasDotSegment(path: string, from: number): boolean {
  const rest = `${path.slice(from - 1)}/`;
  return rest.includes("//") || rest.includes("/./") || rest.includes("/../");
}

/**
 * The part of a glob before its first special character: every path the glob matches
 * starts with it, so a cheap startsWith test skips most minimatch calls.
 */
export function literalPrefix(glob: string): string {
  const special = glob.search(/[*?[\]{}()!+@\\]/);
  return special < 0 ? glob : glob.slice(0, special);
}
