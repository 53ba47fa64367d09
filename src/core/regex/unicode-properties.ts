import type { PatternScanner } from "./scanner.ts";

/** Long General_Category names (JavaScript `\p{Letter}`) → the short names RE2 knows. */
const GENERAL_CATEGORY: Readonly<Record<string, string>> = {
  Letter: "L",
  Uppercase_Letter: "Lu",
  Lowercase_Letter: "Ll",
  Titlecase_Letter: "Lt",
  Modifier_Letter: "Lm",
  Other_Letter: "Lo",
  Mark: "M",
  Combining_Mark: "M",
  Nonspacing_Mark: "Mn",
  Spacing_Mark: "Mc",
  Enclosing_Mark: "Me",
  Number: "N",
  Decimal_Number: "Nd",
  digit: "Nd",
  Letter_Number: "Nl",
  Other_Number: "No",
  Punctuation: "P",
  punct: "P",
  Connector_Punctuation: "Pc",
  Dash_Punctuation: "Pd",
  Open_Punctuation: "Ps",
  Close_Punctuation: "Pe",
  Initial_Punctuation: "Pi",
  Final_Punctuation: "Pf",
  Other_Punctuation: "Po",
  Symbol: "S",
  Math_Symbol: "Sm",
  Currency_Symbol: "Sc",
  Modifier_Symbol: "Sk",
  Other_Symbol: "So",
  Separator: "Z",
  Space_Separator: "Zs",
  Line_Separator: "Zl",
  Paragraph_Separator: "Zp",
  Other: "C",
  Control: "Cc",
  cntrl: "Cc",
  Format: "Cf",
  Surrogate: "Cs",
  Private_Use: "Co",
};

/**
 * Translates a JavaScript `\p{…}` / `\P{…}` (the cursor is after `p` or `P`) into RE2's
 * `\p{…}`: general categories and scripts. Binary properties RE2 does not know are left for
 * RE2 to refuse, which the compiler reports as unsupported.
 */
export function translateProperty(scanner: PatternScanner, negated: boolean, at: number): string {
  const match = scanner.take(/\{([^}]*)\}/y);
  if (!match) return scanner.fail("syntax", "\\p needs a property name in braces", at);
  const text = match[1]!;
  const equals = text.indexOf("=");
  const key = equals === -1 ? null : text.slice(0, equals);
  const value = equals === -1 ? text : text.slice(equals + 1);
  if (key === "Script_Extensions" || key === "scx") {
    scanner.fail(
      "unsupported",
      `the Unicode property \\p${match[0]} (Script_Extensions) is not supported`,
      at,
    );
  }
  // Script=Greek, sc=Greek, General_Category=Letter, gc=L: RE2 takes the value alone.
  const name = GENERAL_CATEGORY[value] ?? value;
  return `\\${negated ? "P" : "p"}{${name}}`;
}
