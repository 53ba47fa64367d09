/**
 * One descriptor per rule type (the model: import-linter's contract classes). A descriptor
 * says everything about its type: the config schema, the semantic checks the schema cannot
 * express, how the type behaves on an incremental evaluation, what it measures, and the
 * evaluation itself. table.ts lists them; a new rule type is one file and one line there.
 */
import type { z } from "zod";
import type { ConfigIssue } from "../../config/validate.ts";
import type { Finding, Notice, Severity } from "../../findings.ts";
import type { AccContext } from "./context.ts";

/** What every rule has, whatever its type. */
export interface BaseRule {
  readonly id: string;
  readonly type: string;
  readonly severity: Severity;
  readonly description?: string | undefined;
}

export type ConfigPath = readonly (string | number)[];

/** What semantic checks may consult besides the rule itself. */
export interface RuleEnv {
  readonly components: ReadonlySet<string>;
}

/** One evaluation of one rule. */
export interface RuleRun {
  /**
   * Only for `per-file` rules on an incremental evaluation: the nodes (sorted) whose imports
   * changed. Report the findings of these files, plus every finding with no file (those are
   * never taken over); the findings of the other files are taken over from the previous run.
   */
  readonly only?: readonly number[] | undefined;
  /** Notices for the user (an exemption that matches nothing, a search cut short). */
  readonly notices: Notice[];
  /** Per-evaluation memo shared by all rules (for instance fan-in counts). */
  readonly memo: Map<string, unknown>;
}

export interface RuleDescriptor<R extends BaseRule = BaseRule> {
  readonly type: R["type"];
  /** The strict zod schema of the rule as written in the config (`type` a literal). */
  readonly schema: () => z.ZodType<R>;
  /** What the rule checks, in one sentence (README rule table, docs). */
  readonly summary: string;
  /** Checks that need more than the schema: known components, selector syntax, option combinations. */
  validate(rule: R, at: ConfigPath, env: RuleEnv): ConfigIssue[];
  /**
   * `per-file` when every finding with a file depends only on that file's own imports (and
   * on node paths), so an incremental evaluation re-evaluates changed files only; `graph`
   * when findings depend on other files (chains, cycles, dependents): evaluated in full.
   */
  incremental(rule: R): "per-file" | "graph";
  evaluate(rule: R, ctx: AccContext, run: RuleRun): Finding[];
}

/** A descriptor typed for its rule, stored in the table with its rule type erased. */
export function describeRule<R extends BaseRule>(descriptor: RuleDescriptor<R>): RuleDescriptor<R> {
  return descriptor;
}
