import type { Notice } from "../findings.ts";
import {
  DEFAULT_MAX_NESTING_DEPTH,
  javaScriptNestingExcess,
  nestingMessage,
  pythonNestingExcess,
} from "../guards/nesting.ts";
import { looksBinary, type SkipReason, type Snapshot, type SnapshotFile } from "../snapshot.ts";
import { DEFAULT_LANGUAGES } from "./default-languages.ts";
import { parseDialectOf } from "./languages/typescript.ts";
import type {
  ExtractionCache,
  ExtractResult,
  GraphFile,
  ImportGraph,
  Language,
  LanguageFamily,
  LanguageSupport,
  ProjectFiles,
  RawImport,
  ResolvedImport,
  Resolver,
} from "./model.ts";
import { createPathSelector, PathSelection } from "./path-filter.ts";
import { decodeSource } from "./source-text.ts";
import { unresolvedImportsNotice } from "./unresolved-notice.ts";

export type { LanguageFamily, LanguageSupport } from "./model.ts";

export interface BuildGraphOptions {
  /** Globs of analysed paths (all supported files when absent); see path-filter.ts. */
  readonly include?: readonly string[] | undefined;
  readonly exclude?: readonly string[] | undefined;
  /** Apply DEFAULT_EXCLUDES (node_modules, .git, dist, build, …). Default true. */
  readonly defaultExcludes?: boolean | undefined;
  readonly extractionCache?: ExtractionCache | undefined;
  /** Extractors and resolvers per language family; default DEFAULT_LANGUAGES (the real ones). */
  readonly languages?: Readonly<Partial<Record<LanguageFamily, LanguageSupport>>> | undefined;
  /** Files larger than this are not parsed (an unreadable file). Default 1 MiB. */
  readonly maxFileBytes?: number | undefined;
  /**
   * Files nesting brackets deeper than this are not parsed (an unreadable file): the native
   * parser would overflow its stack. Default 500 (guards/nesting.ts); null: no guard.
   */
  readonly maxNestingDepth?: number | null | undefined;
  /**
   * The memo of a build of ANOTHER snapshot with the same options (head's, when building the
   * base). When both snapshots hold the same paths and every file the resolvers read
   * (tsconfig.json, package.json, pyproject.toml, …) has the same blob SHA, a file with the
   * same blob SHA resolves exactly as before, so its graph entry is taken over instead of
   * being extracted and resolved again. Otherwise the memo is ignored.
   */
  readonly reuse?: GraphMemo | undefined;
}

/** What a build remembers so that a build of a similar snapshot can reuse its work. */
export interface GraphMemo {
  /** Blob SHA per path of the whole snapshot. */
  readonly blobs: ReadonlyMap<string, string>;
  /** Paths the resolvers read through ProjectFiles.read. */
  readonly reads: ReadonlySet<string>;
  /** Per graph file: its extraction result and graph entry (absent when it had a resolve error). */
  readonly files: ReadonlyMap<string, { readonly extracted: ExtractResult; readonly file: GraphFile }>;
  readonly languages: BuildGraphOptions["languages"];
  readonly maxBytes: number;
  readonly maxNesting: number | null;
}

export interface GraphStats {
  /** Supported source files selected by include/exclude. */
  readonly candidates: number;
  /** Files in the graph. */
  readonly files: number;
  readonly extracted: number;
  readonly cacheHits: number;
  /** Selected files left out (binary, invalid UTF-8, too large, no language support). */
  readonly skipped: number;
  readonly imports: number;
  readonly internal: number;
  readonly external: number;
  readonly unresolved: number;
}

/**
 * A selected source file that could not be read at all (too large, binary-looking, undecodable,
 * nested too deep): its imports are unknown, so the stream fails closed on it (rules/unreadable.ts).
 */
export interface UnreadableFile {
  readonly path: string;
  readonly line: number | null;
  readonly message: string;
}

export interface BuildGraphResult {
  readonly graph: ImportGraph;
  readonly notices: Notice[];
  /** Selected source files that could not be read, in path order. */
  readonly unreadable: UnreadableFile[];
  readonly stats: GraphStats;
  /** Pass as `reuse` when building a similar snapshot (the base after the head). */
  readonly memo: GraphMemo;
}

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

