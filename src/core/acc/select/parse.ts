/**
 * Selector values from the config (schema.ts) in one normal form, with their syntax
 * checked: a selector is a union of terms; a term is an intersection of atoms (one per key
 * of a mapping, or the single atom of a string) minus its `not` selector.
 */

import { closest } from "../../config/closest.ts";
import { globProblem } from "../../config/globs.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import { moduleExpressionProblem } from "./module-expression.ts";
import { configRegexProblem } from "./regex.ts";
import { SELECTOR_PREFIXES, type SelectorObject, type SelectorValue } from "./schema.ts";

type PathPart = string | number;

export type AtomKind = (typeof SELECTOR_PREFIXES)[number] | "declared";

export interface Atom {
  readonly kind: AtomKind;
  readonly values: readonly string[];
}

/** What a term selects: files of the graph, imported packages, or imports that resolve to nothing. */
export type TermTarget = "file" | "package" | "unresolved";

export interface Term {
  readonly atoms: readonly Atom[];
  readonly not: Selector | null;
  readonly target: TermTarget;
}

export type Selector = readonly Term[];

export interface SelectorEnv {
  readonly components: ReadonlySet<string>;
}

/** The selector in normal form; syntax problems go to `issues`, located under `at`. */
export function parseSelector(
  value: SelectorValue,
  at: readonly PathPart[],
  env: SelectorEnv,
  issues: ConfigIssue[],
): Selector {
  if (typeof value === "string") return [stringTerm(value, at, env, issues)];
  if (Array.isArray(value))
    return value.map((item: string | SelectorObject, i) =>
      typeof item === "string"
        ? stringTerm(item, [...at, i], env, issues)
        : objectTerm(item, [...at, i], env, issues),
    );
  return [objectTerm(value as SelectorObject, at, env, issues)];
}

/** The kind and value of a selector string: `prefix:value`, or a bare component name. */
export function splitSelectorString(text: string, components: ReadonlySet<string>): Atom {
  if (components.has(text)) return { kind: "component", values: [text] };
  const colon = text.indexOf(":");
  const prefix = colon < 0 ? "" : text.slice(0, colon);
  if ((SELECTOR_PREFIXES as readonly string[]).includes(prefix))
    return { kind: prefix as AtomKind, values: [text.slice(colon + 1)] };
  return { kind: "component", values: [text] };
}

function stringTerm(text: string, at: readonly PathPart[], env: SelectorEnv, issues: ConfigIssue[]): Term {
  const atom = splitSelectorString(text, env.components);
  checkAtom(atom, at, env, issues);
  return { atoms: [atom], not: null, target: targetOf(atom.kind) };
}

const OBJECT_KEYS = ["component", "glob", "module", "regex", "package", "declared", "unresolved"] as const;

function objectTerm(
  value: SelectorObject,
  at: readonly PathPart[],
  env: SelectorEnv,
  issues: ConfigIssue[],
): Term {
  const atoms: Atom[] = [];
  for (const key of OBJECT_KEYS) {
    const raw = value[key];
    if (raw === undefined) continue;
    const values = typeof raw === "string" ? [raw] : [...raw];
    const atom: Atom = { kind: key, values };
    checkAtom(atom, typeof raw === "string" ? [...at, key] : [...at, key], env, issues);
    atoms.push(atom);
  }
  // `regex` beside package / unresolved atoms is tested against the import's path as
  // dependency-cruiser names it (packageRegexSubject), so it does not decide the target.
  const deciding = atoms.filter((atom) => atom.kind !== "regex");
  const targets = new Set((deciding.length > 0 ? deciding : atoms).map((atom) => targetOf(atom.kind)));
  if (targets.size > 1)
    issues.push({
      path: at,
      message: `a selector mapping cannot mix files (component, glob, module) with packages (package, declared) or unresolved imports`,
    });
  if (atoms.length === 0 && value.not === undefined)
    issues.push({
      path: at,
      message:
        "a selector mapping needs at least one of component, glob, module, regex, package, declared, unresolved",
    });
  const target = deciding.length > 0 ? targetOf(deciding[0]!.kind) : "file";
  const not = value.not === undefined ? null : parseSelector(value.not, [...at, "not"], env, issues);
  return { atoms, not, target };
}

function targetOf(kind: AtomKind): TermTarget {
  if (kind === "package" || kind === "declared") return "package";
  if (kind === "unresolved") return "unresolved";
  return "file";
}

function checkAtom(atom: Atom, at: readonly PathPart[], env: SelectorEnv, issues: ConfigIssue[]): void {
  atom.values.forEach((value, i) => {
    const path = atom.values.length > 1 ? [...at, i] : at;
    const problem = atomProblem(atom.kind, value, env);
    if (problem) issues.push({ path, message: problem });
  });
}

function atomProblem(kind: AtomKind, value: string, env: SelectorEnv): string | null {
  switch (kind) {
    case "component":
      return env.components.has(value) ? null : unknownComponent(value, env.components);
    case "glob":
      return globProblem(value);
    case "module":
      return moduleExpressionProblem(value);
    case "regex":
      return configRegexProblem(value);
    case "package":
      return /^\S+$/.test(value) ? null : `"package:${value}" needs a package name without spaces`;
    case "unresolved":
      return value.trim() === "" ? "an unresolved selector needs a specifier pattern (* for any)" : null;
    case "declared":
      return null;
  }
}

function unknownComponent(name: string, components: ReadonlySet<string>): string {
  const guess = closest(name, components);
  const hint = guess
    ? `; did you mean "${guess}"?`
    : components.size === 0
      ? " (none are defined)"
      : ` (known: ${[...components].sort().join(", ")})`;
  const prefixes = SELECTOR_PREFIXES.filter((p) => p !== "component").map((p) => `${p}:`);
  return `unknown component "${name}"${hint} (other selectors start with ${prefixes.join(", ")})`;
}
