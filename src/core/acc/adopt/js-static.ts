/**
 * Reads the value a JavaScript config module exports WITHOUT running it: the module is
 * parsed with oxc and only literals are evaluated — strings, numbers, booleans, null,
 * arrays, objects, spreads, template literals, `+`, constants declared at the top level,
 * `require("./x")` / `import x from "./x"` of other files of the repository, `.join()`,
 * `.concat()`, `/re/.source` and `fileURLToPath(new URL("x", import.meta.url))`. Anything
 * else (a call, a condition, a function, a package outside the repository unless the caller
 * provides it) becomes an Opaque value carrying the file and line that made it so; the
 * static rest of the config stays usable.
 *
 * Work is bounded: at most MAX_MODULES modules, MAX_SOURCE_LENGTH characters each, and
 * MAX_STEPS evaluation steps per read.
 */
import type { parseSync } from "oxc-parser";
import { oxcParser } from "../languages/oxc-loader.ts";
import { parseJsonc } from "../resolve/ts-jsonc.ts";

/**
 * A value the reader could not evaluate (a call, a condition…): kept in place so that the
 * parts of a config that ARE static stay usable; a caller that needs it reports `reason`.
 */
export class Opaque {
  readonly reason: NotStatic;
  constructor(reason: NotStatic) {
    this.reason = reason;
  }
}

export type StaticValue =
  | Opaque
  | null
  | undefined
  | boolean
  | number
  | string
  | readonly StaticValue[]
  | { readonly [key: string]: StaticValue };