const EXTENSION_LANGUAGE: Readonly<Record<string, Language>> = {
  ".ts": "typescript",
  ".tsx": "typescript",
  ".mts": "typescript",
  ".cts": "typescript",
  ".js": "javascript",
  ".jsx": "javascript",
  ".mjs": "javascript",
  ".cjs": "javascript",
  ".py": "python",
};

/** The language of a path by extension, or null when it is not a supported source file. */
export function languageOfPath(path: string): Language | null {
  const dot = path.lastIndexOf(".");
  if (dot < 0 || dot < path.lastIndexOf("/")) return null;
  return EXTENSION_LANGUAGE[path.slice(dot)] ?? null;
}

function familyOf(language: Language): LanguageFamily {
  return language === "python" ? "python" : "typescript";
}

/**
 * Extraction cache key: content-addressed, so an unchanged blob is never parsed twice. A TS/JS
 * key names the parse dialect of the path too (.ts, .tsx, .d.ts, .mjs parse the same bytes
 * differently).
 */
export function extractionCacheKey(
  language: Language,
  extractorVersion: string,
  path: string,
  blobSha: string,
): string {
  if (language === "python") return `${language}:${extractorVersion}:${blobSha}`;
  return `${language}:${extractorVersion}:${parseDialectOf(path)}:${blobSha}`;
}

/**
 * Builds the import graph of a snapshot: selects supported files, extracts their imports
 * (through the cache), resolves them against the whole snapshot, and returns the graph in
 * a deterministic order (files by path; imports by line, then specifier, kind and target).
 * Problems with single files become notices; the build goes on.
 */
export function buildGraph(snapshot: Snapshot, options: BuildGraphOptions): BuildGraphResult {
  return incrementalGraph(snapshot, options).finish();
}

/**
 * A build whose files can be resolved one at a time, in any order, before `finish` (for
 * example as extraction results arrive from worker threads), with the very result
 * `buildGraph` returns: each early file's outcome is kept apart and merged in path order.
 */
export interface IncrementalGraph {
  /**
   * Extracts (through the cache) and resolves one selected source file now, and returns its
   * graph entry (undefined when it is left out); other paths, and paths added already, are ignored.
   */
  add(path: string): GraphFile | undefined;
  /** Every file not added yet, then the graph. */
  finish(): BuildGraphResult;
}

export function incrementalGraph(snapshot: Snapshot, options: BuildGraphOptions): IncrementalGraph {
  const notices: Notice[] = [];
  const sources = selectSources(snapshot, options, notices);
  const build = startBuild(snapshot, options, notices, sources.length);
  const indexOf = new Map<string, number>();
  for (let index = 0; index < sources.length; index++) indexOf.set(sources[index]!.file.path, index);
  const added = new Uint8Array(sources.length);
  const addAt = (index: number) => {
    added[index] = 1;
    addSource(build, sources[index]!, index);
  };
  return {
    add(path) {
      const index = indexOf.get(path);
      if (index === undefined || added[index] !== 0) return undefined;
      addAt(index);
      return build.outcomes[index]?.file;
    },
    finish() {
      for (let index = 0; index < sources.length; index++) if (added[index] === 0) addAt(index);
      return finishBuild(build, snapshot, sources.length);
    },
  };
}

/**
 * The graph of a build whose sources were all added: their outcomes, kept by index, in path
 * order (files, the memo, notices), whatever order they were added in.
 */
function finishBuild(build: Build, snapshot: Snapshot, sourceCount: number): BuildGraphResult {
  const { options, outcomes, sourceNotices, notices } = build;
  const files: GraphFile[] = [];
  const memoFiles = new Map<string, { extracted: ExtractResult; file: GraphFile }>();
  for (let index = 0; index < sourceCount; index++) {
    const outcome = outcomes[index];
    if (outcome === undefined) continue;
    files.push(outcome.file);
    if (outcome.memo) memoFiles.set(outcome.file.path, outcome.memo);
  }
  for (const index of [...sourceNotices.keys()].sort((a, b) => a - b))
    notices.push(...sourceNotices.get(index)!);
  addSkippedSources(build, snapshot, options);
  const { unreadable, counts, blobs, reads, languages, maxBytes, maxNesting } = build;
  unreadable.sort((a, b) => compare(a.path, b.path));
  const unresolved = unresolvedImportsNotice(files);
  if (unresolved !== null) notices.push(unresolved);
  return {
    graph: { files },
    notices,
    unreadable,
    stats: { ...counts, files: files.length },
    memo: { blobs, reads, files: memoFiles, languages, maxBytes, maxNesting },
  };
}

