/**
 * oxc-parser's lazy raw transfer without its lazy objects: the module record and the errors
 * are read straight out of the transfer buffer into plain objects, and the walker (big: ~20k
 * lines to load) is loaded only for a file that needs a walk. oxc's own lazy objects cost
 * more than the native parse itself on a typical file: a Map, a FinalizationRegistry entry,
 * a Proxy per array and a class instance per record entry, all garbage at once.
 *
 * The buffer layout is oxc's generated code for one version (src-js/generated/lazy/
 * constructors.js). Any other installed version makes `rawRecordParser` answer undefined,
 * and the caller takes oxc's public lazy API instead: same results, slower.
 */
import { createRequire } from "node:module";
import type { OxcError, OxcModuleRecord, OxcStaticExport, OxcStaticImport } from "./ts-oxc.ts";

/** The oxc-parser version whose buffer layout the offsets below are. */
export const RAW_LAYOUT_VERSION = "0.159.0";

/** The transfer buffer as oxc's src-js/raw-transfer/common.js hands it over. */
interface RawBuffer extends Uint8Array {
  readonly int32: Int32Array;
}

type Convert = (buffer: RawBuffer, sourceText: string, sourceStartPos: number, sourceByteLen: number) => void;

interface CommonModule {
  parseSyncRawImpl(filename: string, sourceText: string, options: object, convert: Convert): void;
  returnBufferToCache(buffer: RawBuffer): void;
}

interface WalkerModules {
  walkProgram(pos: number, ast: object, visitors: unknown): void;
  Visitor: new (handlers: object) => object;
  getVisitorsArr(visitor: object): unknown;
  TOKEN: object;
}

export interface RawParse {
  readonly module: OxcModuleRecord;
  readonly errors: readonly OxcError[];
  visit(handlers: object): void;
  /** The spans of the comments (read on demand, before `dispose`). */
  comments(): { start: number; end: number }[];
  dispose(): void;
}

export interface RawRecordParser {
  parse(path: string, source: string, options: object): RawParse;
}

/** Byte offsets and sizes, from constructors.js of RAW_LAYOUT_VERSION. */
const DATA_POINTER_POS_32 = 536870890;
const MODULE = 168; // RawTransferData.module (EcmaScriptModule)
const COMMENTS = 144; // RawTransferData.comments (Vec<Comment>)
const ERRORS = 272; // RawTransferData.errors (Vec<Error>)
const STATIC_IMPORTS = 0;
const STATIC_EXPORTS = 24;
const DYNAMIC_IMPORTS = 48;
const STATIC_IMPORT_SIZE = 56; // start 0, end 4, moduleRequest (NameSpan) 8, entries 32
const IMPORT_ENTRY_SIZE = 96; // isType 88
const STATIC_EXPORT_SIZE = 32; // start 0, end 4, entries 8
const EXPORT_ENTRY_SIZE = 144; // start 0, end 4, moduleRequest (Option<NameSpan>) 16, isType 136
const DYNAMIC_IMPORT_SIZE = 16; // start 0, end 4
const ERROR_SIZE = 80; // message 0, labels 16
const ERROR_LABEL_SIZE = 24; // start 0, end 4
const COMMENT_SIZE = 24; // start 0, end 4
const NAME_SPAN_VALUE = 8; // NameSpan: start 0, end 4, value (Str) 8

let loaded: RawRecordParser | null | undefined;

/** The reader for the installed oxc-parser, or undefined when its version is not RAW_LAYOUT_VERSION. */
export function rawRecordParser(): RawRecordParser | undefined {
  if (loaded === undefined) loaded = load();
  return loaded ?? undefined;
}

function load(): RawRecordParser | null {
  try {
    const require = createRequire(import.meta.url);
    // Files of the package, not its exports: required by path (the version pins their shape).
    const src = require.resolve("oxc-parser").replace(/index\.js$/, "");
    const { version } = require(`${src}../package.json`) as { version: string };
    if (version !== RAW_LAYOUT_VERSION) return null;
    const common = require(`${src}raw-transfer/common.js`) as CommonModule;
    let walker: WalkerModules | undefined;
    const loadWalker = (): WalkerModules => {
      walker ??= {
        ...(require(`${src}generated/lazy/walk.js`) as Pick<WalkerModules, "walkProgram">),
        ...(require(`${src}raw-transfer/visitor.js`) as Pick<WalkerModules, "Visitor" | "getVisitorsArr">),
        ...(require(`${src}raw-transfer/lazy-common.js`) as Pick<WalkerModules, "TOKEN">),
      };
      return walker;
    };
    return { parse: (path, source, options) => parseRaw(common, loadWalker, path, source, options) };
  } catch {
    return null;
  }
}