export class NotStatic extends Error {
  readonly file: string;
  readonly line: number | null;
  readonly reason: string;
  constructor(file: string, line: number | null, reason: string) {
    super(`${file}${line === null ? "" : `:${line}`}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/**
 * The repository's files as the reader sees them: the text, null when there is no such file,
 * undefined when it has not been read yet (the reader then throws FileNeeded; the caller
 * reads the file and starts again — see readStatic).
 */
export type FileSource = (path: string) => string | null | undefined;

/** Thrown when the reader needs a file the source has not read yet. */
export class FileNeeded extends Error {
  readonly path: string;
  constructor(path: string) {
    super(`file needed: ${path}`);
    this.path = path;
  }
}

/** Where an object of a read value was written (file and line), for notices. */
const origins = new WeakMap<object, { file: string; line: number }>();

export function originOf(value: StaticValue): { file: string; line: number } | null {
  return typeof value === "object" && value !== null ? (origins.get(value) ?? null) : null;
}

/** `target` with the origin of `source` (a merged copy of a rule keeps where the rule was written). */
export function keepOrigin<T extends object>(target: T, source: StaticValue): T {
  const origin = originOf(source);
  if (origin !== null) origins.set(target, origin);
  return target;
}

export interface StaticReadOptions {
  /** The value of a module outside the repository (`require("pkg/x")`), or undefined when unknown. */
  readonly external?: (specifier: string) => StaticValue | undefined;
}

const MAX_MODULES = 50;
const MAX_SOURCE_LENGTH = 512 * 1024;
const MAX_STEPS = 200_000;

interface Node {
  readonly type: string;
  readonly start: number;
  readonly [key: string]: unknown;
}

interface ModuleRecord {
  readonly path: string;
  readonly source: string;
  /** Top-level bindings: the declaring node (evaluated on demand). */
  readonly bindings: Map<string, Binding>;
  readonly values: Map<string, StaticValue>;
  readonly evaluating: Set<string>;
  exported: { default?: Node; named: Map<string, Node>; cjs: Node[] };
}

type Binding =
  | { kind: "init"; node: Node }
  | { kind: "import"; specifier: string; imported: string | "*" | "default"; node: Node }
  | { kind: "pattern"; init: Node; key: string; node: Node };

/** A URL made by `new URL(relative, import.meta.url)`: a repository path. */
const URL_MARK = "\u0000url:";

/** The repository-relative file a relative specifier names (extensions probed like Node's require). */
export function resolveRepoSpecifier(files: FileSource, fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith("./") && !specifier.startsWith("../") && !specifier.startsWith("/")) return null;
  const base = specifier.startsWith("/") ? specifier.slice(1) : joinPath(dirname(fromFile), specifier);
  if (base === null) return null;
  for (const candidate of [
    base,
    ...[".js", ".cjs", ".mjs", ".json", ".ts", ".cts", ".mts"].map((ext) => base + ext),
    `${base}/index.js`,
    `${base}/index.cjs`,
    `${base}/index.json`,
  ])
    if (text(files, candidate) !== null) return candidate;
  return null;
}

/** The text of a file of the source (null: absent); throws FileNeeded when it is not read yet. */
export function text(files: FileSource, path: string): string | null {
  const found = files(path);
  if (found === undefined) throw new FileNeeded(path);
  return found;
}

export function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** `dir` joined with a relative path, normalised; null when it climbs above the repository. */
export function joinPath(dir: string, relative: string): string | null {
  const parts = dir === "" ? [] : dir.split("/");
  for (const part of relative.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join("/");
}

/** Reads the exported values of config modules of one repository (files: path → text). */
export class StaticReader {
  private readonly modules = new Map<string, ModuleRecord>();
  private steps = 0;

  private readonly files: FileSource;
  private readonly options: StaticReadOptions;

  constructor(files: FileSource, options: StaticReadOptions = {}) {
    this.files = files;
    this.options = options;
  }

  /** The module's exported value: `module.exports`, else `export default`, else its named exports. */
  exportsOf(path: string): StaticValue {
    if (path.endsWith(".json")) return this.json(path);
    const record = this.module(path);
    const { exported } = record;
    if (exported.cjs.length > 0) return this.cjsExports(record);
    if (exported.default) return this.evaluate(record, exported.default);
    const named: Record<string, StaticValue> = {};
    for (const [name, node] of exported.named) named[name] = this.evaluate(record, node);
    return named;
  }

  private json(path: string): StaticValue {
    const content = text(this.files, path);
    if (content === null) throw new NotStatic(path, null, "file not found");
    const value = parseJsonc(content);
    if (value === undefined) throw new NotStatic(path, null, "not valid JSON");
    return value as StaticValue;
  }

  private module(path: string): ModuleRecord {
    const known = this.modules.get(path);
    if (known) return known;
    if (this.modules.size >= MAX_MODULES)
      throw new NotStatic(path, null, `more than ${MAX_MODULES} config modules`);
    const source = text(this.files, path);
    if (source === null) throw new NotStatic(path, null, "file not found");
    if (source.length > MAX_SOURCE_LENGTH)
      throw new NotStatic(path, null, `larger than ${MAX_SOURCE_LENGTH} characters`);
    const lang = /\.[cm]?ts$/.test(path) ? "ts" : "js";
    const sourceType = path.endsWith(".cjs") || path.endsWith(".cts") ? "script" : "module";
    const parsed = oxcParser().parseSync(path, source, { lang, sourceType } as Parameters<
      typeof parseSync
    >[2]) as unknown as {
      program: { body: Node[] };
      errors: { message: string; labels?: { start: number }[] }[];
    };
    if (parsed.errors.length > 0) {
      const first = parsed.errors[0]!;
      throw new NotStatic(
        path,
        lineAt(source, first.labels?.[0]?.start ?? 0),
        `syntax error: ${first.message}`,
      );
    }
    const record: ModuleRecord = {
      path,
      source,
      bindings: new Map(),
      values: new Map(),
      evaluating: new Set(),
      exported: { named: new Map(), cjs: [] },
    };
    this.modules.set(path, record);
    for (const statement of parsed.program.body) this.declareStatement(record, statement);
    return record;
  }

  private declareStatement(record: ModuleRecord, statement: Node): void {
    switch (statement.type) {
      case "VariableDeclaration":
        this.declareVariables(record, statement);
        return;
      case "ImportDeclaration": {
        const specifier = (statement.source as { value: string }).value;
        for (const spec of (statement.specifiers as Node[]) ?? []) {
          const local = (spec.local as { name: string }).name;
          const imported =
            spec.type === "ImportDefaultSpecifier"
              ? "default"
              : spec.type === "ImportNamespaceSpecifier"
                ? "*"
                : nameOf(spec.imported as Node);
          record.bindings.set(local, { kind: "import", specifier, imported, node: spec });
        }
        return;
      }
      case "ExportDefaultDeclaration":
        record.exported.default = statement.declaration as Node;
        return;
      case "ExportNamedDeclaration": {
        const declaration = statement.declaration as Node | null;
        if (declaration?.type === "VariableDeclaration") {
          this.declareVariables(record, declaration);
          for (const declarator of declaration.declarations as Node[]) {
            const id = declarator.id as Node;
            if (id.type === "Identifier") record.exported.named.set(nameOf(id), id);
          }
        }
        for (const spec of (statement.specifiers as Node[]) ?? []) {
          const exportedName = nameOf(spec.exported as Node);
          const local = spec.local as Node;
          if (exportedName === "default") record.exported.default = local;
          else record.exported.named.set(exportedName, local);
        }
        return;
      }
      case "ExpressionStatement": {
        const expression = unwrap(statement.expression as Node);
        if (expression.type === "AssignmentExpression" && expression.operator === "=") {
          const target = expression.left as Node;
          if (isModuleExports(target) || isExportsMember(target)) record.exported.cjs.push(expression);
        }
        return;
      }
      default:
        return;
    }
  }

  private declareVariables(record: ModuleRecord, declaration: Node): void {
    for (const declarator of declaration.declarations as Node[]) {
      const id = declarator.id as Node;
      const init = declarator.init as Node | null;
      if (init === null) continue;
      if (id.type === "Identifier") record.bindings.set(nameOf(id), { kind: "init", node: init });
      else if (id.type === "ObjectPattern")
        for (const property of id.properties as Node[]) {
          if (property.type !== "Property") continue;
          const value = property.value as Node;
          if (value.type !== "Identifier") continue;
          record.bindings.set(nameOf(value), {
            kind: "pattern",
            init,
            key: nameOf(property.key as Node),
            node: property,
          });
        }
    }
  }

  private cjsExports(record: ModuleRecord): StaticValue {
    let value: StaticValue = {};
    for (const assignment of record.exported.cjs) {
      const target = assignment.left as Node;
      const right = this.evaluate(record, assignment.right as Node);
      if (isModuleExports(target)) value = right;
      else if (value instanceof Opaque) continue;
      else {
        if (!isPlainObject(value)) return this.opaque(record, assignment, "exports assigned to a non-object");
        value = { ...value, [memberName(target)]: right };
      }
    }
    return value;
  }

  private binding(record: ModuleRecord, name: string, at: Node): StaticValue {
    if (record.values.has(name)) return record.values.get(name);
    const binding = record.bindings.get(name);
    if (!binding) {
      if (name === "undefined") return undefined;
      return this.opaque(record, at, `"${name}" is not a constant of this file`);
    }
    if (record.evaluating.has(name)) return this.opaque(record, at, `"${name}" refers to itself`);
    record.evaluating.add(name);
    let value: StaticValue;
    try {
      if (binding.kind === "init") value = this.evaluate(record, binding.node);
      else if (binding.kind === "pattern") {
        const whole = this.evaluate(record, binding.init);
        if (whole instanceof Opaque) return whole;
        if (!isPlainObject(whole)) return this.opaque(record, binding.node, "destructuring a non-object");
        value = whole[binding.key];
      } else {
        const module = this.load(record, binding.specifier, binding.node);
        if (module instanceof Opaque) value = module;
        else if (binding.imported === "*" || binding.imported === "default") value = module;
        else {
          if (!isPlainObject(module))
            return this.opaque(record, binding.node, "named import of a non-object");
          value = module[binding.imported];
        }
      }
    } finally {
      record.evaluating.delete(name);
    }
    record.values.set(name, value);
    return value;
  }

  /** The exported value of another module, named as the code names it. */
  private load(record: ModuleRecord, specifier: string, at: Node): StaticValue {
    const path = resolveRepoSpecifier(this.files, record.path, specifier);
    if (path !== null) return this.exportsOf(path);
    const external = this.options.external?.(specifier);
    if (external !== undefined) return external;
    return this.opaque(record, at, `"${specifier}" is neither a file of the repository nor a known preset`);
  }

  private fail(record: ModuleRecord, node: Node, reason: string): NotStatic {
    return new NotStatic(record.path, lineAt(record.source, node.start), reason);
  }

  private opaque(record: ModuleRecord, node: Node, reason: string): Opaque {
    return new Opaque(this.fail(record, node, reason));
  }

  private evaluate(record: ModuleRecord, raw: Node): StaticValue {
    if (++this.steps > MAX_STEPS) throw this.fail(record, raw, "too large to evaluate");
    const node = unwrap(raw);
    switch (node.type) {
      case "Literal": {
        if ((node as { regex?: unknown }).regex !== undefined)
          return this.opaque(record, node, "a regular expression literal (use a string)");
        return node.value as StaticValue;
      }
      case "TemplateLiteral": {
        const quasis = node.quasis as { value: { cooked: string | null } }[];
        const expressions = node.expressions as Node[];
        let text = "";
        for (let i = 0; i < quasis.length; i++) {
          text += quasis[i]!.value.cooked ?? "";
          if (i >= expressions.length) continue;
          const part = this.scalarText(record, expressions[i]!);
          if (part instanceof Opaque) return part;
          text += part;
        }
        return text;
      }
      case "Identifier":
        return this.binding(record, nameOf(node), node);
      case "ArrayExpression": {
        const out: StaticValue[] = [];
        for (const element of node.elements as (Node | null)[]) {
          if (element === null) return this.opaque(record, node, "an array with holes");
          if (element.type === "SpreadElement") {
            const spread = this.evaluate(record, element.argument as Node);
            if (spread instanceof Opaque) return spread;
            if (!Array.isArray(spread))
              return this.opaque(record, element, "spreading a non-array into an array");
            out.push(...(spread as StaticValue[]));
          } else out.push(this.evaluate(record, element));
        }
        return out;
      }
      case "ObjectExpression": {
        const out: Record<string, StaticValue> = {};
        origins.set(out, { file: record.path, line: lineAt(record.source, node.start) });
        for (const property of node.properties as Node[]) {
          if (property.type === "SpreadElement") {
            const spread = this.evaluate(record, property.argument as Node);
            if (spread instanceof Opaque) return spread;
            if (spread === undefined || spread === null) continue;
            if (!isPlainObject(spread))
              return this.opaque(record, property, "spreading a non-object into an object");
            Object.assign(out, spread);
            continue;
          }
          if (property.kind !== "init" || property.method === true)
            return this.opaque(record, property, "a method or accessor in an object");
          const key = property.computed
            ? this.scalarText(record, property.key as Node)
            : nameOf(property.key as Node);
          if (key instanceof Opaque) return key;
          out[key] = this.evaluate(record, property.value as Node);
        }
        return out;
      }
      case "MemberExpression": {
        const object = unwrap(node.object as Node);
        const key = node.computed
          ? this.scalarText(record, node.property as Node)
          : nameOf(node.property as Node);
        if (key instanceof Opaque) return key;
        if (
          object.type === "Literal" &&
          (object as { regex?: { pattern: string } }).regex &&
          key === "source"
        )
          return (object as unknown as { regex: { pattern: string } }).regex.pattern;
        const value = this.evaluate(record, object);
        if (value instanceof Opaque) return value;
        if (Array.isArray(value) && key === "length") return value.length;
        if (typeof value === "string" && key === "length") return value.length;
        if (Array.isArray(value) && /^\d+$/.test(key)) return (value as StaticValue[])[Number(key)];
        if (isPlainObject(value)) return Object.hasOwn(value, key) ? value[key] : undefined;
        return this.opaque(record, node, `reading "${key}" of a ${value === null ? "null" : typeof value}`);
      }
      case "BinaryExpression": {
        if (node.operator !== "+") return this.opaque(record, node, `the operator ${String(node.operator)}`);
        const left = this.evaluate(record, node.left as Node);
        const right = this.evaluate(record, node.right as Node);
        if (left instanceof Opaque) return left;
        if (right instanceof Opaque) return right;
        if (typeof left === "number" && typeof right === "number") return left + right;
        if (
          (typeof left === "string" || typeof left === "number") &&
          (typeof right === "string" || typeof right === "number")
        )
          return String(left) + String(right);
        return this.opaque(record, node, "+ on values other than strings and numbers");
      }
      case "CallExpression":
        return this.call(record, node);
      case "NewExpression":
        return this.newUrl(record, node);
      default:
        return this.opaque(record, node, `a ${describeNode(node.type)} is not a static value`);
    }
  }

  private call(record: ModuleRecord, node: Node): StaticValue {
    const callee = unwrap(node.callee as Node);
    const args = node.arguments as Node[];
    if (callee.type === "Identifier" && nameOf(callee) === "require" && !record.bindings.has("require")) {
      const first = args[0] ? unwrap(args[0]) : null;
      if (args.length !== 1 || first?.type !== "Literal" || typeof first.value !== "string")
        return this.opaque(record, node, "require() of something other than a string");
      return this.load(record, first.value, node);
    }
    if (callee.type === "Identifier" && nameOf(callee) === "fileURLToPath" && args.length === 1) {
      const url = this.evaluate(record, args[0]!);
      if (typeof url === "string" && url.startsWith(URL_MARK)) return url.slice(URL_MARK.length);
    }
    if (callee.type === "MemberExpression" && !callee.computed) {
      const method = nameOf(callee.property as Node);
      const target = this.evaluate(record, callee.object as Node);
      if (target instanceof Opaque) return target;
      if (Array.isArray(target) && method === "join") {
        const separator = args.length === 0 ? "," : this.evaluate(record, args[0]!);
        if (separator instanceof Opaque) return separator;
        if (typeof separator !== "string")
          return this.opaque(record, node, "join() with a non-string separator");
        return (target as StaticValue[])
          .map((item) => (item === null || item === undefined ? "" : String(item)))
          .join(separator);
      }
      if (Array.isArray(target) && method === "concat") {
        const out: StaticValue[] = [...(target as StaticValue[])];
        for (const arg of args) {
          const value = this.evaluate(record, arg);
          if (value instanceof Opaque) return value;
          if (Array.isArray(value)) out.push(...(value as StaticValue[]));
          else out.push(value);
        }
        return out;
      }
    }
    return this.opaque(record, node, "a function call is not a static value");
  }

  /** `new URL("relative", import.meta.url)`: the repository path it names. */
  private newUrl(record: ModuleRecord, node: Node): StaticValue {
    const callee = unwrap(node.callee as Node);
    const args = node.arguments as Node[];
    const base = args[1] ? unwrap(args[1]) : null;
    if (
      callee.type === "Identifier" &&
      nameOf(callee) === "URL" &&
      args.length === 2 &&
      base?.type === "MemberExpression" &&
      unwrap(base.object as Node).type === "MetaProperty" &&
      nameOf(base.property as Node) === "url"
    ) {
      const relative = this.evaluate(record, args[0]!);
      if (typeof relative === "string") {
        const joined = joinPath(dirname(record.path), relative);
        if (joined !== null) return URL_MARK + joined;
      }
    }
    return this.opaque(record, node, "a `new` expression is not a static value");
  }

  private scalarText(record: ModuleRecord, node: Node): string | Opaque {
    const value = this.evaluate(record, node);
    if (value instanceof Opaque) return value;
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean")
      return String(value);
    return this.opaque(record, node, "a non-scalar value inside a string");
  }
}

function unwrap(node: Node): Node {
  let current = node;
  while (
    current.type === "ParenthesizedExpression" ||
    current.type === "TSAsExpression" ||
    current.type === "TSSatisfiesExpression" ||
    current.type === "TSNonNullExpression" ||
    current.type === "ChainExpression"
  )
    current = current.expression as Node;
  return current;
}

function nameOf(node: Node): string {
  if (node.type === "Identifier") return (node as unknown as { name: string }).name;
  if (node.type === "Literal") return String(node.value);
  return "";
}

function isModuleExports(node: Node): boolean {
  return (
    node.type === "MemberExpression" &&
    !node.computed &&
    nameOf(node.object as Node) === "module" &&
    nameOf(node.property as Node) === "exports"
  );
}

function isExportsMember(node: Node): boolean {
  if (node.type !== "MemberExpression") return false;
  const object = node.object as Node;
  return (object.type === "Identifier" && nameOf(object) === "exports") || isModuleExports(object);
}

function memberName(node: Node): string {
  return nameOf(node.property as Node);
}

export function isPlainObject(value: StaticValue): value is { readonly [key: string]: StaticValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Opaque);
}

function describeNode(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase();
}

const lineStarts = new Map<string, number[]>();

/** The 1-based line of an offset (line starts computed once per source text). */
function lineAt(source: string, offset: number): number {
  let starts = lineStarts.get(source);
  if (!starts) {
    starts = [0];
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) starts.push(i + 1);
    if (lineStarts.size > 64) lineStarts.clear();
    lineStarts.set(source, starts);
  }
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}