/** A source file in the graph: its entry, and what the memo keeps (absent after a resolve error). */
interface SourceOutcome {
  readonly file: GraphFile;
  readonly memo: { extracted: ExtractResult; file: GraphFile } | undefined;
}

type Counts = { -readonly [K in Exclude<keyof GraphStats, "files">]: number };

/** The state of one build, shared by its stages. */
interface Build {
  readonly options: BuildGraphOptions;
  readonly languages: NonNullable<BuildGraphOptions["languages"]>;
  readonly maxBytes: number;
  readonly maxNesting: number | null;
  readonly project: SnapshotProjectFiles;
  /** What the resolvers see: `project`, recording every file they read into `reads`. */
  readonly resolverProject: ProjectFiles;
  readonly blobs: ReadonlyMap<string, string>;
  readonly reuse: GraphMemo | null;
  readonly reads: Set<string>;
  readonly resolvers: Map<LanguageFamily, Resolver>;
  /** Notices of the build as a whole (the selection's); those of single sources are in sourceNotices. */
  readonly notices: Notice[];
  /** Notices of the sources that had any, by source index. */
  readonly sourceNotices: Map<number, Notice[]>;
  /** Unreadable files, in any order (finishBuild sorts them by path). */
  readonly unreadable: UnreadableFile[];
  readonly counts: Counts;
  /** Graph entry (and memo) per source index, once added; absent for a source left out. */
  readonly outcomes: (SourceOutcome | undefined)[];
}

interface Source {
  readonly file: SnapshotFile;
  readonly language: Language;
}

function startBuild(
  snapshot: Snapshot,
  options: BuildGraphOptions,
  notices: Notice[],
  sourceCount: number,
): Build {
  const languages = options.languages ?? DEFAULT_LANGUAGES;
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const maxNesting =
    options.maxNestingDepth === undefined ? DEFAULT_MAX_NESTING_DEPTH : options.maxNestingDepth;
  const project = createProjectFiles(snapshot.files);
  const blobs = new Map<string, string>();
  for (const file of snapshot.files) blobs.set(file.path, file.blobSha);
  const reuse = reusableMemo(options.reuse, blobs, languages, maxBytes, maxNesting);
  const reads = new Set<string>(reuse?.reads);
  // Resolvers read config files through this view, so that a later build knows what they depended on.
  const resolverProject: ProjectFiles = {
    paths: project.paths,
    has: project.has,
    read: (path) => {
      reads.add(path);
      return project.read(path);
    },
  };
  const counts: Counts = {
    candidates: 0,
    extracted: 0,
    cacheHits: 0,
    skipped: 0,
    imports: 0,
    internal: 0,
    external: 0,
    unresolved: 0,
  };
  return {
    options,
    languages,
    maxBytes,
    maxNesting,
    project,
    resolverProject,
    blobs,
    reuse,
    reads,
    resolvers: new Map(),
    notices,
    sourceNotices: new Map(),
    unreadable: [],
    counts,
    outcomes: new Array<SourceOutcome | undefined>(sourceCount).fill(undefined),
  };
}

/** The supported source files include/exclude select, in path order. */
function selectSources(snapshot: Snapshot, options: BuildGraphOptions, notices: Notice[]): Source[] {
  const selection = new PathSelection(
    options,
    snapshot.files.map((file) => file.path),
  );
  const sources: Source[] = [];
  for (const file of snapshot.files) {
    const language = languageOfPath(file.path);
    if (language !== null && selection.selected(file.path)) sources.push({ file, language });
  }
  const excluded = selection.notice();
  if (excluded !== null) notices.push(excluded);
  if (!isSortedBy(sources, (entry) => entry.file.path))
    sources.sort((a, b) => compare(a.file.path, b.file.path));
  return sources;
}

/** Reasons a snapshot leaves a file out that make a selected source file unreadable. */
const UNREADABLE_SKIPS: ReadonlySet<SkipReason> = new Set(["binary", "too-large", "invalid-utf8"]);

/** Selected source files the snapshot itself left out as unreadable: they fail closed too. */
function addSkippedSources(build: Build, snapshot: Snapshot, options: BuildGraphOptions): void {
  const selected = createPathSelector(options);
  for (const entry of snapshot.skipped) {
    if (!UNREADABLE_SKIPS.has(entry.reason) || languageOfPath(entry.path) === null || !selected(entry.path))
      continue;
    build.counts.candidates++;
    build.counts.skipped++;
    build.unreadable.push({
      path: entry.path,
      line: null,
      message: SKIP_MESSAGES[entry.reason] ?? entry.reason,
    });
  }
}

