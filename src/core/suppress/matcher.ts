import type { Finding } from "../findings.ts";
import { compileSafeRegex, type SafeRegex } from "../regex/index.ts";
import { compareWithinLevel, isActive, type Suppression, type SuppressionLevel } from "./model.ts";
import {
  compilePattern,
  isLiteralGlob,
  literalPrefix,
  normalizePattern,
  patternRegex,
  patternSyntaxError,
  type SubjectTest,
} from "./pattern.ts";

/**
 * The compiled matcher. Compile once per analysis, with that analysis's clock:
 * expired entries are dropped here, so a later analysis (a later `now`) never reuses an
 * earlier decision. Thresholds, rule and stream filters are checked per finding, against
 * the finding's own structured `value` — never against its message.
 *
 * Semantics:
 * - `violation`: pattern vs finding id; `file`: vs the finding's file; `directory`: vs the
 *   file's directory and each ancestor; `rule`: vs the finding's rule id.
 * - Precedence violation > file > directory > rule. Within directory, the deepest matching
 *   ancestor wins. Within one subject: exact, then glob, then regex; then an entry narrowed
 *   by `rule` before one that is not; then id order (see compareWithinLevel).
 * - An entry whose filters do not hold for the finding (another rule, another stream, or a
 *   threshold the value exceeds, or no value at all) is skipped and the search continues
 *   with the next candidate, then the next level.
 *
 * Cost: exact patterns are Map lookups; each distinct glob/regex is compiled once (globs
 * to a regex, see glob-regex.ts) and kept in a bucket keyed by its literal leading
 * directories, so a subject is tested only against globs that could match it, and a bucket
 * of several patterns is first tested with one combined regex. Candidate lists are
 * memoised per file, per directory chain and per rule id (pattern matching only — a pure
 * function of the string, never of the finding's value or the clock), so findings sharing
 * a file cost one Map lookup, or none when they come one after another.
 */

export interface CompiledSuppressions {
  /** The winning suppression for this finding, or null. */
  match(finding: Finding): Suppression | null;
  /** The active (unexpired, valid) suppressions the matcher uses. */
  readonly active: readonly Suppression[];
  /** Entries left out because their pattern does not compile (validation reports them). */
  readonly skipped: readonly { readonly suppression: Suppression; readonly reason: string }[];
}

export interface CompileOptions {
  readonly now: Date;
}

interface PatternGroup {
  readonly test: SubjectTest;
  /** The whole-subject regex behind `test`, when there is one (for the bucket prefilter). */
  readonly regex: SafeRegex | null;
  readonly suppressions: Suppression[];
}

interface Bucket {
  readonly groups: Map<string, PatternGroup>;
  /** One alternation of every group's regex: a subject it rejects skips the whole bucket. */
  prefilter: SafeRegex | null;
}

const EMPTY: readonly Suppression[] = Object.freeze([]);
/** Below this many patterns a bucket is tested pattern by pattern. */
const PREFILTER_MIN_GROUPS = 3;

/** All suppressions of one level, indexed for lookup by subject string. */
class LevelIndex {
  private readonly exact = new Map<string, Suppression[]>();
  /** literal prefix → bucket of compiled patterns under that prefix. */
  private readonly buckets = new Map<string, Bucket>();
  private readonly memo: Map<string, readonly Suppression[]> | null;
  private patternCount = 0;

  constructor(memoize: boolean) {
    this.memo = memoize ? new Map() : null;
  }

  add(suppression: Suppression, pattern: string): void {
    if (
      suppression.patternType === "exact" ||
      (suppression.patternType === "glob" && isLiteralGlob(pattern))
    ) {
      const list = this.exact.get(pattern);
      if (list) list.push(suppression);
      else this.exact.set(pattern, [suppression]);
      return;
    }
    const prefix = suppression.patternType === "glob" ? literalPrefix(pattern) : "";
    let bucket = this.buckets.get(prefix);
    if (!bucket) {
      bucket = { groups: new Map(), prefilter: null };
      this.buckets.set(prefix, bucket);
    }
    const key = `${suppression.patternType}\u0000${pattern}`;
    const group = bucket.groups.get(key);
    if (group) group.suppressions.push(suppression);
    else {
      const regex = patternRegex(suppression.patternType, pattern);
      const test = regex
        ? (subject: string) => regex.testWhole(subject)
        : compilePattern(suppression.patternType, pattern);
      bucket.groups.set(key, { test, regex, suppressions: [suppression] });
      this.patternCount += 1;
    }
  }

