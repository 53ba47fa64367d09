/** The import graph model shared by extractors, resolvers, rules and reports. */

export type Language = "typescript" | "javascript" | "python";

/**
 * How an import is written, as `graph --format json` reports it (design.md). Rules filter on
 * the finer import kinds of kinds.ts, derived from this, `sideEffect` and the language.
 */
export type ImportKind = "import" | "export" | "require" | "dynamic" | "type";

/** An import as written in the source, before resolution. */
export interface RawImport {
  readonly specifier: string;
  readonly line: number;
  readonly kind: ImportKind;
  /** TS/JS: an import that binds nothing (`import "m"`, `import {} from "m"`): loaded for its side effects. */
  readonly sideEffect?: true;
  /**
   * Python only: the names of `from X import a, b` (`["*"]` for a star import), and the
   * number of leading dots of a relative import. Unused for TS/JS.
   */
  readonly names?: readonly string[];
  readonly level?: number;
}

export interface ExtractError {
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  /** The file as a whole could not be read (too large for the parser): it fails closed. */
  readonly unreadable?: true;
}

/** What an extractor returns for one file; cached by blob SHA. */
export interface ExtractResult {
  readonly imports: readonly RawImport[];
  readonly error?: ExtractError;
}

export interface ResolvedImport {
  readonly specifier: string;
  readonly line: number;
  readonly kind: ImportKind;
  /** Copied from the raw import (see RawImport.sideEffect). */
  readonly sideEffect?: true;
  /** Resolved repo-relative file, or null. */
  readonly target: string | null;
  /** Package name for a dependency outside the repository, else null. */
  readonly external: string | null;
}

export interface GraphFile {
  readonly path: string;
  readonly language: Language;
  readonly imports: readonly ResolvedImport[];
}

/** Exactly the shape of `maestro-hive graph --format json`. */
export interface ImportGraph {
  readonly files: readonly GraphFile[];
}

/**
 * Content-addressed cache of extraction results. Sync on purpose: the app preloads the
 * entries for a snapshot's blob SHAs from the database before running the engine and
 * writes back what the engine added; the CLI backs it with a file.
 */
export interface ExtractionCache {
  get(key: string): ExtractResult | undefined;
  set(key: string, value: ExtractResult): void;
}

/**
 * Read access to the snapshot being analysed, for resolvers (tsconfig.json, package.json,
 * pyproject.toml and file existence). Paths are repo-relative POSIX paths.
 */
export interface ProjectFiles {
  readonly paths: readonly string[];
  has(path: string): boolean;
  /** UTF-8 text of a file, or undefined when it is absent or not text. */
  read(path: string): string | undefined;
}

/** Extracts the raw imports of one source file. Never throws: parse problems go in `error`. */
export type Extractor = (path: string, source: string) => ExtractResult;

/**
 * Resolves the raw imports of one file against the project. One raw import may resolve
 * to several edges (Python `from pkg import a, b` where a and b are modules).
 */
export type Resolver = (fromFile: string, raw: RawImport) => readonly ResolvedImport[];

export type ResolverFactory = (project: ProjectFiles) => Resolver;

/** How one language family is read: TS/JS share one support, Python has its own. */
export interface LanguageSupport {
  /** Part of the cache key; bump it whenever the extractor's output can change. */
  readonly extractorVersion: string;
  readonly extract: Extractor;
  readonly createResolver: ResolverFactory;
}

export type LanguageFamily = "typescript" | "python";
