import { parseSync } from "oxc-parser";
import { parse as parseYaml } from "yaml";
import { DEFAULT_MAX_NESTING_DEPTH, javaScriptNestingExcess, nestingMessage } from "../../guards/nesting.ts";
import {
  type AstNode,
  child,
  children,
  identifierName,
  memberPath,
  propertyKeyName,
  stringLiteral,
  walk,
} from "../steps/ast.ts";

/**
 * Reads cucumber-js's configuration file statically, the way `cucumber-js` picks it in the
 * working directory (the first of cucumber.js, .cjs, .mjs, .json, .yaml, .yml), and returns the
 * default profile's `paths` (feature files) and `require` + `import` (support code) as globs.
 * JavaScript configs are parsed, never run: `module.exports = { default: {...} }`,
 * `export default {...}` (the default profile itself), `exports.default = ...`, a `const`
 * they name, `defineConfig(...)`, and argv-style string profiles. Anything computed is skipped.
 */

export const CUCUMBER_CONFIG_FILES = [
  "cucumber.js",
  "cucumber.cjs",
  "cucumber.mjs",
  "cucumber.json",
  "cucumber.yaml",
  "cucumber.yml",
] as const;

export const CUCUMBER_DEFAULT_FEATURES = ["features/**/*.{feature,feature.md}"];

export interface CucumberConfig {
  readonly file: string;
  /** Feature globs of the default profile; null when it sets none (cucumber's default applies). */
  readonly paths: readonly string[] | null;
  /** Support-code globs (`require` and `import`); null when it sets none. */
  readonly support: readonly string[] | null;
  /** Why (part of) the profile could not be read statically. */
  readonly problem: string | null;
}

type Profile = { paths: string[]; require: string[]; import: string[] };

const UNREADABLE = Symbol("unreadable");
type Value = unknown | typeof UNREADABLE;

export function readCucumberConfig(read: (path: string) => string | undefined): CucumberConfig | null {
  for (const file of CUCUMBER_CONFIG_FILES) {
    const text = read(file);
    if (text === undefined) continue;
    try {
      const profiles = file.endsWith(".json")
        ? (JSON.parse(text) as unknown)
        : /\.ya?ml$/.test(file)
          ? (parseYaml(text, { maxAliasCount: 100 }) as unknown)
          : javaScriptProfiles(file, text);
      return fromProfiles(file, profiles);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { file, paths: null, support: null, problem: message };
    }
  }
  return null;
}

