/**
 * A reader for the JSON-with-comments that tsconfig.json and jsconfig.json allow: `//` and
 * block comments and trailing commas are removed outside strings, then JSON.parse does the
 * rest. Returns undefined for text that is still not JSON.
 */
export function parseJsonc(text: string): unknown {
  try {
    return JSON.parse(stripJsonc(text));
  } catch {
    return undefined;
  }
}

/** Comments become spaces (keeping offsets); a comma before `}` or `]` is dropped. */
export function stripJsonc(text: string): string {
  let out = "";
  let pendingComma = "";
  let index = 0;
  const flushComma = () => {
    out += pendingComma;
    pendingComma = "";
  };
  while (index < text.length) {
    const char = text[index] as string;
    if (char === '"') {
      flushComma();
      const end = endOfString(text, index);
      out += text.slice(index, end);
      index = end;
    } else if (char === "/" && text[index + 1] === "/") {
      const newline = text.indexOf("\n", index);
      index = newline === -1 ? text.length : newline;
    } else if (char === "/" && text[index + 1] === "*") {
      const close = text.indexOf("*/", index + 2);
      index = close === -1 ? text.length : close + 2;
    } else if (char === ",") {
      flushComma();
      pendingComma = ",";
      index++;
    } else if (char === "}" || char === "]") {
      pendingComma = "";
      out += char;
      index++;
    } else if (char === " " || char === "\t" || char === "\n" || char === "\r") {
      out += char;
      index++;
    } else {
      flushComma();
      out += char;
      index++;
    }
  }
  return out + pendingComma;
}

function endOfString(text: string, open: number): number {
  let index = open + 1;
  while (index < text.length) {
    const char = text[index];
    if (char === "\\") index += 2;
    else if (char === '"') return index + 1;
    else index++;
  }
  return text.length;
}
