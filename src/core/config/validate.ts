import { descriptorOf } from "../acc/rules/table.ts";
import { PACKAGE_PREFIX } from "../acc/select/schema.ts";
import { globProblem, regexProblem } from "./globs.ts";
import { isAdoptedRuleId } from "./primitives.ts";
import type { ConfigSuppression, DdeConfig, Rule } from "./schema.ts";
import { closest } from "./suggest.ts";

/**
 * Semantic checks the schema cannot express: names that must refer to something, glob and
 * regex syntax, duplicates. Each issue carries the path into the YAML document so the
 * loader can point at the exact line and column.
 */
export interface ConfigIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

export { PACKAGE_PREFIX } from "../acc/select/schema.ts";

/**
 * The parts of a config the semantic checks look at. A fully parsed MaestroConfig is one;
 * when the schema rejected some entries, the loader passes the entries that did parse and
 * `null` in place of the others, so every error in the file is reported in one go and the
 * indices in the paths stay those of the document.
 */
export interface CheckableConfig {
  readonly acc?:
    | {
        readonly include?: readonly string[] | undefined;
        readonly exclude?: readonly string[] | undefined;
        /** `null` globs: the entry exists (its name is known) but did not parse. */
        readonly components?: Readonly<Record<string, readonly string[] | null>>;
        readonly rules?: readonly (Rule | null)[];
        readonly suppressions?: readonly (ConfigSuppression | null)[];
        /**
         * The `id` written in each rule, by index, including rules that did not parse (null
         * where there is no string id): duplicates and suppressions are checked against all.
         */
        readonly rawRuleIds?: readonly (string | null)[];
      }
    | undefined;
  readonly bdv?:
    | {
        readonly features?: readonly string[] | undefined;
        readonly steps?: readonly string[] | undefined;
        readonly suppressions?: readonly (ConfigSuppression | null)[];
      }
    | undefined;
  readonly dde?:
    | {
        readonly expect?: readonly (DdeConfig["expect"][number] | null)[];
        readonly suppressions?: readonly (ConfigSuppression | null)[];
      }
    | undefined;
}

type AccPart = NonNullable<CheckableConfig["acc"]>;

export function validateConfig(config: CheckableConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (config.acc) validateAcc(config.acc, issues);
  if (config.bdv) {
    checkGlobs(config.bdv.features ?? [], ["bdv", "features"], issues);
    checkGlobs(config.bdv.steps ?? [], ["bdv", "steps"], issues);
    validateSuppressions(config.bdv.suppressions ?? [], ["bdv", "suppressions"], null, issues);
  }
  if (config.dde) {
    (config.dde.expect ?? []).forEach((rule, index) => {
      if (!rule) return;
      for (const key of ["when", "changed", "exists"] as const) {
        const value = rule[key];
        if (value === undefined) continue;
        if (typeof value === "string") checkGlob(value, ["dde", "expect", index, key], issues);
        else checkGlobs(value, ["dde", "expect", index, key], issues);
      }
    });
    validateSuppressions(config.dde.suppressions ?? [], ["dde", "suppressions"], null, issues);
  }
  return issues;
}

function validateAcc(acc: AccPart, issues: ConfigIssue[]): void {
  if (acc.include) checkGlobs(acc.include, ["acc", "include"], issues);
  checkGlobs(acc.exclude ?? [], ["acc", "exclude"], issues);
  const componentEntries = Object.entries(acc.components ?? {});
  for (const [name, globs] of componentEntries) {
    if (name.startsWith(PACKAGE_PREFIX)) {
      issues.push({
        path: ["acc", "components", name],
        message: `component name "${name}" must not start with "${PACKAGE_PREFIX}" (reserved for packages)`,
      });
    }
    if (globs) checkGlobs(globs, ["acc", "components", name], issues);
  }
  const components = new Set(componentEntries.map(([name]) => name));
  const rules = acc.rules ?? [];
  const ids = acc.rawRuleIds ?? rules.map((rule) => rule?.id ?? null);
  const seenIds = new Map<string, number>();
  ids.forEach((id, index) => {
    if (id === null) return;
    const first = seenIds.get(id);
    if (first === undefined) seenIds.set(id, index);
    else
      issues.push({
        path: ["acc", "rules", index, "id"],
        message: `duplicate rule id "${id}" (also rule #${first + 1})`,
      });
  });
  rules.forEach((rule, index) => {
    if (rule) issues.push(...descriptorOf(rule).validate(rule, ["acc", "rules", index], { components }));
  });
  const ruleIds = new Set(seenIds.keys());
  validateSuppressions(acc.suppressions ?? [], ["acc", "suppressions"], ruleIds, issues);
}

function validateSuppressions(
  suppressions: readonly (ConfigSuppression | null)[],
  at: (string | number)[],
  ruleIds: Set<string> | null,
  issues: ConfigIssue[],
): void {
  const seen = new Set<string>();
  suppressions.forEach((suppression, index) => {
    if (!suppression) return;
    const path = [...at, index];
    if (seen.has(suppression.id)) {
      issues.push({ path: [...path, "id"], message: `duplicate suppression id "${suppression.id}"` });
    }
    seen.add(suppression.id);
    const patternIssue =
      suppression.patternType === "regex"
        ? regexProblem(suppression.pattern)
        : suppression.patternType === "glob"
          ? globProblem(suppression.pattern)
          : null;
    if (patternIssue) issues.push({ path: [...path, "pattern"], message: patternIssue });
    // Adopted rules (importlinter:…, depcruise:…) are only known when the peer configs are read.
    if (
      ruleIds &&
      suppression.rule !== undefined &&
      !ruleIds.has(suppression.rule) &&
      !isAdoptedRuleId(suppression.rule)
    ) {
      issues.push({
        path: [...path, "rule"],
        message: `suppression "${suppression.id}" names unknown rule "${suppression.rule}"${known(ruleIds, suppression.rule)}`,
      });
    }
    if (suppression.expires !== undefined) {
      if (!isDate(suppression.expires)) {
        issues.push({
          path: [...path, "expires"],
          message: `suppression "${suppression.id}": expires must be a date such as 2026-12-31 or an ISO timestamp`,
        });
      }
    } else if (!suppression.permanent) {
      issues.push({
        path,
        message: `suppression "${suppression.id}" needs \`expires\` (a date) or \`permanent: true\``,
      });
    }
  });
}

function isDate(value: string | Date): boolean {
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  return (
    /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value))
  );
}

function checkGlobs(globs: readonly string[], at: (string | number)[], issues: ConfigIssue[]): void {
  globs.forEach((glob, i) => {
    checkGlob(glob, [...at, i], issues);
  });
}

function checkGlob(glob: string, path: (string | number)[], issues: ConfigIssue[]): void {
  const problem = globProblem(glob);
  if (problem) issues.push({ path, message: problem });
}

function known(names: Set<string>, name: string): string {
  if (names.size === 0) return " (none are defined)";
  const guess = closest(name, names);
  if (guess) return `; did you mean "${guess}"?`;
  return ` (known: ${[...names].sort().join(", ")})`;
}
