/**
 * oxc-parser, loaded on first use: it is native and big, and a run that parses no TS/JS file
 * (`check` on an empty or unchanged repository, a Python-only one) never needs it. Node 22.12+
 * loads an ES module synchronously through require (oxc-parser has no top-level await), so
 * the parse functions stay synchronous; it is the same module instance an `import` gets.
 */
import { createRequire } from "node:module";

type OxcParser = typeof import("oxc-parser");

let loaded: OxcParser | undefined;

export function oxcParser(): OxcParser {
  loaded ??= createRequire(import.meta.url)("oxc-parser") as OxcParser;
  return loaded;
}