function parseRaw(
  common: CommonModule,
  loadWalker: () => WalkerModules,
  path: string,
  source: string,
  options: object,
): RawParse {
  let parse: RawParse | undefined;
  common.parseSyncRawImpl(path, source, options, (buffer, sourceText, sourceStartPos, sourceByteLen) => {
    let buffered: RawBuffer | null = buffer;
    const dispose = () => {
      if (buffered === null) return;
      common.returnBufferToCache(buffered);
      buffered = null;
    };
    try {
      const reader = new Reader(buffer, sourceText, sourceStartPos, sourceByteLen);
      const data = buffer.int32[DATA_POINTER_POS_32]!;
      const module = reader.module(data + MODULE);
      const errors = reader.errors(data + ERRORS);
      parse = {
        module,
        errors,
        visit(handlers) {
          if (buffered === null) throw new Error("the parse was disposed");
          const { walkProgram, Visitor, getVisitorsArr, TOKEN } = loadWalker();
          // The object oxc's lazy.js builds for the walk's nodes to read the buffer through.
          const ast = {
            buffer: buffered,
            sourceText,
            sourceStartPos,
            sourceByteLen,
            sourceIsAscii: sourceText.length === sourceByteLen,
            nodes: new Map(),
            token: TOKEN,
          };
          walkProgram(data, ast, getVisitorsArr(new Visitor(handlers)));
        },
        comments() {
          if (buffered === null) throw new Error("the parse was disposed");
          return reader.spans(data + COMMENTS, COMMENT_SIZE);
        },
        dispose,
      };
    } catch (error) {
      dispose();
      throw error;
    }
  });
  return parse!;
}

class Reader {
  private readonly buffer: RawBuffer;
  private readonly int32: Int32Array;
  private readonly source: string;
  private readonly sourceStartPos: number;
  private readonly ascii: boolean;

  constructor(buffer: RawBuffer, source: string, sourceStartPos: number, sourceByteLen: number) {
    this.buffer = buffer;
    this.int32 = buffer.int32;
    this.source = source;
    this.sourceStartPos = sourceStartPos;
    this.ascii = source.length === sourceByteLen;
  }

  private i32(pos: number): number {
    return this.int32[pos >> 2]!;
  }

  /** A `Vec` is its first element's position (at `pos`) and its length (at `pos + 8`). */
  private length(pos: number): number {
    return this.i32(pos + 8);
  }

  /** A `&str`: in an ASCII source a slice of the text, else decoded from the buffer (as oxc's constructStr). */
  private str(pos: number): string {
    const length = this.i32(pos + 8);
    if (length === 0) return "";
    const at = this.i32(pos);
    if (this.ascii && at >= this.sourceStartPos) return this.source.substr(at - this.sourceStartPos, length);
    return DECODER.decode(this.buffer.subarray(at, at + length));
  }

  private nameSpan(pos: number) {
    return { value: this.str(pos + NAME_SPAN_VALUE), start: this.i32(pos), end: this.i32(pos + 4) };
  }

  module(pos: number): OxcModuleRecord {
    const staticImports: OxcStaticImport[] = [];
    let at = this.i32(pos + STATIC_IMPORTS);
    let count = this.length(pos + STATIC_IMPORTS);
    for (let i = 0; i < count; i++, at += STATIC_IMPORT_SIZE) {
      const entries: { isType: boolean }[] = [];
      const entryCount = this.length(at + 32);
      for (let j = 0, entry = this.i32(at + 32); j < entryCount; j++, entry += IMPORT_ENTRY_SIZE)
        entries.push({ isType: this.buffer[entry + 88] === 1 });
      staticImports.push({
        start: this.i32(at),
        end: this.i32(at + 4),
        moduleRequest: this.nameSpan(at + 8),
        entries,
      });
    }
    const staticExports: OxcStaticExport[] = [];
    at = this.i32(pos + STATIC_EXPORTS);
    count = this.length(pos + STATIC_EXPORTS);
    for (let i = 0; i < count; i++, at += STATIC_EXPORT_SIZE) {
      const entries: OxcStaticExport["entries"][number][] = [];
      const entryCount = this.length(at + 8);
      for (let j = 0, entry = this.i32(at + 8); j < entryCount; j++, entry += EXPORT_ENTRY_SIZE) {
        const request = entry + 16;
        // None: a null string pointer (oxc's constructOptionNameSpan).
        const none = this.i32(request + 8) === 0 && this.i32(request + 12) === 0;
        entries.push({
          start: this.i32(entry),
          end: this.i32(entry + 4),
          moduleRequest: none ? null : this.nameSpan(request),
          isType: this.buffer[entry + 136] === 1,
        });
      }
      staticExports.push({ start: this.i32(at), end: this.i32(at + 4), entries });
    }
    const dynamicImports = this.spans(pos + DYNAMIC_IMPORTS, DYNAMIC_IMPORT_SIZE);
    return { staticImports, staticExports, dynamicImports };
  }

  /** A `Vec` of structs that start with a span. */
  spans(pos: number, size: number): { start: number; end: number }[] {
    const spans: { start: number; end: number }[] = [];
    const count = this.length(pos);
    for (let i = 0, at = this.i32(pos); i < count; i++, at += size)
      spans.push({ start: this.i32(at), end: this.i32(at + 4) });
    return spans;
  }

  errors(pos: number): OxcError[] {
    const errors: OxcError[] = [];
    const count = this.length(pos);
    for (let i = 0, at = this.i32(pos); i < count; i++, at += ERROR_SIZE)
      errors.push({ message: this.str(at), labels: this.spans(at + 16, ERROR_LABEL_SIZE) });
    return errors;
  }
}

const DECODER = new TextDecoder("utf-8", { ignoreBOM: true });
