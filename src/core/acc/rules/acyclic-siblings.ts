import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import { CycleFinder, cyclicComponents } from "../cycles.ts";
import { importRuleOptions } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { type EdgeView, unmatchedExemptionFindings } from "./edges.ts";
import { accFinding } from "./finding.ts";
import { type Container, expandContainers } from "./layer-containers.ts";
import { ruleView } from "./selection.ts";
import { checkImportOptions, checkSelector } from "./validation.ts";

export const acyclicSiblingsSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("acyclic-siblings"),
    /** The packages whose children are checked: `module:pkg`, `module:pkg.*`, or folders `glob:src/*`. */
    ancestors: z.array(z.string().min(1)).min(1),
    /** Generations below the ancestors also checked (0: only the ancestors' children). */
    depth: z.number().int().min(0).default(10),
    /** Packages whose children are not checked (they still count inside their parents). */
    skipDescendants: z.array(z.string().min(1)).default([]),
    ...importRuleOptions(),
  }),
);

export type AcyclicSiblingsRule = z.output<ReturnType<typeof acyclicSiblingsSchema>>;

/**
 * `acyclic-siblings` (import-linter acyclic_siblings): the children of each ancestor must
 * not depend on each other in a cycle, where a child depends on another when any file in it
 * imports any file in the other; then the same for the children's children, `depth`
 * generations down. One finding per cycle group of siblings.
 */
export const acyclicSiblingsRule = describeRule<AcyclicSiblingsRule>({
  type: "acyclic-siblings",
  schema: acyclicSiblingsSchema,
  summary:
    "the children of each ancestor package (and of theirs, `depth` generations down) must not depend on each other in a cycle",
  validate(rule, at, env) {
    const issues: ConfigIssue[] = [];
    for (const key of ["ancestors", "skipDescendants"] as const)
      rule[key].forEach((entry, i) => {
        if (!entry.startsWith("module:") && !entry.startsWith("glob:"))
          issues.push({
            path: [...at, key, i],
            message: `rule "${rule.id}": write "module:EXPRESSION" or "glob:FOLDERS"`,
          });
        else checkSelector(rule, entry, [...at, key, i], env, issues);
      });
    checkImportOptions(rule, at, env, issues);
    return issues;
  },
  incremental: () => "graph",
  evaluate(rule, ctx: AccContext, run: RuleRun): Finding[] {
    const view = ruleView(ctx, rule);
    const skipped = new Set(expandContainers(ctx, rule.skipDescendants).map((c) => c.name));
    const findings: Finding[] = [];
    const visit = (container: Container, depth: number) => {
      findings.push(...siblingCycles(rule, ctx, view, container));
      if (depth >= rule.depth) return;
      for (const child of container.children(ctx)) {
        const name = container.childName(child);
        if (skipped.has(name)) continue;
        const [inner] = expandContainers(ctx, [`${container.kind === "module" ? "module" : "glob"}:${name}`]);
        if (inner) visit(inner, depth + 1);
      }
    };
    for (const ancestor of expandContainers(ctx, rule.ancestors)) visit(ancestor, 0);
    return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
  },
});

/** The cycle groups among a container's children. */
function siblingCycles(
  rule: AcyclicSiblingsRule,
  ctx: AccContext,
  view: EdgeView,
  container: Container,
): Finding[] {
  const children = container.children(ctx);
  if (children.length < 2) return [];
  const index = new Map(children.map((child, i) => [child, i]));
  const childOf = (node: number): number => {
    const child = container.childOf(ctx, node);
    return child === null ? -1 : (index.get(child) ?? -1);
  };
  const owner = ctx.names.map((_, node) => childOf(node));
  const out = children.map(() => new Set<number>());
  const witness = new Map<string, { from: number; to: number; line: number; count: number }>();
  for (let from = 0; from < ctx.names.length; from++) {
    const a = owner[from]!;
    if (a < 0) continue;
    const targets = view.out(from);
    for (let k = 0; k < targets.length; k++) {
      const b = owner[targets[k]!]!;
      if (b < 0 || b === a) continue;
      out[a]!.add(b);
      const key = `${a}:${b}`;
      const seen = witness.get(key);
      if (seen) seen.count++;
      else witness.set(key, { from, to: targets[k]!, line: view.line(from, k), count: 1 });
    }
  }
  const adjacency = out.map((set) => [...set].sort((x, y) => x - y));
  const finder = new CycleFinder(adjacency);
  return cyclicComponents(children.length, adjacency).map((members) => {
    const cycle = finder.shortestCycleThrough(members[0]!, members);
    const edges = cycle.map((node, i) => witness.get(`${node}:${cycle[(i + 1) % cycle.length]}`)!);
    const names = members.map((member) => container.childName(children[member]!));
    const cycleNames = cycle.map((member) => children[member]!);
    const first = edges[0]!;
    return accFinding(rule, {
      identity: [container.name, ...names],
      file: ctx.names[first.from]!,
      line: first.line,
      target: container.childName(cycleNames[1] ?? cycleNames[0]!),
      message: `the children of ${container.name} depend on each other in a cycle: ${[...cycleNames, cycleNames[0]].join(" → ")}`,
      details: edges
        .map(
          (edge, i) =>
            `.${cycleNames[i]} -> .${cycleNames[(i + 1) % cycle.length]} (${edge.count} import${edge.count === 1 ? "" : "s"}, e.g. ${ctx.names[edge.from]}:${edge.line})`,
        )
        .join("\n"),
      members: names,
    });
  });
}
