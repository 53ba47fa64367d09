/**
 * Source bytes to text the way the language's own tools read them.
 * - TypeScript/JavaScript: tsc and Node decode UTF-8 leniently (an invalid sequence becomes
 *   U+FFFD) and accept a NUL inside a comment or string, so such a file is parsed like any other.
 * - Python: PEP 263. A `coding:` cookie on the first two lines picks the encoding, UTF-8
 *   otherwise; bytes invalid in that encoding are a SyntaxError for CPython, so the file is
 *   unreadable (never silently skipped).
 */
import type { Language } from "./model.ts";

export type DecodedSource =
  | { readonly text: string }
  | { readonly unreadable: string; readonly line: number | null };

const LENIENT_UTF8 = new TextDecoder("utf-8");
const BOM_UTF8 = [0xef, 0xbb, 0xbf];
/** PEP 263: a comment line holding `coding[:=] <name>`. */
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const BLANK_OR_COMMENT = /^[ \t\f]*(?:#.*)?$/;

export function decodeSource(content: Uint8Array, language: Language): DecodedSource {
  if (language !== "python") return { text: LENIENT_UTF8.decode(content) };
  return decodePython(content);
}

function decodePython(content: Uint8Array): DecodedSource {
  const hasBom = BOM_UTF8.every((byte, i) => content[i] === byte);
  const encoding = codingCookie(content) ?? "utf-8";
  if (hasBom && normalise(encoding) !== "utf-8") {
    return {
      unreadable: `encoding problem: ${encoding} with a UTF-8 byte order mark (CPython refuses it)`,
      line: 1,
    };
  }
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(whatwgLabel(encoding), { fatal: true });
  } catch {
    return {
      unreadable: `unknown encoding "${encoding}" declared on line 1 or 2 (CPython refuses it)`,
      line: 1,
    };
  }
  try {
    return { text: decoder.decode(content) };
  } catch {
    const offset = firstInvalidUtf8(content);
    const line = offset === -1 ? null : lineAt(content, offset);
    return {
      unreadable: `not valid ${encoding}${line === null ? "" : ` (line ${line})`}: CPython refuses the file with a SyntaxError`,
      line,
    };
  }
}

/** The encoding named on line 1, or on line 2 when line 1 is blank or a comment (PEP 263). */
function codingCookie(content: Uint8Array): string | null {
  const head = LENIENT_UTF8.decode(content.subarray(0, 1024)).split(/\r\n|\r|\n/, 2);
  const first = head[0] ?? "";
  const found =
    CODING_COOKIE.exec(first) ?? (BLANK_OR_COMMENT.test(first) ? CODING_COOKIE.exec(head[1] ?? "") : null);
  return found?.[1] ?? null;
}

function normalise(name: string): string {
  const lower = name.toLowerCase().replaceAll("_", "-");
  return lower === "utf8" || lower.startsWith("utf-8-") ? "utf-8" : lower;
}

/** Python's codec names as WHATWG labels where they differ ("latin-1" is "latin1" there). */
function whatwgLabel(name: string): string {
  const lower = normalise(name);
  if (lower === "latin-1" || lower === "iso-latin-1" || lower === "l1") return "latin1";
  return lower;
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence; -1 when all do. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const byte = bytes[i]!;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return -1;
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
