import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { formFilter, formOf } from "../kinds.ts";
import type { ResolvedImport } from "../model.ts";
import type { CompiledSelector } from "../select/compile.ts";
import { importKindSchema, importRuleOptions, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { judgeImports } from "./dependency-findings.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { unmatchedExemptionFindings } from "./edges.ts";
import { compileSelector, ruleView } from "./selection.ts";
import { checkImportOptions, checkSelector } from "./validation.ts";

const allowEntrySchema = once(() =>
  z.strictObject({
    /** Files this entry applies to (every constrained file when absent). */
    from: selectorSchema().optional(),
    to: selectorSchema(),
    kinds: z.array(importKindSchema()).min(1).optional(),
    ignoreKinds: z.array(importKindSchema()).min(1).optional(),
  }),
);

export const allowedSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("allowed"),
    /** The files whose imports must each be allowed by an entry (all analysed files when absent). */
    from: selectorSchema().optional(),
    allow: z.array(allowEntrySchema()).min(1),
    ...importRuleOptions(),
  }),
);

export type AllowedRule = z.output<ReturnType<typeof allowedSchema>>;

/**
 * `allowed` (dependency-cruiser's `allowed` section, "not-in-allowed"): every import of the
 * constrained files — of a file, a package or something unresolvable — must match at least
 * one `allow` entry (its `from`, its `to` with the captures of its `from`, its kinds).
 */
export const allowedRule = describeRule<AllowedRule>({
  type: "allowed",
  schema: allowedSchema,
  summary:
    "every import of the constrained files must match one of the `allow` entries (dependency-cruiser not-in-allowed)",
  validate(rule, at, env) {
    const issues: ConfigIssue[] = [];
    if (rule.from !== undefined) checkSelector(rule, rule.from, [...at, "from"], env, issues);
    rule.allow.forEach((entry, i) => {
      if (entry.from !== undefined) checkSelector(rule, entry.from, [...at, "allow", i, "from"], env, issues);
      checkSelector(rule, entry.to, [...at, "allow", i, "to"], env, issues, {
        files: true,
        packages: true,
        unresolved: true,
      });
    });
    checkImportOptions(rule, at, env, issues);
    return issues;
  },
  incremental: () => "per-file",
  evaluate: evaluateAllowed,
});

interface CompiledEntry {
  readonly from: CompiledSelector | null;
  readonly to: CompiledSelector;
  readonly forms: number;
}

function evaluateAllowed(rule: AllowedRule, ctx: AccContext, run: RuleRun): Finding[] {
  const view = ruleView(ctx, rule);
  const scope =
    rule.from === undefined ? null : compileSelector(ctx, rule.from, { asPackages: rule.asPackages });
  const entries: CompiledEntry[] = rule.allow.map((entry) => {
    const from =
      entry.from === undefined ? null : compileSelector(ctx, entry.from, { asPackages: rule.asPackages });
    const outerNames = from?.captureNames() ?? new Set<string>();
    return {
      from,
      to: compileSelector(ctx, entry.to, { asPackages: rule.asPackages, outerNames }),
      forms: formFilter(entry.kinds, entry.ignoreKinds),
    };
  });
  const language = (node: number) => ctx.language[node] ?? null;
  const ruleForms = formFilter(rule.kinds, rule.ignoreKinds);
  const permits = (source: number, forms: number, test: (to: CompiledSelector) => boolean) =>
    entries.some((entry) => {
      if ((entry.forms & forms) === 0) return false;
      const match = entry.from === null ? { bindings: {} } : entry.from.file(source);
      return match !== null && test(entry.to.bound(match.bindings));
    });
  const edgeForm = (source: number, edge: ResolvedImport) => 1 << formOf(edge, language(source));
  const reason = "no `allow` entry of the rule permits it";
  const findings = judgeImports(
    rule,
    view,
    {
      group: (node) => (scope === null || scope.file(node) !== null ? String(node) : null),
      fileReason(source, target) {
        const k = ctx.out[source]!.indexOf(target);
        const forms = k < 0 ? 0 : ctx.outForms[source]![k]! & ruleForms;
        return permits(source, forms, (to) => to.file(target) !== null) ? null : reason;
      },
      packageReason: (source, importer, edge) =>
        importer !== source ||
        permits(source, edgeForm(source, edge), (to) => to.package(source, edge) !== null)
          ? null
          : { target: edge.external ?? edge.specifier, reason },
      unresolvedReason: (source, edge) =>
        permits(source, edgeForm(source, edge), (to) => to.unresolved(source, edge)) ? null : reason,
      blocked: () => true,
      describe: (node) => ctx.names[node]!,
    },
    false,
    run,
  );
  return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
}