function fromProfiles(file: string, profiles: Value): CucumberConfig {
  if (profiles === UNREADABLE)
    return { file, paths: null, support: null, problem: "the exported value is computed" };
  const value = isRecord(profiles) ? profiles.default : undefined;
  if (value === undefined) return { file, paths: null, support: null, problem: null };
  const profile =
    typeof value === "string" ? argvProfile(value) : isRecord(value) ? objectProfile(value) : null;
  if (!profile) return { file, paths: null, support: null, problem: "the default profile is computed" };
  const paths = profile.paths.map((path) => toGlob(path, "feature"));
  const support = [
    ...profile.require.map((path) => toGlob(path, "js")),
    ...profile.import.map((path) => toGlob(path, "{js,cjs,mjs}")),
  ];
  return {
    file,
    paths: paths.length > 0 ? paths : null,
    support: support.length > 0 ? support : null,
    problem: null,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function objectProfile(value: Record<string, unknown>): Profile {
  return { paths: strings(value.paths), require: strings(value.require), import: strings(value.import) };
}

/** `--require a --import b -r c features/x.feature` as cucumber's argv parser reads it. */
function argvProfile(value: string): Profile {
  const profile: Profile = { paths: [], require: [], import: [] };
  const words = value.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  const unquote = (word: string) => word.replace(/^(["'])(.*)\1$/, "$2");
  for (let index = 0; index < words.length; index++) {
    const word = words[index] ?? "";
    const [flag, inline] = word.includes("=") ? word.split(/=(.*)/s) : [word, undefined];
    const next = () => unquote(inline ?? words[++index] ?? "");
    if (flag === "--require" || flag === "-r") profile.require.push(next());
    else if (flag === "--import" || flag === "-i") profile.import.push(next());
    else if (word.startsWith("-")) {
      // Options with a value: skip it unless it is the next option.
      if (inline === undefined && words[index + 1] !== undefined && !words[index + 1]?.startsWith("-"))
        index++;
    } else profile.paths.push(unquote(word));
  }
  return profile;
}

/** A path as cucumber expands it: a directory means everything below it with the default extension. */
function toGlob(path: string, extension: string): string {
  let glob = path.replace(/(:\d+)+$/, "").replace(/^\.\//, "");
  if (glob.endsWith("/")) glob = glob.slice(0, -1);
  const last = glob.slice(glob.lastIndexOf("/") + 1);
  if (!last.includes(".") && !/[*?[{]/.test(last)) glob = `${glob}/**/*.${extension}`;
  return glob;
}

function javaScriptProfiles(file: string, text: string): Value {
  // The native parser would overflow its stack (a process crash, not an exception).
  const excess = javaScriptNestingExcess(text, DEFAULT_MAX_NESTING_DEPTH);
  if (excess !== null) throw new Error(nestingMessage(excess));
  const result = parseSync(file, text, { lang: "js", sourceType: "unambiguous" });
  const program = result.program as unknown as AstNode;
  const constants = new Map<string, AstNode>();
  for (const statement of children(program, "body")) {
    const declaration =
      statement.type === "ExportNamedDeclaration" ? child(statement, "declaration") : statement;
    if (declaration?.type !== "VariableDeclaration") continue;
    for (const declarator of children(declaration, "declarations")) {
      const name = identifierName(child(declarator, "id"));
      const init = child(declarator, "init");
      if (name && init) constants.set(name, init);
    }
  }
  let exported: Value;
  walk(program, (node) => {
    if (node.type === "ExportDefaultDeclaration") {
      // ESM: the module namespace's `default` is the default profile.
      exported = { default: evaluate(child(node, "declaration"), constants, 0) };
    } else if (node.type === "AssignmentExpression" && node.operator === "=") {
      const target = memberPath(child(node, "left"));
      const value = evaluate(child(node, "right"), constants, 0);
      if (target === "module.exports") exported = value;
      else if (target === "module.exports.default" || target === "exports.default")
        exported = { ...(isRecord(exported) ? exported : {}), default: value };
    }
  });
  return exported;
}

const MAX_DEPTH = 16;

/** The value of a literal expression; UNREADABLE for anything that would need running code. */
function evaluate(node: AstNode | null, constants: ReadonlyMap<string, AstNode>, depth: number): Value {
  if (!node || depth > MAX_DEPTH) return UNREADABLE;
  const literal = stringLiteral(node);
  if (literal !== null) return literal;
  switch (node.type) {
    case "Literal":
      return node.value;
    case "ArrayExpression":
      return children(node, "elements").map((element) => evaluate(element, constants, depth + 1));
    case "ObjectExpression": {
      // No prototype: a key named __proto__ in analysed code stays a plain key.
      const object: Record<string, Value> = Object.create(null);
      for (const property of children(node, "properties")) {
        if (property.type === "SpreadElement") {
          const spread = evaluate(child(property, "argument"), constants, depth + 1);
          if (isRecord(spread)) Object.assign(object, spread);
          continue;
        }
        const key = propertyKeyName(child(property, "key"));
        if (key !== null) object[key] = evaluate(child(property, "value"), constants, depth + 1);
      }
      return object;
    }
    case "Identifier": {
      const target = constants.get(identifierName(node) ?? "");
      return target ? evaluate(target, constants, depth + 1) : UNREADABLE;
    }
    case "CallExpression": {
      // defineConfig({...}) returns its argument.
      const [argument] = children(node, "arguments");
      return identifierName(child(node, "callee")) === "defineConfig"
        ? evaluate(argument ?? null, constants, depth + 1)
        : UNREADABLE;
    }
    case "TSAsExpression":
    case "TSSatisfiesExpression":
    case "ParenthesizedExpression":
      return evaluate(child(node, "expression"), constants, depth + 1);
    default:
      return UNREADABLE;
  }
}
