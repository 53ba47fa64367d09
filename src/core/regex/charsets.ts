/**
 * Character sets where RE2 and the source dialect disagree, spelled out as RE2 class bodies.
 * RE2's `\s` is ASCII `[\t\n\f\r ]`; JavaScript's and Python's are Unicode and wider.
 */

type Range = readonly [number, number];

const MAX_CODE_POINT = 0x10ffff;

/** ECMAScript WhiteSpace + LineTerminator (what `\s` matches). */
const JS_SPACE: readonly Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];

/** Python's `str.isspace()` (what `\s` matches in a str pattern). */
const PYTHON_SPACE: readonly Range[] = [
  [0x09, 0x0d],
  [0x1c, 0x20],
  [0x85, 0x85],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];

/** `\x{…}`: RE2's code point escape, valid inside and outside classes. */
export function codePointEscape(codePoint: number): string {
  return `\\x{${codePoint.toString(16)}}`;
}

function body(ranges: readonly Range[]): string {
  return ranges
    .map(([lo, hi]) => (lo === hi ? codePointEscape(lo) : `${codePointEscape(lo)}-${codePointEscape(hi)}`))
    .join("");
}

function complement(ranges: readonly Range[]): Range[] {
  const result: Range[] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) result.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CODE_POINT) result.push([next, MAX_CODE_POINT]);
  return result;
}

/** Python's `\s` under `(?a)`: `[ \t\n\r\f\v]`. */
const ASCII_SPACE: readonly Range[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
];

export type SpaceDialect = "javascript" | "python" | "python-ascii";

const SPACE = { javascript: JS_SPACE, python: PYTHON_SPACE, "python-ascii": ASCII_SPACE } as const;

/** The class body (no brackets) of `\s` or, negated, `\S`, usable inside a bracket class. */
export function spaceClassBody(dialect: SpaceDialect, negated: boolean): string {
  const ranges = SPACE[dialect];
  return body(negated ? complement(ranges) : ranges);
}

/** `\s` / `\S` outside a class. */
export function spaceClass(dialect: SpaceDialect, negated: boolean): string {
  return `[${negated ? "^" : ""}${body(SPACE[dialect])}]`;
}

/** Every code point (for JavaScript's `[^]`). */
export const ANY_CODE_POINT = `[${codePointEscape(0)}-${codePointEscape(MAX_CODE_POINT)}]`;
/** No code point (for JavaScript's `[]`). */
export const NO_CODE_POINT = `[^${codePointEscape(0)}-${codePointEscape(MAX_CODE_POINT)}]`;

/** A code point RE2 can match: not a lone surrogate (RE2 works on code points). */
export function isMatchableCodePoint(codePoint: number): boolean {
  return codePoint <= MAX_CODE_POINT && (codePoint < 0xd800 || codePoint > 0xdfff);
}
