import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { DECLARED_CLASSES, type DeclaredClass, importRuleOptions, selectorSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { unmatchedExemptionFindings } from "./edges.ts";
import { accFinding } from "./finding.ts";
import { compileSelector, ruleView, scopedSources } from "./selection.ts";
import { FILES, validateSelectors } from "./validation.ts";

export const dependenciesSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("dependencies"),
    /** The files checked (all analysed files when absent); typically production code, e.g. `glob:src/**`. */
    from: selectorSchema().optional(),
    /** How a package may not be declared for these files: e.g. [dev, undeclared] for production code. */
    forbid: z.array(z.enum(DECLARED_CLASSES)).min(1).default(["undeclared", "no-manifest"]),
    ...importRuleOptions(),
  }),
);

export type DependenciesRule = z.output<ReturnType<typeof dependenciesSchema>>;

const EXPLAIN: Readonly<Record<DeclaredClass, string>> = {
  production: "declared in the production dependencies",
  dev: "declared only as a development dependency",
  optional: "declared as an optional dependency",
  peer: "declared as a peer dependency",
  bundled: "declared as a bundled dependency",
  undeclared: "not declared",
  "no-manifest": "imported where no manifest declares dependencies",
  builtin: "a built-in module",
  duplicate: "declared in more than one section",
};

/**
 * `dependencies`: package imports checked against the nearest manifest (manifests.ts):
 * production code importing a devDependency, a package that is not declared, … A package the
 * production dependencies declare passes whatever other sections list it too (only
 * `duplicate` still applies). One finding per (file, package).
 */
export const dependenciesRule = describeRule<DependenciesRule>({
  type: "dependencies",
  schema: dependenciesSchema,
  summary:
    "a package import must be declared in the nearest package.json / pyproject.toml / requirements / setup.cfg, and not as any of `forbid`",
  validate: validateSelectors<DependenciesRule>({ from: FILES }, { importOptions: true }),
  incremental: () => "per-file",
  evaluate(rule, ctx: AccContext, run: RuleRun): Finding[] {
    const view = ruleView(ctx, rule);
    const scope =
      rule.from === undefined ? null : compileSelector(ctx, rule.from, { asPackages: rule.asPackages });
    const findings: Finding[] = [];
    for (const node of scopedSources(ctx, scope, run.only)) {
      const path = ctx.names[node]!;
      const seen = new Set<string>();
      for (const edge of view.packages(node)) {
        const name = edge.external!;
        if (seen.has(name)) continue;
        const classes = effectiveClasses(
          ctx.facts.manifests.classify(path, ctx.language[node] ?? null, edge),
        );
        const broken = rule.forbid.find((forbidden) => classes.includes(forbidden));
        if (broken === undefined) continue;
        seen.add(name);
        const manifest = ctx.facts.manifests.manifestOf(path, ctx.language[node] ?? null);
        findings.push(
          accFinding(rule, {
            identity: [path, name],
            file: path,
            line: edge.line,
            target: name,
            message: `${path} imports package "${name}", which is ${EXPLAIN[broken]}${manifest ? ` (${manifest})` : ""}`,
          }),
        );
      }
    }
    return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
  },
});

/** A package the production dependencies declare is fine whatever other sections also list it (except `duplicate`). */
function effectiveClasses(classes: readonly DeclaredClass[]): readonly DeclaredClass[] {
  if (!classes.includes("production")) return classes;
  return classes.filter((declared) => declared === "production" || declared === "duplicate");
}
