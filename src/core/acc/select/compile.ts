/**
 * Selectors compiled against one graph. A file match yields its UNIT (which listed module,
 * component or capture values it belongs to: rules such as independence and forbidden
 * compare units) and its captures (named `{name}` glob parts, regex groups as "1", "2", …
 * and named groups), which the other side of a rule may refer to: `{name}` in a glob, `$1` or
 * `${name}` in a regex (dependency-cruiser's group matching). Results are cached per node.
 */
import { compileGlob } from "../components.ts";
import type { Language, ResolvedImport } from "../model.ts";
import { importsPackage } from "../rules/packages.ts";
import { captureGlobRegex, globCaptureNames } from "./capture-glob.ts";
import { moduleExpressionRegex } from "./module-expression.ts";
import type { Atom, Selector, Term } from "./parse.ts";
import { type ConfigRegex, compileConfigRegex, configRegexGroups, wildcardRegex } from "./regex.ts";
import type { DeclaredClass } from "./schema.ts";

export type Bindings = Readonly<Record<string, string>>;

export interface FileMatch {
  readonly unit: string;
  readonly bindings: Bindings;
}

/** What selectors read from the analysed project. */
export interface SelectionContext {
  readonly names: readonly string[];
  readonly component: readonly (string | null)[];
  readonly language: readonly (Language | null)[];
  /** The dotted Python module name of a node, or null (not Python, or outside every source root). */
  moduleName(node: number): string | null;
  /** How the manifest nearest to `from` declares the package of `edge`. */
  declaredClasses(from: number, edge: ResolvedImport): readonly DeclaredClass[];
}

export interface CompileOptions {
  /** Module atoms include descendants (import-linter as_packages). Default true. */
  readonly asPackages?: boolean;
  /** Capture names the other side of the rule binds: references to them are substituted. */
  readonly outerNames?: ReadonlySet<string>;
}

const NO_BINDINGS: Bindings = Object.freeze({});

export class CompiledSelector {
  readonly selectsFiles: boolean;
  readonly selectsPackages: boolean;
  readonly selectsUnresolved: boolean;
  /** Whether matching depends on the other side's captures (then call `bound(…)`). */
  readonly refersToOuter: boolean;
  private readonly selector: Selector;
  private readonly ctx: SelectionContext;
  private readonly options: CompileOptions;
  private readonly terms: CompiledTerm[];
  /** Per node: its match, null for none, undefined when not computed yet (allocated on first use). */
  private cache: (FileMatch | null | undefined)[] | null = null;
  private readonly boundCache = new Map<string, CompiledSelector>();

  constructor(
    selector: Selector,
    ctx: SelectionContext,
    options: CompileOptions = {},
    bindings: Bindings | null = null,
  ) {
    this.selector = selector;
    this.ctx = ctx;
    this.options = options;
    this.terms = selector.map((term, i) => new CompiledTerm(term, i, ctx, options, bindings));
    this.selectsFiles = selector.some((term) => term.target === "file");
    this.selectsPackages = selector.some((term) => term.target === "package");
    this.selectsUnresolved = selector.some((term) => term.target === "unresolved");
    this.refersToOuter = bindings === null && selectorRefersTo(selector, options.outerNames);
  }

  /** This selector with the other side's captures substituted (itself when it refers to none). */
  bound(outer: Bindings): CompiledSelector {
    if (!this.refersToOuter) return this;
    const key = JSON.stringify(outer);
    let compiled = this.boundCache.get(key);
    if (!compiled) {
      compiled = new CompiledSelector(this.selector, this.ctx, this.options, outer);
      this.boundCache.set(key, compiled);
    }
    return compiled;
  }

  /** The first term matching the file node, or null. */
  file(node: number): FileMatch | null {
    this.cache ??= new Array<FileMatch | null | undefined>(this.ctx.names.length).fill(undefined);
    const cached = this.cache[node];
    if (cached !== undefined) return cached;
    let found: FileMatch | null = null;
    for (const term of this.terms) {
      found = term.file(node);
      if (found) break;
    }
    this.cache[node] = found;
    return found;
  }

  /** The package name a package import of `from` matches as (the listed name, or the imported package), or null. */
  package(from: number, edge: ResolvedImport): string | null {
    for (const term of this.terms) {
      const name = term.package(from, edge);
      if (name !== null) return name;
    }
    return null;
  }

  /** Whether an import of `from` that resolves to nothing matches. */
  unresolved(from: number, edge: ResolvedImport): boolean {
    return this.terms.some((term) => term.unresolved(from, edge));
  }

  /** The names this selector captures (for the other side of a rule to refer to). */
  captureNames(): Set<string> {
    return selectorCaptureNames(this.selector);
  }
}

type FilePredicate = (node: number, parts: string[], captures: Record<string, string>) => boolean;