const SKIP_MESSAGES: Partial<Record<SkipReason, string>> = {
  binary: "binary content; not analysed",
  "too-large": "over the size limit for fetched files; not analysed",
  "invalid-utf8": "not valid UTF-8; not analysed",
};

/** One source file into the graph: reused from the memo, or extracted and resolved. */
function addSource(build: Build, { file, language }: Source, index: number): void {
  const { counts } = build;
  counts.candidates++;
  const support = build.languages[familyOf(language)];
  if (!support) {
    counts.skipped++;
    addNotice(build, index, {
      file: file.path,
      kind: "unsupported-language",
      message: `no ${language} support is configured`,
    });
    return;
  }
  const reused =
    build.reuse?.blobs.get(file.path) === file.blobSha ? build.reuse.files.get(file.path) : undefined;
  if (reused) counts.cacheHits++;
  const extracted = reused ? { result: reused.extracted } : extractWithCache(build, file, language, support);
  if ("skip" in extracted) {
    counts.skipped++;
    addNotice(build, index, extracted.skip);
    return;
  }
  if ("unreadable" in extracted) {
    counts.skipped++;
    build.unreadable.push(extracted.unreadable);
    return;
  }
  if (extracted.result.error?.unreadable) {
    counts.skipped++;
    build.unreadable.push({
      path: file.path,
      line: extracted.result.error.line ?? null,
      message: extracted.result.error.message,
    });
    return;
  }
  if (extracted.result.error) addNotice(build, index, parseErrorNotice(file.path, extracted.result.error));
  if (reused) {
    countEdges(counts, reused.file.imports);
    build.outcomes[index] = { file: reused.file, memo: reused };
    return;
  }
  const { imports, failed } = resolveImports(
    build,
    index,
    file.path,
    language,
    support,
    extracted.result.imports,
  );
  countEdges(counts, imports);
  const graphFile: GraphFile = { path: file.path, language, imports };
  build.outcomes[index] = {
    file: graphFile,
    memo: failed ? undefined : { extracted: extracted.result, file: graphFile },
  };
}

function addNotice(build: Build, index: number, notice: Notice): void {
  const notices = build.sourceNotices.get(index);
  if (notices === undefined) build.sourceNotices.set(index, [notice]);
  else notices.push(notice);
}

function parseErrorNotice(path: string, error: NonNullable<ExtractResult["error"]>): Notice {
  return {
    file: path,
    line: error.line ?? null,
    column: error.column ?? null,
    kind: "parse-error",
    message: error.message,
  };
}

/**
 * The raw imports of one file resolved into graph edges, sorted. A resolver that throws
 * leaves the import unresolved with a notice, and the file is not memoised (`failed`).
 */
function resolveImports(
  build: Build,
  index: number,
  path: string,
  language: Language,
  support: LanguageSupport,
  raws: readonly RawImport[],
): { imports: ResolvedImport[]; failed: boolean } {
  const family = familyOf(language);
  let resolver = build.resolvers.get(family);
  if (!resolver) {
    resolver = support.createResolver(build.resolverProject);
    build.resolvers.set(family, resolver);
  }
  let failed = false;
  const imports: ResolvedImport[] = [];
  for (const raw of raws) {
    let resolved: readonly ResolvedImport[];
    try {
      resolved = resolver(path, raw);
    } catch (error) {
      failed = true;
      addNotice(build, index, {
        file: path,
        line: raw.line,
        kind: "resolve-error",
        message: `could not resolve "${raw.specifier}": ${(error as Error).message}`,
      });
      resolved = [{ specifier: raw.specifier, line: raw.line, kind: raw.kind, target: null, external: null }];
    }
    // Resolvers know where an import leads, not how it was written: keep the raw facts.
    for (const edge of resolved) imports.push(raw.sideEffect ? { ...edge, sideEffect: true } : edge);
  }
  imports.sort(compareImports);
  return { imports, failed };
}

function countEdges(counts: Counts, imports: readonly ResolvedImport[]): void {
  for (const edge of imports) {
    if (edge.target !== null) counts.internal++;
    else if (edge.external !== null) counts.external++;
    else counts.unresolved++;
  }
  counts.imports += imports.length;
}

