/**
 * DDE, the delivery-process audit: what a change must carry. Two checks:
 * - `expect` rules: when a file matching `when` changed, a file matching `changed` must
 *   have changed too, or a file matching `exists` must exist in the head commit;
 * - `requiredChecks`: check runs of other apps that must have concluded `success` on the
 *   head commit.
 *
 * It audits the change itself, so it runs once per analysis (not on the base commit) and
 * all its findings are new. There is no score and no cache: the original's completeness
 * above 1, stale cached audits and "failed gate without a severity passes" have nothing to
 * live in here; every finding has a severity, defaulting to error.
 */
import { minimatch } from "minimatch";
import type { DdeConfig } from "../config/schema.ts";
import { type Finding, findingId, type Notice } from "../findings.ts";

export interface CheckRunResult {
  readonly name: string;
  /** GitHub's conclusion; null while the run is queued or in progress. */
  readonly conclusion: string | null;
}

export interface DdeInput {
  readonly config: DdeConfig;
  /** Paths that differ between base and head (added, modified or deleted). */
  readonly changedFiles: ReadonlySet<string>;
  /** Every path of the head commit. */
  readonly headPaths: readonly string[];
  /**
   * Check runs on the head commit, latest per name, as the app fetched them. `null` when
   * there is no such data (a local run): required checks are then reported as a notice,
   * not verified.
   */
  readonly checkRuns: readonly CheckRunResult[] | null;
}

export interface DdeResult {
  readonly findings: readonly Finding[];
  readonly notices: readonly Notice[];
}

type ExpectRule = DdeConfig["expect"][number];

const GLOB_OPTIONS = { dot: true } as const;
/** How many triggering or candidate paths a message names before "and N more". */
const LISTED_PATHS = 5;

export function runDde(input: DdeInput): DdeResult {
  const findings: Finding[] = [];
  const changed = [...input.changedFiles].sort();
  input.config.expect.forEach((rule) => {
    const finding = checkExpect(rule, changed, input.headPaths);
    if (finding) findings.push(finding);
  });
  const notices: Notice[] = [];
  if (input.config.requiredChecks.length > 0) {
    if (input.checkRuns === null) {
      notices.push({
        file: null,
        kind: "dde-required-checks-unverified",
        message: `required checks not verified (no check-run data in a local run): ${input.config.requiredChecks.join(", ")}`,
      });
    } else {
      for (const name of input.config.requiredChecks) {
        const finding = checkRequired(name, input.checkRuns);
        if (finding) findings.push(finding);
      }
    }
  }
  return { findings, notices };
}

/** The rule's name in reports and ids: its configured id, else its globs. */
export function expectRuleName(rule: ExpectRule): string {
  if (rule.id) return rule.id;
  const need = [
    rule.changed !== undefined ? `changed ${globs(rule.changed).join(",")}` : null,
    rule.exists !== undefined ? `exists ${globs(rule.exists).join(",")}` : null,
  ].filter((part) => part !== null);
  return `expect ${globs(rule.when).join(",")} → ${need.join(" or ")}`;
}

function checkExpect(
  rule: ExpectRule,
  changed: readonly string[],
  headPaths: readonly string[],
): Finding | null {
  const triggers = changed.filter((path) => matchesAny(path, globs(rule.when)));
  if (triggers.length === 0) return null;
  if (rule.changed !== undefined && changed.some((path) => matchesAny(path, globs(rule.changed!))))
    return null;
  if (rule.exists !== undefined && headPaths.some((path) => matchesAny(path, globs(rule.exists!))))
    return null;
  const name = expectRuleName(rule);
  const wanted = [
    rule.changed !== undefined ? `a change to ${globs(rule.changed).join(" or ")}` : null,
    rule.exists !== undefined ? `a file matching ${globs(rule.exists).join(" or ")}` : null,
  ]
    .filter((part) => part !== null)
    .join(", or ");
  const because = `${listPaths(triggers)} changed without ${wanted}`;
  return {
    id: findingId(["dde", "expect", name]),
    stream: "dde",
    rule: name,
    type: "expect",
    severity: rule.severity,
    file: triggers[0] ?? null,
    line: null,
    target: globs(rule.changed ?? rule.exists ?? []).join(", ") || null,
    message: rule.message ? `${rule.message}: ${because}` : because,
    details: `Changed files matching ${globs(rule.when).join(", ")}:\n${triggers.join("\n")}`,
  };
}

function checkRequired(name: string, runs: readonly CheckRunResult[]): Finding | null {
  const matching = runs.filter((run) => run.name === name);
  // Fail-closed: every run given for the name must have succeeded, and there must be one.
  if (matching.length > 0 && matching.every((run) => run.conclusion === "success")) return null;
  const failed = matching.find((run) => run.conclusion !== "success");
  const message =
    matching.length === 0
      ? `Required check "${name}" has not run on the head commit`
      : failed?.conclusion === null || failed?.conclusion === undefined
        ? `Required check "${name}" has not completed on the head commit`
        : `Required check "${name}" concluded "${failed.conclusion}", not "success"`;
  return {
    id: findingId(["dde", "required-check", name]),
    stream: "dde",
    rule: `required-check:${name}`,
    type: "required-check",
    severity: "error",
    file: null,
    line: null,
    target: name,
    message,
  };
}

function globs(value: string | readonly string[]): readonly string[] {
  return typeof value === "string" ? [value] : value;
}

function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => minimatch(path, pattern, GLOB_OPTIONS));
}

function listPaths(paths: readonly string[]): string {
  const shown = paths.slice(0, LISTED_PATHS).join(", ");
  return paths.length > LISTED_PATHS ? `${shown} and ${paths.length - LISTED_PATHS} more` : shown;
}