  /** Sorts every list once and builds the bucket prefilters. */
  seal(): void {
    for (const list of this.exact.values()) list.sort(compareWithinLevel);
    for (const bucket of this.buckets.values()) bucket.prefilter = prefilterOf([...bucket.groups.values()]);
  }

  /** Suppressions of this level whose pattern matches the subject, in precedence order. */
  candidates(subject: string): readonly Suppression[] {
    if (this.patternCount === 0) return this.exact.get(subject) ?? EMPTY;
    const cached = this.memo?.get(subject);
    if (cached !== undefined) return cached;
    const result = this.lookup(subject);
    this.memo?.set(subject, result);
    return result;
  }

  private lookup(subject: string): readonly Suppression[] {
    const exact = this.exact.get(subject);
    const found: Suppression[] = exact ? [...exact] : [];
    const before = found.length;
    this.collect(this.buckets.get(""), subject, found);
    for (let slash = subject.indexOf("/"); slash !== -1; slash = subject.indexOf("/", slash + 1)) {
      this.collect(this.buckets.get(subject.slice(0, slash)), subject, found);
    }
    if (found.length === before) return exact ?? EMPTY;
    return found.sort(compareWithinLevel);
  }

  /** The buckets whose prefix is "" or `directory` or one of its ancestors: all a file in it can match. */
  bucketsAlong(directory: string): readonly Bucket[] {
    const found: Bucket[] = [];
    const root = this.buckets.get("");
    if (root) found.push(root);
    if (directory === "" || this.buckets.size === (root ? 1 : 0)) return found;
    for (let slash = directory.indexOf("/"); slash !== -1; slash = directory.indexOf("/", slash + 1)) {
      const bucket = this.buckets.get(directory.slice(0, slash));
      if (bucket) found.push(bucket);
    }
    const own = this.buckets.get(directory);
    if (own) found.push(own);
    return found;
  }

  /** Like candidates(), for a subject whose buckets were looked up already (bucketsAlong its directory). */
  candidatesWith(subject: string, buckets: readonly Bucket[]): readonly Suppression[] {
    const exact = this.exact.get(subject);
    if (buckets.length === 0) return exact ?? EMPTY;
    const found: Suppression[] = exact ? [...exact] : [];
    const before = found.length;
    for (const bucket of buckets) this.collect(bucket, subject, found);
    if (found.length === before) return exact ?? EMPTY;
    return found.sort(compareWithinLevel);
  }

  private collect(bucket: Bucket | undefined, subject: string, into: Suppression[]): void {
    if (!bucket || (bucket.prefilter !== null && !bucket.prefilter.testWhole(subject))) return;
    for (const group of bucket.groups.values()) {
      if (group.test(subject)) into.push(...group.suppressions);
    }
  }
}

/**
 * The alternation of the groups' regexes, or null when there are too few, one is a
 * minimatch-only glob, or the sources cannot share one regex (the same group name twice).
 */
function prefilterOf(groups: readonly PatternGroup[]): SafeRegex | null {
  if (groups.length < PREFILTER_MIN_GROUPS) return null;
  const sources: string[] = [];
  for (const group of groups) {
    if (group.regex === null) return null;
    sources.push(`(?:${group.regex.pattern})`);
  }
  try {
    return compileSafeRegex(sources.join("|"));
  } catch {
    return null;
  }
}

/** True when the entry's filters hold for this finding (the pattern already matched). */
export function filtersHold(suppression: Suppression, finding: Finding): boolean {
  if (suppression.rule !== null && suppression.rule !== finding.rule) return false;
  if (suppression.stream !== null && suppression.stream !== finding.stream) return false;
  if (suppression.threshold !== null) {
    const value = finding.value;
    if (typeof value !== "number" || !Number.isFinite(value)) return false;
    if (value > suppression.threshold) return false;
  }
  return true;
}

function firstHolding(candidates: readonly Suppression[], finding: Finding): Suppression | null {
  for (const candidate of candidates) {
    if (filtersHold(candidate, finding)) return candidate;
  }
  return null;
}