/**
 * The memo when its resolutions still hold for this snapshot: same options, the same set of
 * paths (resolvers index them all), and every file its resolvers read unchanged.
 */
function reusableMemo(
  memo: GraphMemo | undefined,
  blobs: ReadonlyMap<string, string>,
  languages: BuildGraphOptions["languages"],
  maxBytes: number,
  maxNesting: number | null,
): GraphMemo | null {
  if (memo === undefined || memo.languages !== languages || memo.maxBytes !== maxBytes) return null;
  if (memo.maxNesting !== maxNesting) return null;
  if (memo.blobs.size !== blobs.size) return null;
  for (const path of blobs.keys()) if (!memo.blobs.has(path)) return null;
  for (const path of memo.reads) if (memo.blobs.get(path) !== blobs.get(path)) return null;
  return memo;
}

function extractWithCache(
  build: Build,
  file: SnapshotFile,
  language: Language,
  support: LanguageSupport,
): { result: ExtractResult } | { skip: Notice } | { unreadable: UnreadableFile } {
  const { maxBytes, counts } = build;
  const cache = build.options.extractionCache;
  const key = extractionCacheKey(language, support.extractorVersion, file.path, file.blobSha);
  const cached = cache?.get(key);
  if (cached) {
    counts.cacheHits++;
    return { result: cached };
  }
  const unreadable = (message: string, line: number | null = null) => ({
    unreadable: { path: file.path, line, message },
  });
  if (file.content.byteLength > maxBytes) {
    return unreadable(`${file.content.byteLength} bytes is over the ${maxBytes}-byte limit; not analysed`);
  }
  if (looksBinary(file.content)) return unreadable("binary content; not analysed");
  const decoded = decodeSource(file.content, language);
  if ("unreadable" in decoded) return unreadable(decoded.unreadable, decoded.line);
  const source = decoded.text;
  const excess = build.maxNesting === null ? null : nestingExcess(language, source, build.maxNesting);
  if (excess !== null) return unreadable(nestingMessage(excess), excess.line);
  let result: ExtractResult;
  try {
    result = support.extract(file.path, source);
  } catch (error) {
    // Extractors must not throw; if one does, the file is reported and not cached.
    const message = `import extraction failed: ${(error as Error).message}`;
    return { skip: { file: file.path, kind: "extract-failed", message } };
  }
  counts.extracted++;
  cache?.set(key, result);
  return { result };
}

function nestingExcess(language: Language, source: string, limit: number) {
  return language === "python" ? pythonNestingExcess(source, limit) : javaScriptNestingExcess(source, limit);
}

interface SnapshotProjectFiles extends ProjectFiles {
  decode(file: SnapshotFile): string | undefined;
}

/** ProjectFiles over the whole snapshot (not only the selected files); text decoded lazily, once. */
export function createProjectFiles(snapshotFiles: readonly SnapshotFile[]): SnapshotProjectFiles {
  const byPath = new Map<string, SnapshotFile>();
  for (const file of snapshotFiles) byPath.set(file.path, file);
  const decoded = new Map<string, string | undefined>();
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const decode = (file: SnapshotFile): string | undefined => {
    if (decoded.has(file.path)) return decoded.get(file.path);
    let text: string | undefined;
    try {
      text = decoder.decode(file.content);
    } catch {
      text = undefined;
    }
    decoded.set(file.path, text);
    return text;
  };
  const paths = [...byPath.keys()];
  if (!isSortedBy(paths, (path) => path)) paths.sort(compare);
  return {
    paths,
    has: (path) => byPath.has(path),
    read: (path) => {
      const file = byPath.get(path);
      return file ? decode(file) : undefined;
    },
    decode,
  };
}

function compareImports(a: ResolvedImport, b: ResolvedImport): number {
  return (
    a.line - b.line ||
    compare(a.specifier, b.specifier) ||
    compare(a.kind, b.kind) ||
    Number(a.sideEffect ?? false) - Number(b.sideEffect ?? false) ||
    compare(a.target ?? "", b.target ?? "") ||
    compare(a.external ?? "", b.external ?? "")
  );
}

/** Snapshots usually list files in path order already: checking is cheaper than sorting. */
function isSortedBy<T>(items: readonly T[], key: (item: T) => string): boolean {
  for (let i = 1; i < items.length; i++) if (key(items[i - 1]!) > key(items[i]!)) return false;
  return true;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
