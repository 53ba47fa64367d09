/**
 * A typed door onto oxc-parser's raw-transfer modes, which its type declarations do not
 * describe. Lazy mode parses in Rust without serialising the AST (about 5× faster than the
 * default `parseSync`, which always builds a JSON copy of the AST); nodes are materialised
 * only when a visitor asks for them. Eager raw transfer builds a full ESTree AST and is the
 * fallback where the lazy walker has gaps (it skips the type annotation of variable
 * declarators, so `const x: import("m").T` is invisible to it).
 */
import type { parseSync } from "oxc-parser";
import { oxcParser } from "./oxc-loader.ts";
import { rawRecordParser } from "./oxc-raw.ts";

/** Exported by oxc-parser's JavaScript but missing from its type declarations. */
function experimentalGetLazyVisitor(): unknown {
  return (
    oxcParser() as unknown as { experimentalGetLazyVisitor: () => unknown }
  ).experimentalGetLazyVisitor();
}

export type OxcLang = "js" | "jsx" | "ts" | "tsx" | "dts";
export type OxcSourceType = "module" | "unambiguous";

export interface OxcSpan {
  readonly start: number;
  readonly end: number;
}

export interface OxcValueSpan extends OxcSpan {
  readonly value: string;
}

export interface OxcStaticImport extends OxcSpan {
  readonly moduleRequest: OxcValueSpan;
  readonly entries: readonly { readonly isType: boolean }[];
}

export interface OxcStaticExport extends OxcSpan {
  readonly entries: readonly (OxcSpan & {
    readonly moduleRequest: OxcValueSpan | null;
    readonly isType: boolean;
  })[];
}

export interface OxcModuleRecord {
  readonly staticImports: readonly OxcStaticImport[];
  readonly staticExports: readonly OxcStaticExport[];
  readonly dynamicImports: readonly OxcSpan[];
}

export interface OxcError {
  readonly message: string;
  readonly labels: readonly OxcSpan[];
}

/**
 * The few node shapes the import collector reads. Lazy nodes use oxc's own type names
 * (`IdentifierReference`, `StringLiteral`), eager ones ESTree's (`Identifier`, `Literal`).
 */
export interface OxcNode extends OxcSpan {
  readonly type: string;
  readonly name?: string;
  readonly value?: unknown;
  readonly callee?: OxcNode;
  readonly arguments?: readonly OxcNode[];
  readonly source?: OxcNode | null;
  readonly expressions?: readonly OxcNode[];
  readonly quasis?: readonly { readonly value: { readonly cooked: string | null } }[];
  readonly moduleReference?: OxcNode;
  readonly expression?: OxcNode;
  readonly importKind?: string;
  readonly exportKind?: string;
  readonly specifiers?: readonly OxcNode[];
}

export interface ImportVisitorHandlers {
  CallExpression(node: OxcNode): void;
  ImportExpression(node: OxcNode): void;
  TSImportType(node: OxcNode): void;
  TSImportEqualsDeclaration(node: OxcNode): void;
  /** Only needed (and only passed, to the eager walk) for imports nested in `declare module`. */
  ImportDeclaration?(node: OxcNode): void;
  ExportAllDeclaration?(node: OxcNode): void;
  ExportNamedDeclaration?(node: OxcNode): void;
}

export interface LazyParse {
  readonly module: OxcModuleRecord;
  readonly errors: readonly OxcError[];
  /**
   * Walks the whole program with the handlers; `literal`, if given, gets the span of every
   * string literal and template literal text the walk meets (not necessarily all of them).
   */
  visit(handlers: ImportVisitorHandlers, literal?: (span: OxcSpan) => void): void;
  /** The spans of the comments. Read it before `dispose`. */
  commentSpans(): readonly OxcSpan[];
  /**
   * Returns the transfer buffer to oxc's pool; the result must not be used afterwards. Calling
   * it again does nothing.
   */
  dispose(): void;
}

interface RawLazyResult {
  module: OxcModuleRecord;
  errors: readonly OxcError[];
  comments: readonly OxcSpan[];
  visit(visitor: unknown): void;
  dispose(): void;
}

interface RawEagerResult {
  program: unknown;
}

type OxcVisitor = import("oxc-parser").Visitor;
type VisitorHandlers = ConstructorParameters<typeof import("oxc-parser").Visitor>[0];
type VisitedProgram = Parameters<OxcVisitor["visit"]>[0];

type VisitorCtor = new (handlers: ImportVisitorHandlers) => unknown;

let lazyVisitorCtor: VisitorCtor | undefined;

function lazyVisitor(): VisitorCtor {
  lazyVisitorCtor ??= experimentalGetLazyVisitor() as unknown as VisitorCtor;
  return lazyVisitorCtor;
}

/**
 * oxc's raw-transfer modes (lazy and eager) ABORT the process ("out of memory" panic in its
 * arena) on big module records: a 150 KB file of 5,000 imports kills Node (oxc-parser 0.159:
 * from about 4,740 import statements on, whatever their size or the file's). Sources up to
 * this size always take raw transfer; longer ones only with at most
 * RAW_TRANSFER_MAX_IMPORT_WORDS occurrences of "import" (an upper bound on import statements,
 * far below the limit). Others take the standard parse (a JSON copy of the AST, several
 * times slower, never aborts).
 */