export function compileSuppressions(
  list: readonly Suppression[],
  options: CompileOptions,
): CompiledSuppressions {
  const levels: Record<SuppressionLevel, LevelIndex> = {
    // Finding ids are unique per finding: memoising them would only cost memory.
    violation: new LevelIndex(false),
    // Files and directories are memoised by the path and directory chains below.
    file: new LevelIndex(false),
    directory: new LevelIndex(false),
    rule: new LevelIndex(true),
  };
  const active: Suppression[] = [];
  const skipped: { suppression: Suppression; reason: string }[] = [];
  for (const suppression of list) {
    if (!isActive(suppression, options.now)) continue;
    const pattern = normalizePattern(suppression.level, suppression.patternType, suppression.pattern);
    const error = patternSyntaxError(suppression.patternType, pattern);
    if (error !== null) {
      skipped.push({ suppression, reason: error });
      continue;
    }
    levels[suppression.level].add(suppression, pattern);
    active.push(suppression);
  }
  for (const index of Object.values(levels)) index.seal();

  // Per directory: its directory-level candidates, then its parent's, and so on up (deepest
  // first); and the file-level buckets a file in it can match.
  interface DirectoryEntry {
    readonly chain: readonly Suppression[];
    readonly fileBuckets: readonly Bucket[];
  }
  const ROOT: DirectoryEntry = { chain: EMPTY, fileBuckets: levels.file.bucketsAlong("") };
  const directoryMemo = new Map<string, DirectoryEntry>();
  const directoryEntry = (directory: string): DirectoryEntry => {
    if (directory === "") return ROOT;
    const cached = directoryMemo.get(directory);
    if (cached !== undefined) return cached;
    const own = levels.directory.candidates(directory);
    const parent = directoryEntry(directory.slice(0, Math.max(0, directory.lastIndexOf("/")))).chain;
    const entry: DirectoryEntry = {
      chain: own.length === 0 ? parent : parent.length === 0 ? own : [...own, ...parent],
      fileBuckets: levels.file.bucketsAlong(directory),
    };
    directoryMemo.set(directory, entry);
    return entry;
  };
  // Per file: file-level candidates, then its directory chain.
  const pathMemo = new Map<string, readonly Suppression[]>();
  // Analyses emit findings file by file: remembering the last file skips most Map lookups.
  let lastFile: string | null = null;
  let lastCandidates: readonly Suppression[] = EMPTY;
  const pathCandidates = (file: string): readonly Suppression[] => {
    if (file === lastFile) return lastCandidates;
    lastFile = file;
    const cached = pathMemo.get(file);
    if (cached !== undefined) {
      lastCandidates = cached;
      return cached;
    }
    const directory = directoryEntry(file.slice(0, Math.max(0, file.lastIndexOf("/"))));
    const own = levels.file.candidatesWith(file, directory.fileBuckets);
    const chain = directory.chain;
    const result = own.length === 0 ? chain : chain.length === 0 ? own : [...own, ...chain];
    pathMemo.set(file, result);
    lastCandidates = result;
    return result;
  };

  return {
    active,
    skipped,
    match(finding: Finding): Suppression | null {
      const byId = firstHolding(levels.violation.candidates(finding.id), finding);
      if (byId) return byId;
      if (finding.file !== null && finding.file !== "") {
        const byPath = firstHolding(pathCandidates(finding.file), finding);
        if (byPath) return byPath;
      }
      return firstHolding(levels.rule.candidates(finding.rule), finding);
    },
  };
}

export type SuppressedFinding<F extends Finding> = F & {
  readonly suppressed: boolean;
  readonly suppressionId: string | null;
};

export interface AppliedSuppressions<F extends Finding> {
  readonly findings: SuppressedFinding<F>[];
  /** Suppression id → number of findings it suppressed in this analysis. */
  readonly usage: Map<string, number>;
}

/** Marks each finding suppressed (or not) and counts how often each suppression was used. */
export function applySuppressions<F extends Finding>(
  findings: readonly F[],
  compiled: CompiledSuppressions,
): AppliedSuppressions<F> {
  const usage = new Map<string, number>();
  const result: SuppressedFinding<F>[] = new Array(findings.length);
  for (let i = 0; i < findings.length; i += 1) {
    const finding = findings[i]!;
    const winner = compiled.match(finding);
    if (winner) usage.set(winner.id, (usage.get(winner.id) ?? 0) + 1);
    result[i] = { ...finding, suppressed: winner !== null, suppressionId: winner?.id ?? null };
  }
  return { findings: result, usage };
}
