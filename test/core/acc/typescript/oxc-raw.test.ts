import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { oxcParser } from "../../../../src/core/acc/languages/oxc-loader.ts";
import { RAW_LAYOUT_VERSION, rawRecordParser } from "../../../../src/core/acc/languages/oxc-raw.ts";

const lines = (...source: string[]) => source.join("\n");

/** Sources whose module record and errors exercise every field the reader reads. */
const SOURCES: Record<string, string> = {
  "plain.ts": lines(
    'import a from "./a";',
    'import type { B } from "./b";',
    'import { type C, d } from "./c";',
    'import "./side";',
    'import {} from "./empty";',
    'export { e } from "./e";',
    'export type { F } from "./f";',
    'export * from "./all";',
    'export * as ns from "./ns";',
    "export { a as alias };",
    "export const local = 1;",
    "export default a;",
    'const later = import("./lazy");',
  ),
  "non-ascii.ts": lines(
    'import été from "./été";',
    'import { 名前 } from "./名前/模块";',
    'export * from "./\\u00e9t\\u00e9";',
    'import x from "./a-long-path-beyond-fifty-bytes/with-an-accent-é/and/more/segments";',
    "// ✓ commentaire",
  ),
  "errors.ts": lines('import a from "./a";', "const = 1;", "export { b } from", 'import c from "./c";'),
  "empty.ts": "",
  "bom.ts": '\uFEFFimport a from "./a";',
  "script.js": lines('const a = require("./a");', "module.exports = a;"),
};

interface Span {
  start: number;
  end: number;
}
interface Parsed {
  module: {
    staticImports: (Span & { moduleRequest: Span & { value: string }; entries: { isType: boolean }[] })[];
    staticExports: (Span & {
      entries: (Span & { moduleRequest: (Span & { value: string }) | null; isType: boolean })[];
    })[];
    dynamicImports: Span[];
  };
  errors: { message: string; labels: Span[] }[];
}

/** The fields the reader reads (oxc's objects have more). */
function fieldsRead({ module, errors }: Parsed) {
  const span = ({ start, end }: Span) => ({ start, end });
  return {
    staticImports: module.staticImports.map((item) => ({
      ...span(item),
      moduleRequest: { ...span(item.moduleRequest), value: item.moduleRequest.value },
      entries: item.entries.map(({ isType }) => ({ isType })),
    })),
    staticExports: module.staticExports.map((item) => ({
      ...span(item),
      entries: item.entries.map((entry) => ({
        ...span(entry),
        moduleRequest:
          entry.moduleRequest === null
            ? null
            : { ...span(entry.moduleRequest), value: entry.moduleRequest.value },
        isType: entry.isType,
      })),
    })),
    dynamicImports: module.dynamicImports.map(span),
    errors: errors.map(({ message, labels }) => ({ message, labels: labels.map(span) })),
  };
}

function official(path: string, source: string): Parsed {
  const raw = oxcParser().parseSync(path, source, {
    lang: path.endsWith(".js") ? "jsx" : "ts",
    sourceType: "module",
    experimentalLazy: true,
  } as never) as unknown as {
    module: { staticImports: object[]; staticExports: object[]; dynamicImports: object[] };
    errors: object[];
    dispose(): void;
  };
  const module = raw.module;
  const copy = JSON.parse(
    JSON.stringify({
      module: {
        staticImports: module.staticImports,
        staticExports: module.staticExports,
        dynamicImports: module.dynamicImports,
      },
      errors: raw.errors,
    }),
  ) as Parsed;
  raw.dispose();
  return copy;
}

describe("oxc-raw: the module record read from oxc's transfer buffer", () => {
  it("is read for the installed oxc-parser (its layout is the one the offsets describe)", () => {
    const require = createRequire(import.meta.url);
    const { version } = require(
      require.resolve("oxc-parser").replace(/src-js\/index\.js$/, "package.json"),
    ) as {
      version: string;
    };
    // On another version the reader steps aside (slower, same results): re-derive the offsets
    // from src-js/generated/lazy/constructors.js, then bump RAW_LAYOUT_VERSION.
    expect(version).toBe(RAW_LAYOUT_VERSION);
    expect(rawRecordParser()).toBeDefined();
  });

  it.each(Object.entries(SOURCES))("reads what oxc's lazy objects give for %s", (path, source) => {
    const parse = rawRecordParser()!.parse(path, source, {
      lang: path.endsWith(".js") ? "jsx" : "ts",
      sourceType: "module",
      experimentalLazy: true,
    });
    const mine = { module: parse.module, errors: parse.errors };
    parse.dispose();
    const theirs = official(path, source);
    expect(fieldsRead(JSON.parse(JSON.stringify(mine)) as Parsed)).toEqual(fieldsRead(theirs));
  });

  it("walks the program with oxc's lazy walker", () => {
    const parse = rawRecordParser()!.parse("w.ts", 'const a = require("./a");\nf(import("./b"));', {
      lang: "ts",
      sourceType: "module",
      experimentalLazy: true,
    });
    const seen: string[] = [];
    parse.visit({
      CallExpression(node: { callee: { name?: string } }) {
        seen.push(`call ${node.callee.name}`);
      },
      ImportExpression(node: { source: { value: string } }) {
        seen.push(`import ${node.source.value}`);
      },
    });
    parse.dispose();
    parse.dispose();
    expect(seen).toEqual(["call require", "call f", "import ./b"]);
  });
});
