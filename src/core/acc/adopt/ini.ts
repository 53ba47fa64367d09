/**
 * An INI reader with Python configparser's semantics as import-linter uses it (setup.cfg,
 * .importlinter): `[section]` headers, `key = value` or `key: value` (keys lower-cased), values
 * continued on indented lines, whole-line comments (`#`, `;`) skipped, also inside a value.
 * Every section and key keeps its line for messages. A line configparser refuses (a key before
 * any section, a line that is neither a header, a key nor a continuation, a duplicate section
 * or key) is an IniError naming the line.
 */

export interface IniEntry {
  /** The value's lines, trimmed, blank lines included (configparser keeps them). */
  readonly lines: readonly string[];
  readonly line: number;
}

export interface IniSection {
  readonly name: string;
  readonly line: number;
  readonly entries: ReadonlyMap<string, IniEntry>;
}

export class IniError extends Error {
  readonly line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

/** More lines than this is not a config file. */
export const MAX_INI_LINES = 100_000;

export function parseIniSections(text: string): IniSection[] {
  const rawLines = text.split(/\r\n|\r|\n/);
  if (rawLines.length > MAX_INI_LINES)
    throw new IniError(`more than ${MAX_INI_LINES} lines: not read`, MAX_INI_LINES + 1);
  const sections: { name: string; line: number; entries: Map<string, { lines: string[]; line: number }> }[] =
    [];
  const names = new Set<string>();
  let current: (typeof sections)[number] | undefined;
  let value: { lines: string[]; line: number } | undefined;
  for (let i = 0; i < rawLines.length; i++) {
    const raw = rawLines[i]!;
    const lineNumber = i + 1;
    const trimmed = raw.trim();
    if (trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const indented = /^\s/.test(raw);
    if (trimmed === "") {
      // configparser keeps blank lines inside a value (empty_lines_in_values) until the next key.
      value?.lines.push("");
      continue;
    }
    if (indented && value !== undefined) {
      value.lines.push(trimmed);
      continue;
    }
    const header = /^\[([^\]]*)\]/.exec(trimmed);
    if (header !== null && !indented) {
      const name = header[1]!;
      if (names.has(name)) throw new IniError(`section [${name}] is declared twice`, lineNumber);
      names.add(name);
      current = { name, line: lineNumber, entries: new Map() };
      sections.push(current);
      value = undefined;
      continue;
    }
    if (current === undefined)
      throw new IniError("a key before any [section] header (configparser refuses the file)", lineNumber);
    const separator = trimmed.search(/[=:]/);
    if (separator <= 0)
      throw new IniError(
        `"${clip(trimmed)}" is neither a [section], a "key = value" nor a continuation line`,
        lineNumber,
      );
    const key = trimmed.slice(0, separator).trim().toLowerCase();
    if (current.entries.has(key))
      throw new IniError(`key "${key}" appears twice in section [${current.name}]`, lineNumber);
    const first = trimmed.slice(separator + 1).trim();
    value = { lines: first === "" ? [] : [first], line: lineNumber };
    current.entries.set(key, value);
  }
  return sections.map((section) => ({
    ...section,
    entries: new Map(
      [...section.entries].map(([key, entry]) => [
        key,
        { lines: trimTrailingBlank(entry.lines), line: entry.line },
      ]),
    ),
  }));
}

function trimTrailingBlank(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1] === "") end--;
  return lines.slice(0, end);
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