export const RAW_TRANSFER_MAX_SOURCE_LENGTH = 64 * 1024;
export const RAW_TRANSFER_MAX_IMPORT_WORDS = 2000;

let rawTransferOnThisRuntime: boolean | undefined;
let standardParsesLeft = 0;

/**
 * The next `count` parses on this thread take the standard transfer. Raw transfer's first
 * parse allocates a 6 GiB ArrayBuffer (virtual memory, reused afterwards), and V8 answers an
 * external allocation that size with a full, memory-reducing GC of the whole heap: 60–80 ms
 * once a warm `check` has its state loaded, far more than a few standard parses cost. Same
 * results either way (the big files below take the standard parse too).
 */
export function standardTransferFor(count: number): void {
  standardParsesLeft = count;
}

/** Raw transfer needs Node 22 or later (the compiled CLI also runs on Node 20). */
function useRawTransfer(source: string): boolean {
  if (standardParsesLeft > 0) {
    standardParsesLeft--;
    return false;
  }
  rawTransferOnThisRuntime ??= oxcParser().rawTransferSupported();
  if (!rawTransferOnThisRuntime) return false;
  return source.length <= RAW_TRANSFER_MAX_SOURCE_LENGTH || fewImportWords(source);
}

function fewImportWords(source: string): boolean {
  let count = 0;
  for (let at = source.indexOf("import"); at !== -1; at = source.indexOf("import", at + 6)) {
    if (++count > RAW_TRANSFER_MAX_IMPORT_WORDS) return false;
  }
  return true;
}

interface RawStandardResult {
  program: unknown;
  module: OxcModuleRecord;
  errors: OxcError[];
  comments: OxcSpan[];
}

/** Lazy nodes: `StringLiteral` and `TemplateElement` (oxc's names). */
function withLazyLiterals(
  handlers: ImportVisitorHandlers,
  literal: ((span: OxcSpan) => void) | undefined,
): object {
  return literal === undefined ? handlers : { ...handlers, StringLiteral: literal, TemplateElement: literal };
}

/** ESTree nodes: a string `Literal` and `TemplateElement`. */
function withEstreeLiterals(
  handlers: ImportVisitorHandlers,
  literal: ((span: OxcSpan) => void) | undefined,
): object {
  if (literal === undefined) return handlers;
  return {
    ...handlers,
    Literal: (node: OxcNode) => {
      if (typeof node.value === "string") literal(node);
    },
    TemplateElement: literal,
  };
}

function parseStandard(path: string, source: string, lang: OxcLang, sourceType: OxcSourceType) {
  return oxcParser().parseSync(path, source, { lang, sourceType } as Parameters<
    typeof parseSync
  >[2]) as unknown as RawStandardResult;
}

export function parseLazy(path: string, source: string, lang: OxcLang, sourceType: OxcSourceType): LazyParse {
  if (!useRawTransfer(source)) {
    const standard = parseStandard(path, source, lang, sourceType);
    return {
      module: standard.module,
      errors: standard.errors,
      visit(handlers, literal) {
        const visitor = new (oxcParser().Visitor)(
          withEstreeLiterals(handlers, literal) as unknown as VisitorHandlers,
        );
        visitor.visit(standard.program as VisitedProgram);
      },
      commentSpans: () => standard.comments,
      dispose() {},
    };
  }
  const options = { lang, sourceType, experimentalLazy: true };
  const direct = rawRecordParser();
  if (direct !== undefined) {
    const parse = direct.parse(path, source, options);
    return {
      module: parse.module,
      errors: parse.errors,
      visit: (handlers, literal) => parse.visit(withLazyLiterals(handlers, literal)),
      commentSpans: () => parse.comments(),
      dispose: () => parse.dispose(),
    };
  }
  const raw = oxcParser().parseSync(
    path,
    source,
    options as Parameters<typeof parseSync>[2],
  ) as unknown as RawLazyResult;
  let disposed = false;
  return {
    module: raw.module,
    errors: raw.errors,
    visit(handlers, literal) {
      raw.visit(new (lazyVisitor())(withLazyLiterals(handlers, literal) as ImportVisitorHandlers));
    },
    commentSpans: () => Array.from(raw.comments, ({ start, end }) => ({ start, end })),
    dispose() {
      if (disposed) return;
      disposed = true;
      raw.dispose();
    },
  };
}

/** Full ESTree parse and walk; slower, but visits every node. */
export function visitEager(
  path: string,
  source: string,
  lang: OxcLang,
  sourceType: OxcSourceType,
  handlers: ImportVisitorHandlers,
): void {
  const options = useRawTransfer(source)
    ? { lang, sourceType, experimentalRawTransfer: true }
    : { lang, sourceType };
  const raw = oxcParser().parseSync(
    path,
    source,
    options as Parameters<typeof parseSync>[2],
  ) as unknown as RawEagerResult;
  const visitor = new (oxcParser().Visitor)(handlers as unknown as VisitorHandlers);
  visitor.visit(raw.program as VisitedProgram);
}
