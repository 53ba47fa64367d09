/**
 * What can-call and must-not-call share: their schema shape (`from` a component, `to`
 * components and `package:NAME`), their validation, and how they judge direct imports of
 * the files of `from` (ImportJudge over the whole graph: every import kind, no chains).
 */
import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import type { Finding } from "../../findings.ts";
import type { Language, ResolvedImport } from "../model.ts";
import type { AccContext } from "./context.ts";
import { judgeImports } from "./dependency-findings.ts";
import type { BaseRule, ConfigPath, RuleEnv } from "./descriptor.ts";
import { edgeView } from "./edges.ts";
import { describeFile } from "./finding.ts";
import { checkCallTargets, checkComponent } from "./validation.ts";

export function callRuleSchema<T extends "can-call" | "must-not-call">(type: T, minTargets: number) {
  return z.strictObject({
    ...ruleBase(),
    type: z.literal(type),
    from: z.string().min(1),
    to: z.array(z.string().min(1)).min(minTargets),
  });
}

interface CallRule extends BaseRule {
  readonly from: string;
  readonly to: readonly string[];
}

export function validateCallRule(rule: CallRule, at: ConfigPath, env: RuleEnv): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  checkComponent(rule, rule.from, [...at, "from"], env, issues);
  checkCallTargets(rule, rule.to, [...at, "to"], env, issues);
  return issues;
}

export interface CallCheck {
  /** Why an import of a file of component `to` breaks the rule, or null. */
  readonly componentViolation: (to: string) => string | null;
  /** For a package import: the finding's target and why, or null (absent: packages are not checked). */
  readonly packageViolation?:
    | ((edge: ResolvedImport, language: Language | null) => { target: string; reason: string } | null)
    | undefined;
}

/**
 * One finding per (file of `from`, imported file of a mapped component the check rejects),
 * on the first such line, then one per rejected package target. Unmapped files are not
 * constrained, on either side.
 */
export function callFindings(
  rule: CallRule,
  ctx: AccContext,
  only: readonly number[] | undefined,
  check: CallCheck,
): Finding[] {
  const { packageViolation } = check;
  return judgeImports(
    rule,
    edgeView(ctx, {}),
    {
      group: (node) => (ctx.component[node] === rule.from ? rule.from : null),
      fileReason(_source, target) {
        const component = ctx.component[target] ?? null;
        return component === null ? null : check.componentViolation(component);
      },
      packageReason: packageViolation
        ? (source, _importer, edge) => packageViolation(edge, ctx.language[source] ?? null)
        : undefined,
      blocked: () => true,
      describe: (node) => describeFile(ctx.names[node]!, ctx.component[node] ?? null),
    },
    false,
    { only, notices: [], memo: new Map() },
  );
}