class CompiledTerm {
  private readonly filePredicates: FilePredicate[] = [];
  private readonly plainMatches = new Map<string, FileMatch>();
  private readonly not: CompiledSelector | null;
  private readonly term: Term;
  private readonly index: number;
  private readonly ctx: SelectionContext;
  private readonly options: CompileOptions;
  private readonly bindings: Bindings | null;

  constructor(
    term: Term,
    index: number,
    ctx: SelectionContext,
    options: CompileOptions,
    bindings: Bindings | null,
  ) {
    this.term = term;
    this.index = index;
    this.ctx = ctx;
    this.options = options;
    this.bindings = bindings;
    if (term.target === "file") for (const atom of term.atoms) this.filePredicates.push(this.fileAtom(atom));
    // A `not` may refer to the term's own captures as well as to the other side's.
    const notOptions = {
      ...options,
      outerNames: new Set([...(options.outerNames ?? []), ...selectorCaptureNames([{ ...term, not: null }])]),
    };
    this.not = term.not === null ? null : new CompiledSelector(term.not, ctx, notOptions);
  }

  file(node: number): FileMatch | null {
    if (this.term.target !== "file") return null;
    const parts = [String(this.index)];
    const captures: Record<string, string> = {};
    for (const predicate of this.filePredicates) if (!predicate(node, parts, captures)) return null;
    if (this.not) {
      const excluded = this.not.bound({ ...(this.bindings ?? {}), ...captures }).file(node);
      if (excluded) return null;
    }
    const unit = parts.join("\u0000");
    if (Object.keys(captures).length > 0) return { unit, bindings: captures };
    // Without captures, every file of a unit gets the same (shared) match.
    let match = this.plainMatches.get(unit);
    if (!match) {
      match = { unit, bindings: NO_BINDINGS };
      this.plainMatches.set(unit, match);
    }
    return match;
  }

  package(from: number, edge: ResolvedImport): string | null {
    if (this.term.target !== "package" || edge.external === null) return null;
    let name: string | null = edge.external;
    for (const atom of this.term.atoms) {
      if (atom.kind === "package") {
        const listed = matchPackage(atom.values, edge, this.ctx.language[from] ?? null);
        if (listed === null) return null;
        name = listed;
      } else if (atom.kind === "declared") {
        const classes = this.ctx.declaredClasses(from, edge);
        if (!atom.values.some((value) => classes.includes(value as DeclaredClass))) return null;
      } else if (atom.kind === "regex") {
        if (
          !this.importRegex(atom.values).test(packageRegexSubject(edge, this.ctx.declaredClasses(from, edge)))
        )
          return null;
      }
    }
    if (this.not?.bound(this.bindings ?? NO_BINDINGS).package(from, edge) != null) return null;
    return name;
  }

  unresolved(from: number, edge: ResolvedImport): boolean {
    if (this.term.target !== "unresolved" || edge.target !== null || edge.external !== null) return false;
    const atom = this.term.atoms.find((candidate) => candidate.kind === "unresolved");
    if (atom && !atom.values.some((pattern) => wildcardRegex(pattern).test(edge.specifier))) return false;
    const regex = this.term.atoms.find((candidate) => candidate.kind === "regex");
    if (regex && !this.importRegex(regex.values).test(edge.specifier)) return false;
    return !this.not?.bound(this.bindings ?? NO_BINDINGS).unresolved(from, edge);
  }

  private importRegexes: ConfigRegex | null = null;

  /** A regex atom of a package or unresolved term (its captures are not bound: dependency-cruiser binds `from` only). */
  private importRegex(sources: readonly string[]): ConfigRegex {
    this.importRegexes ??= compileConfigRegex(
      substituteReferences(sources.join("|"), this.bindings, this.options.outerNames),
    );
    return this.importRegexes;
  }

  private fileAtom(atom: Atom): FilePredicate {
    const { ctx } = this;
    switch (atom.kind) {
      case "component":
        return (node, parts) => {
          const component = ctx.component[node] ?? null;
          if (component === null || !atom.values.includes(component)) return false;
          parts.push(`component:${component}`);
          return true;
        };
      case "glob":
        return this.globAtom(atom.values);
      case "module":
        return this.moduleAtom(atom.values);
      case "regex":
        return this.regexAtom(atom.values);
      default:
        return () => false;
    }
  }

  private globAtom(globs: readonly string[]): FilePredicate {
    const matchers = globs.map((glob, i) => {
      if (globCaptureNames(glob).length === 0) {
        const test = compileGlob(glob);
        return (path: string, parts: string[]) => {
          if (!test(path)) return false;
          parts.push(`glob:${i}`);
          return true;
        };
      }
      const regex = captureGlobRegex(glob, this.bindings ?? undefined);
      return (path: string, parts: string[], captures: Record<string, string>) => {
        const match = regex.exec(path);
        if (!match) return false;
        const groups = match.groups ?? {};
        parts.push(`glob:${i}`, ...Object.values(groups));
        Object.assign(captures, groups);
        return true;
      };
    });
    return (node, parts, captures) => {
      const path = this.ctx.names[node]!;
      return matchers.some((matcher) => matcher(path, parts, captures));
    };
  }

