/**
 * A small INI reader for setup.cfg, pytest.ini and tox.ini (configparser style): sections,
 * `key = value` or `key: value`, indented continuation lines joined with "\n", comments
 * starting with `#` or `;`. Keys are lower-cased; values are trimmed.
 */
export type IniDocument = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function parseIni(text: string): IniDocument {
  const sections = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const rawLine of text.split(/\r\n|\r|\n/)) {
    const trimmed = rawLine.trim();
    if (trimmed === "" || trimmed.startsWith("#") || trimmed.startsWith(";")) continue;
    const header = /^\[([^\]]+)\]$/.exec(trimmed);
    if (header !== null) {
      const name = (header[1] ?? "").trim();
      section = sections.get(name) ?? new Map<string, string>();
      sections.set(name, section);
      lastKey = undefined;
      continue;
    }
    if (section === undefined) continue;
    if (/^\s/.test(rawLine) && lastKey !== undefined) {
      const previous = section.get(lastKey) ?? "";
      section.set(lastKey, previous === "" ? trimmed : `${previous}\n${trimmed}`);
      continue;
    }
    const separator = trimmed.search(/[=:]/);
    if (separator <= 0) continue;
    lastKey = trimmed.slice(0, separator).trim().toLowerCase();
    section.set(lastKey, trimmed.slice(separator + 1).trim());
  }
  return sections;
}
