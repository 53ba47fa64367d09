/**
 * Python's lexical classes shared by the tokenizer, the string-literal decoder and the
 * import parser: identifier characters (PEP 3131) and string prefixes.
 */

/** Identifier characters beyond ASCII: Unicode ID_Start / ID_Continue plus Python's Other_ID_* extras. */
export const ID_START = /[\p{ID_Start}_\u1885\u1886\u2118\u212E\u309B\u309C]/u;
export const ID_CONTINUE =
  /[\p{ID_Continue}\u00B7\u0387\u1369-\u1371\u19DA\u1885\u1886\u2118\u212E\u309B\u309C]/u;

const DOTTED_NAME = /^[\p{ID_Start}_][\p{ID_Continue}]*(?:\.[\p{ID_Start}_][\p{ID_Continue}]*)*$/u;

/** True for `a`, `a.b_c`: what `str.isidentifier()` accepts for every dot-separated part. */
export function isDottedModuleName(name: string): boolean {
  return DOTTED_NAME.test(name);
}

/** String prefix flags; NOT_A_PREFIX when the letters are not a valid string prefix. */
export const PREFIX_RAW = 1;
export const PREFIX_BYTES = 2;
/** f-strings and PEP 750 t-strings: replacement fields are tokenized like code. */
export const PREFIX_FORMAT = 4;
/** t-strings (also PREFIX_FORMAT): their value is a template, not a str. */
export const PREFIX_TEMPLATE = 8;
export const NOT_A_PREFIX = -1;

function prefixBit(lowerCase: number): number {
  switch (lowerCase) {
    case 114: // r
      return PREFIX_RAW;
    case 98: // b
      return PREFIX_BYTES;
    case 102: // f
      return PREFIX_FORMAT;
    case 116: // t
      return PREFIX_FORMAT | PREFIX_TEMPLATE;
    case 117: // u
      return 0;
    default:
      return NOT_A_PREFIX;
  }
}

/** The flags of the prefix letters `source[start..end)` of a string literal. */
export function prefixFlags(source: string, start: number, end: number): number {
  const length = end - start;
  if (length === 0) return 0;
  if (length > 2) return NOT_A_PREFIX;
  let flags = 0;
  let sawU = false;
  for (let i = start; i < end; i++) {
    const lower = source.charCodeAt(i) | 0x20; // ASCII lower case
    const bit = prefixBit(lower);
    if (bit === NOT_A_PREFIX) return NOT_A_PREFIX;
    if (lower === 117) sawU = true;
    if (bit !== 0 && (flags & bit & ~PREFIX_TEMPLATE) !== 0) return NOT_A_PREFIX;
    flags |= bit;
  }
  if (sawU && length > 1) return NOT_A_PREFIX;
  if ((flags & PREFIX_BYTES) !== 0 && (flags & PREFIX_FORMAT) !== 0) return NOT_A_PREFIX;
  return flags;
}
