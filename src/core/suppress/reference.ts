import { Minimatch } from "minimatch";
import type { Finding } from "../findings.ts";
import { filtersHold } from "./matcher.ts";
import { compareWithinLevel, isActive, LEVEL_RANK, type Suppression } from "./model.ts";
import {
  ancestorDirectories,
  compilePattern,
  GLOB_OPTIONS,
  normalizePattern,
  patternSyntaxError,
} from "./pattern.ts";

/**
 * The matching semantics written the obvious way: every finding against every
 * suppression, keeping the most specific match. Slow (violations × suppressions) but easy
 * to read, it is the executable specification the compiled matcher is tested against and
 * the baseline the benchmark compares with. Patterns are compiled once, so the baseline
 * measures the pairwise loop, not repeated compilation. Globs go through minimatch itself,
 * so the compiled matcher's own glob translation is checked against it too.
 */
export function naiveMatcher(
  list: readonly Suppression[],
  now: Date,
): (finding: Finding) => Suppression | null {
  const entries = list
    .filter((suppression) => isActive(suppression, now))
    .map((suppression) => {
      const pattern = normalizePattern(suppression.level, suppression.patternType, suppression.pattern);
      return { suppression, valid: patternSyntaxError(suppression.patternType, pattern) === null, pattern };
    })
    .filter((entry) => entry.valid)
    .map((entry) => ({
      suppression: entry.suppression,
      test: referenceTest(entry.suppression.patternType, entry.pattern),
    }));

  return (finding) => {
    let best: { suppression: Suppression; depth: number } | null = null;
    for (const { suppression, test } of entries) {
      const depth = matchDepth(suppression, test, finding);
      if (depth === null || !filtersHold(suppression, finding)) continue;
      if (best === null || moreSpecific(suppression, depth, best.suppression, best.depth))
        best = { suppression, depth };
    }
    return best?.suppression ?? null;
  };
}

/** null: no match. For directories, how many levels above the file the match is (1 = its own directory). */
function matchDepth(
  suppression: Suppression,
  test: (subject: string) => boolean,
  finding: Finding,
): number | null {
  switch (suppression.level) {
    case "violation":
      return test(finding.id) ? 0 : null;
    case "rule":
      return test(finding.rule) ? 0 : null;
    case "file":
      return finding.file && test(finding.file) ? 0 : null;
    case "directory": {
      if (!finding.file) return null;
      const ancestors = ancestorDirectories(finding.file);
      const index = ancestors.findIndex((directory) => test(directory));
      return index === -1 ? null : index + 1;
    }
  }
}

function moreSpecific(a: Suppression, aDepth: number, b: Suppression, bDepth: number): boolean {
  const byLevel = LEVEL_RANK[a.level] - LEVEL_RANK[b.level];
  if (byLevel !== 0) return byLevel < 0;
  if (aDepth !== bDepth) return aDepth < bDepth;
  return compareWithinLevel(a, b) < 0;
}

function referenceTest(
  patternType: Suppression["patternType"],
  pattern: string,
): (subject: string) => boolean {
  if (patternType !== "glob") return compilePattern(patternType, pattern);
  const glob = new Minimatch(pattern, GLOB_OPTIONS);
  return (subject) => glob.match(subject);
}
