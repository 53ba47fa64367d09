/**
 * A small TOML reader for the packaging keys of pyproject.toml: tables, arrays of tables,
 * dotted and quoted keys, strings of all four kinds, numbers, booleans, dates (kept as
 * text), arrays and inline tables. It returns undefined on a document it cannot read; the
 * resolver then simply ignores that file's settings.
 */

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

class TomlError extends Error {}

/** Arrays and inline tables within each other: real pyproject.toml files nest a few levels. */
export const MAX_TOML_NESTING = 100;

export function parseToml(text: string): TomlTable | undefined {
  try {
    return new TomlReader(text).document();
  } catch (error) {
    if (error instanceof TomlError) return undefined;
    throw error;
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;
const SCALAR = /[A-Za-z0-9_+.:-]/;

class TomlReader {
  private readonly text: string;
  private pos = 0;
  private depth = 0;

  constructor(text: string) {
    this.text = text;
  }

  document(): TomlTable {
    const root: TomlTable = {};
    let current = root;
    for (;;) {
      this.skipBlank();
      if (this.pos >= this.text.length) return root;
      if (this.text.startsWith("[[", this.pos)) {
        this.pos += 2;
        const path = this.keyPath("]");
        this.expect("]]");
        const parent = this.tableAt(root, path.slice(0, -1));
        const last = path[path.length - 1] ?? "";
        const list = parent[last] ?? [];
        if (!Array.isArray(list)) throw new TomlError("not an array of tables");
        const table: TomlTable = {};
        list.push(table);
        parent[last] = list;
        current = table;
      } else if (this.text[this.pos] === "[") {
        this.pos++;
        const path = this.keyPath("]");
        this.expect("]");
        current = this.tableAt(root, path);
      } else {
        this.keyValue(current);
      }
      this.endOfLine();
    }
  }

  private keyValue(table: TomlTable): void {
    const path = this.keyPath("=");
    this.expect("=");
    const value = this.value();
    const parent = this.tableAt(table, path.slice(0, -1));
    parent[path[path.length - 1] ?? ""] = value;
  }

  /** The table at `path` under `root`, created on the way; the last element of an array of tables. */
  private tableAt(root: TomlTable, path: readonly string[]): TomlTable {
    let table = root;
    for (const key of path) {
      let next = table[key];
      if (next === undefined) {
        next = {};
        table[key] = next;
      }
      if (Array.isArray(next)) next = next[next.length - 1] ?? {};
      if (typeof next !== "object") throw new TomlError(`key ${key} is not a table`);
      table = next as TomlTable;
    }
    return table;
  }

  private keyPath(terminator: string): string[] {
    const keys: string[] = [];
    for (;;) {
      this.skipSpaces();
      const c = this.text[this.pos];
      if (c === '"' || c === "'") keys.push(this.string());
      else {
        const start = this.pos;
        while (BARE_KEY.test(this.text[this.pos] ?? "")) this.pos++;
        if (this.pos === start) throw new TomlError("expected a key");
        keys.push(this.text.slice(start, this.pos));
      }
      this.skipSpaces();
      if (this.text[this.pos] === ".") {
        this.pos++;
        continue;
      }
      if (this.text[this.pos] !== terminator[0]) throw new TomlError("bad key");
      return keys;
    }
  }

  private value(): TomlValue {
    this.skipSpaces();
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.string();
    if (c === "[" || c === "{") {
      // Recursion per level: a hostile file of 100,000 `[` would overflow the stack.
      if (++this.depth > MAX_TOML_NESTING)
        throw new TomlError(`values nested deeper than ${MAX_TOML_NESTING} levels`);
      try {
        return c === "[" ? this.array() : this.inlineTable();
      } finally {
        this.depth--;
      }
    }
    const start = this.pos;
    while (SCALAR.test(this.text[this.pos] ?? "")) this.pos++;
    // dates with a space between date and time
    if (
      /^\d{4}-\d{2}-\d{2}$/.test(this.text.slice(start, this.pos)) &&
      this.text[this.pos] === " " &&
      /\d/.test(this.text[this.pos + 1] ?? "")
    ) {
      this.pos++;
      while (SCALAR.test(this.text[this.pos] ?? "")) this.pos++;
    }
    const raw = this.text.slice(start, this.pos);
    if (raw === "") throw new TomlError("expected a value");
    if (raw === "true") return true;
    if (raw === "false") return false;
    const number = Number(raw.replaceAll("_", ""));
    return Number.isNaN(number) ? raw : number;
  }

  private array(): TomlValue[] {
    this.pos++;
    const items: TomlValue[] = [];
    for (;;) {
      this.skipBlank();
      if (this.text[this.pos] === "]") {
        this.pos++;
        return items;
      }
      items.push(this.value());
      this.skipBlank();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "]") throw new TomlError("bad array");
    }
  }

  private inlineTable(): TomlTable {
    this.pos++;
    const table: TomlTable = {};
    for (;;) {
      this.skipBlank();
      if (this.text[this.pos] === "}") {
        this.pos++;
        return table;
      }
      this.keyValue(table);
      this.skipBlank();
      if (this.text[this.pos] === ",") this.pos++;
      else if (this.text[this.pos] !== "}") throw new TomlError("bad inline table");
    }
  }

  private string(): string {
    const quote = this.text[this.pos] ?? '"';
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const delimiter = triple ? quote.repeat(3) : quote;
    this.pos += delimiter.length;
    if (triple && this.text[this.pos] === "\n") this.pos++;
    let out = "";
    for (;;) {
      if (this.pos >= this.text.length) throw new TomlError("unterminated string");
      if (this.text.startsWith(delimiter, this.pos)) {
        this.pos += delimiter.length;
        return out;
      }
      const c = this.text[this.pos] ?? "";
      if (!triple && c === "\n") throw new TomlError("newline in string");
      if (c === "\\" && quote === '"') {
        const e = this.text[this.pos + 1] ?? "";
        const simple: Record<string, string> = {
          n: "\n",
          t: "\t",
          r: "\r",
          b: "\b",
          f: "\f",
          '"': '"',
          "\\": "\\",
        };
        if (simple[e] !== undefined) {
          out += simple[e];
          this.pos += 2;
        } else if (e === "u" || e === "U") {
          const digits = e === "u" ? 4 : 8;
          out += String.fromCodePoint(
            Number.parseInt(this.text.slice(this.pos + 2, this.pos + 2 + digits), 16),
          );
          this.pos += 2 + digits;
        } else if (triple && (e === "\n" || e === " " || e === "\r")) {
          this.pos++;
          while (/\s/.test(this.text[this.pos] ?? "")) this.pos++;
        } else throw new TomlError("bad escape");
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private expect(token: string): void {
    this.skipSpaces();
    if (!this.text.startsWith(token, this.pos)) throw new TomlError(`expected ${token}`);
    this.pos += token.length;
  }

  private endOfLine(): void {
    this.skipSpaces();
    const c = this.text[this.pos];
    if (c === "#") this.skipComment();
    else if (c !== undefined && c !== "\n" && c !== "\r") throw new TomlError("expected end of line");
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== "\n") this.pos++;
  }

  /** Spaces, newlines and comments. */
  private skipBlank(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") this.pos++;
      else if (c === "#") this.skipComment();
      else return;
    }
  }
}
