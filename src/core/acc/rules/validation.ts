/** Semantic checks shared by rule descriptors. */

import { closest } from "../../config/closest.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import { parseSelector, type Selector } from "../select/parse.ts";
import { PACKAGE_PREFIX, type SelectorValue } from "../select/schema.ts";
import type { BaseRule, ConfigPath, RuleEnv } from "./descriptor.ts";

/** A component name as the older rule types take it (from, to, layers): known, not a package. */
export function checkComponent(
  rule: BaseRule,
  name: string,
  path: ConfigPath,
  env: RuleEnv,
  issues: ConfigIssue[],
  packagesAllowedIn = "the `to` list of must-not-call and can-call rules",
): void {
  if (name.startsWith(PACKAGE_PREFIX)) {
    issues.push({
      path,
      message: `rule "${rule.id}": "${name}" is a package; packages are allowed only in ${packagesAllowedIn}`,
    });
  } else if (!env.components.has(name)) {
    issues.push({
      path,
      message: `rule "${rule.id}" names unknown component "${name}"${known(env.components, name)}`,
    });
  }
}

export function known(names: ReadonlySet<string>, name: string): string {
  if (names.size === 0) return " (none are defined)";
  const guess = closest(name, names);
  if (guess) return `; did you mean "${guess}"?`;
  return ` (known: ${[...names].sort().join(", ")})`;
}

/** Parses a selector of a rule, prefixing its problems with the rule id. */
export function checkSelector(
  rule: BaseRule,
  value: SelectorValue,
  path: ConfigPath,
  env: RuleEnv,
  issues: ConfigIssue[],
  allowed: { files?: boolean; packages?: boolean; unresolved?: boolean } = { files: true },
): Selector {
  const own: ConfigIssue[] = [];
  const selector = parseSelector(value, path, env, own);
  for (const issue of own) issues.push({ path: issue.path, message: `rule "${rule.id}": ${issue.message}` });
  for (const term of selector) {
    const ok =
      (term.target === "file" && allowed.files) ||
      (term.target === "package" && allowed.packages) ||
      (term.target === "unresolved" && allowed.unresolved);
    if (!ok) {
      const what =
        term.target === "file" ? "files" : term.target === "package" ? "packages" : "unresolved imports";
      issues.push({ path, message: `rule "${rule.id}": this selector cannot select ${what} here` });
    }
  }
  return selector;
}

/** The `to` list of can-call / must-not-call: component names or `package:NAME`. */
export function checkCallTargets(
  rule: BaseRule,
  to: readonly string[],
  at: ConfigPath,
  env: RuleEnv,
  issues: ConfigIssue[],
): void {
  to.forEach((name, i) => {
    if (!name.startsWith(PACKAGE_PREFIX)) {
      checkComponent(rule, name, [...at, i], env, issues);
      return;
    }
    if (!/^[^\s]+$/.test(name.slice(PACKAGE_PREFIX.length)))
      issues.push({ path: [...at, i], message: `rule "${rule.id}": "${name}" needs a package name` });
  });
}

/** `exempt` entries: `from` selects files; `to` files, packages or unresolved imports. */
export function checkImportOptions(
  rule: BaseRule & { readonly exempt: readonly { from: SelectorValue; to: SelectorValue }[] },
  at: ConfigPath,
  env: RuleEnv,
  issues: ConfigIssue[],
): void {
  rule.exempt.forEach((exemption, i) => {
    checkSelector(rule, exemption.from, [...at, "exempt", i, "from"], env, issues);
    checkSelector(rule, exemption.to, [...at, "exempt", i, "to"], env, issues, {
      files: true,
      packages: true,
      unresolved: true,
    });
  });
}

export type SelectorTargets = { files?: boolean; packages?: boolean; unresolved?: boolean };

/**
 * A descriptor's `validate` for rules whose checks are their selector fields (each checked
 * when present, for what it may select) and, with `importOptions`, their exemptions.
 */
export function validateSelectors<R extends BaseRule>(
  fields: { readonly [K in keyof R]?: SelectorTargets },
  options: { importOptions?: boolean; more?: (rule: R, at: ConfigPath, issues: ConfigIssue[]) => void } = {},
): (rule: R, at: ConfigPath, env: RuleEnv) => ConfigIssue[] {
  return (rule, at, env) => {
    const issues: ConfigIssue[] = [];
    for (const [key, targets] of Object.entries(fields) as [keyof R & string, SelectorTargets][]) {
      const value = rule[key] as SelectorValue | undefined;
      if (value !== undefined) checkSelector(rule, value, [...at, key], env, issues, targets);
    }
    options.more?.(rule, at, issues);
    if (options.importOptions)
      checkImportOptions(
        rule as unknown as BaseRule & { exempt: { from: SelectorValue; to: SelectorValue }[] },
        at,
        env,
        issues,
      );
    return issues;
  };
}

export const FILES: SelectorTargets = { files: true };
export const ANYTHING: SelectorTargets = { files: true, packages: true, unresolved: true };