  private moduleAtom(expressions: readonly string[]): FilePredicate {
    const regexes = expressions.map(moduleExpressionRegex);
    const asPackages = this.options.asPackages ?? true;
    return (node, parts) => {
      const name = this.ctx.moduleName(node);
      if (name === null) return false;
      const candidates = asPackages ? ancestorsOrSelf(name) : [name];
      for (const candidate of candidates) {
        if (regexes.some((regex) => regex.test(candidate))) {
          parts.push(`module:${candidate}`);
          return true;
        }
      }
      return false;
    };
  }

  private regexAtom(sources: readonly string[]): FilePredicate {
    // dependency-cruiser joins a list of regexes with "|": group numbers run across the list.
    const source = substituteReferences(sources.join("|"), this.bindings, this.options.outerNames);
    const regex = compileConfigRegex(source);
    return (node, parts, captures) => {
      const match = regex.exec(this.ctx.names[node]!);
      if (!match) return false;
      parts.push("regex");
      match.groups.forEach((group, i) => {
        if (i === 0) captures["0"] = group ?? "";
        else if (group !== undefined) {
          captures[String(i)] = group;
          parts.push(group);
        }
      });
      Object.assign(captures, match.named);
      return true;
    };
  }
}

/** `a.b.c` → `a`, `a.b`, `a.b.c` (outermost first, so a file belongs to the outermost listed package). */
function ancestorsOrSelf(name: string): string[] {
  const parts = name.split(".");
  return parts.map((_, i) => parts.slice(0, i + 1).join("."));
}

/** A listed package the import is of (exact name or a deep import below it; `*` wildcards on the name), or null. */
function matchPackage(
  patterns: readonly string[],
  edge: ResolvedImport,
  language: Language | null,
): string | null {
  for (const pattern of patterns) {
    if (!pattern.includes("*")) {
      if (importsPackage(pattern, edge, language)) return pattern;
    } else if (edge.external !== null && wildcardRegex(pattern).test(edge.external)) {
      return edge.external;
    }
  }
  return null;
}

/**
 * What a `regex` beside `package`/`declared` is tested against: the path dependency-cruiser
 * gives the import — a built-in's name as written (`fs`, `node:fs`), else the package under
 * `node_modules/` (`node_modules/lodash/fp`; the file inside the package is not known here).
 */
export function packageRegexSubject(edge: ResolvedImport, classes: readonly DeclaredClass[]): string {
  return classes.includes("builtin") ? edge.specifier : `node_modules/${edge.specifier}`;
}

const REFERENCE = /\$(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})/g;

/** `$1`, `${name}` in a regex replaced by the other side's captures (raw, as dependency-cruiser does). */
function substituteReferences(
  source: string,
  bindings: Bindings | null,
  outerNames: ReadonlySet<string> | undefined,
): string {
  if (bindings === null || outerNames === undefined) return source;
  return source.replace(REFERENCE, (whole, ref: string) => {
    const name = ref.startsWith("{") ? ref.slice(1, -1) : ref;
    return outerNames.has(name) && bindings[name] !== undefined ? bindings[name]! : whole;
  });
}

function selectorRefersTo(selector: Selector, outer: ReadonlySet<string> | undefined): boolean {
  if (outer === undefined || outer.size === 0) return false;
  return selector.some(
    (term) =>
      term.atoms.some((atom) =>
        atom.values.some((value) => {
          if (atom.kind === "regex")
            return [...value.matchAll(REFERENCE)].some((m) => outer.has(m[1]!.replace(/[{}]/g, "")));
          if (atom.kind === "glob") return globCaptureNames(value).some((name) => outer.has(name));
          return false;
        }),
      ) ||
      (term.not !== null && selectorRefersTo(term.not, outer)),
  );
}

/** Capture names a selector binds: glob `{name}`s, regex group numbers and names. */
export function selectorCaptureNames(selector: Selector): Set<string> {
  const names = new Set<string>();
  for (const term of selector) {
    for (const atom of term.atoms) {
      if (atom.kind === "glob")
        for (const glob of atom.values) for (const name of globCaptureNames(glob)) names.add(name);
      if (atom.kind === "regex") {
        const groups = configRegexGroups(atom.values.join("|"));
        for (let i = 0; i <= groups.count; i++) names.add(String(i));
        for (const name of groups.names) names.add(name);
      }
    }
  }
  return names;
}
