import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import type { CompiledSelector, FileMatch } from "../select/compile.ts";
import { importRuleOptions, indirectSchema, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { judgeImports } from "./dependency-findings.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { describeSelector, unmatchedExemptionFindings } from "./edges.ts";
import { compileSelector, ruleView } from "./selection.ts";
import { ANYTHING, FILES, validateSelectors } from "./validation.ts";

export const forbiddenSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("forbidden"),
    from: selectorSchema(),
    to: selectorSchema(),
    indirect: indirectSchema().default(true),
    /** skip: a source unit may import a target unit it shares files with (import-linter's overlapping modules). */
    overlapping: z.enum(["check", "skip"]).default("check"),
    ...importRuleOptions(),
  }),
);

export type ForbiddenRule = z.output<ReturnType<typeof forbiddenSchema>>;

/**
 * `forbidden`: files of `from` must not import files or packages of `to`, directly or (by
 * default) through other files. Captures of `from` may be used in `to` (dependency-cruiser's
 * group matching), so `from: glob:packages/{pkg}/**` with
 * `to: { glob: "packages/*\/src/internal/**", not: "glob:packages/{pkg}/**" }` keeps every package
 * out of the others' internals.
 */
export const forbiddenRule = describeRule<ForbiddenRule>({
  type: "forbidden",
  schema: forbiddenSchema,
  summary: "files of `from` must not import files or packages of `to`, directly or through other files",
  validate: validateSelectors<ForbiddenRule>({ from: FILES, to: ANYTHING }, { importOptions: true }),
  incremental: (rule) => (rule.indirect === false ? "per-file" : "graph"),
  evaluate: evaluateForbidden,
});

function evaluateForbidden(rule: ForbiddenRule, ctx: AccContext, run: RuleRun): Finding[] {
  const view = ruleView(ctx, rule);
  const from = compileSelector(ctx, rule.from, { asPackages: rule.asPackages });
  const to = compileSelector(ctx, rule.to, { asPackages: rule.asPackages, outerNames: from.captureNames() });
  const overlap = new UnitOverlap(ctx, from);
  const reason = `${describeSelector(rule.from)} must not import ${describeSelector(rule.to)}`;
  const targetOf = (source: number): { match: FileMatch; to: CompiledSelector } | null => {
    const match = from.file(source);
    return match === null ? null : { match, to: to.bound(match.bindings) };
  };
  const findings = judgeImports(
    rule,
    view,
    {
      group: (node) => from.file(node)?.unit ?? null,
      fileReason(source, target) {
        if (source === target) return null;
        const side = targetOf(source);
        const hit = side?.to.file(target);
        if (!side || !hit) return null;
        if (rule.overlapping === "skip" && overlap.between(side.match.unit, side.to, hit.unit)) return null;
        return reason;
      },
      packageReason(source, importer, edge) {
        const name = targetOf(source)?.to.package(importer, edge) ?? null;
        return name === null ? null : { target: name, reason };
      },
      unresolvedReason: (source, edge) => (targetOf(source)?.to.unresolved(source, edge) ? reason : null),
      blocked: (source, node) => rule.indirect !== "any" && from.file(node)?.unit === from.file(source)?.unit,
      // import-linter: a chain to one forbidden module may pass through another.
      targetGroup: (source, node) => targetOf(source)?.to.file(node)?.unit ?? null,
      describe: (node) => ctx.names[node]!,
    },
    rule.indirect,
    run,
  );
  return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
}

/** Whether a source unit and a target unit share a file (import-linter: the same module, or one contains the other). */
class UnitOverlap {
  private readonly ctx: AccContext;
  private readonly from: CompiledSelector;
  private sourceUnits: Map<string, Set<number>> | null = null;
  private readonly targetUnits = new Map<CompiledSelector, Map<string, Set<number>>>();
  private readonly memo = new Map<string, boolean>();

  constructor(ctx: AccContext, from: CompiledSelector) {
    this.ctx = ctx;
    this.from = from;
  }

  between(sourceUnit: string, to: CompiledSelector, targetUnit: string): boolean {
    this.sourceUnits ??= unitsOf(this.ctx, this.from);
    let targets = this.targetUnits.get(to);
    if (!targets) {
      targets = unitsOf(this.ctx, to);
      this.targetUnits.set(to, targets);
    }
    const key = `${sourceUnit}\u0001${targetUnit}`;
    let shared = this.memo.get(key);
    if (shared === undefined) {
      const a = this.sourceUnits.get(sourceUnit) ?? new Set();
      const b = targets.get(targetUnit) ?? new Set();
      shared = [...a].some((node) => b.has(node));
      this.memo.set(key, shared);
    }
    return shared;
  }
}

function unitsOf(ctx: AccContext, selector: CompiledSelector): Map<string, Set<number>> {
  const units = new Map<string, Set<number>>();
  for (let node = 0; node < ctx.names.length; node++) {
    const match = selector.file(node);
    if (match === null) continue;
    const set = units.get(match.unit) ?? new Set<number>();
    set.add(node);
    units.set(match.unit, set);
  }
  return units;
}
