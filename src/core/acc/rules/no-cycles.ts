import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import type { Finding, Notice } from "../../findings.ts";
import { once } from "../../once.ts";
import { CycleFinder, cyclicComponents } from "../cycles.ts";
import type { CompiledSelector } from "../select/compile.ts";
import { exemptionSchema, kindOptions, selectorSchema, unmatchedAlertSchema } from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { MAX_INDIRECT_FINDINGS, reportCut } from "./dependency-findings.ts";
import { describeRule } from "./descriptor.ts";
import { type EdgeView, unmatchedExemptionFindings } from "./edges.ts";
import { accFinding } from "./finding.ts";
import { Budget, DEFAULT_REACH_BUDGET } from "./reach.ts";
import { compileSelector, ruleView } from "./selection.ts";
import { checkImportOptions, checkSelector } from "./validation.ts";

export const noCyclesSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("no-cycles"),
    scope: z.enum(["file", "component"]).default("file"),
    /** Cycles only through these import kinds (e.g. ignoreKinds: [type-only] for run-time cycles). */
    ...kindOptions(),
    exempt: z.array(exemptionSchema()).default([]),
    unmatchedExemptions: unmatchedAlertSchema().default("notice"),
    /** Only cycles whose files all match (dependency-cruiser viaOnly). */
    viaOnly: selectorSchema().optional(),
    /** Only cycle groups with at least one file that matches (dependency-cruiser via). */
    via: selectorSchema().optional(),
    /** group: one finding per cycle group; import: one per import that closes a cycle (dependency-cruiser). */
    report: z.enum(["group", "import"]).default("group"),
    /** With report: import, only imports from these files (their captures may be used in via). */
    from: selectorSchema().optional(),
  }),
);

export type NoCyclesRule = z.output<ReturnType<typeof noCyclesSchema>>;

const MAX_LISTED_MEMBERS = 50;

/**
 * `no-cycles`: one finding per strongly connected component of the file graph (scope
 * file) or of the component graph (scope component). The message shows a shortest cycle
 * through the smallest member; the id hashes the sorted members, so it is the same on
 * every run and whatever order the files were read in. The finding sits on the first
 * import of that cycle (file, line, target = the next member), and lists the members.
 */
export const noCyclesRule = describeRule<NoCyclesRule>({
  type: "no-cycles",
  schema: noCyclesSchema,
  summary:
    "no import cycles between files (or components); import kinds, via/viaOnly and exemptions narrow what counts",
  validate(rule, at, env) {
    const issues: ConfigIssue[] = [];
    if (rule.scope === "component") {
      for (const key of ["viaOnly", "via", "from"] as const)
        if (rule[key] !== undefined)
          issues.push({ path: [...at, key], message: `rule "${rule.id}": ${key} needs scope: file` });
      if (rule.report === "import")
        issues.push({
          path: [...at, "report"],
          message: `rule "${rule.id}": report: import needs scope: file`,
        });
    }
    if (rule.from !== undefined && rule.report !== "import")
      issues.push({ path: [...at, "from"], message: `rule "${rule.id}": from needs report: import` });
    for (const key of ["viaOnly", "via", "from"] as const) {
      const value = rule[key];
      if (value !== undefined) checkSelector(rule, value, [...at, key], env, issues);
    }
    checkImportOptions(rule, at, env, issues);
    return issues;
  },
  incremental: () => "graph",
  evaluate(rule, ctx, run) {
    const view = ruleView(ctx, rule);
    const findings =
      rule.scope === "component"
        ? componentCycles(rule, ctx, view)
        : fileCycles(rule, ctx, view, run.notices);
    return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
  },
});

/** The file graph the rule's cycles live in: its view, restricted to the viaOnly files. */
function cycleGraph(rule: NoCyclesRule, ctx: AccContext, view: EdgeView): (readonly number[])[] {
  const only = rule.viaOnly === undefined ? null : compileSelector(ctx, rule.viaOnly);
  const out: (readonly number[])[] = [];
  for (let node = 0; node < ctx.names.length; node++) {
    if (only !== null && only.file(node) === null) out.push([]);
    else out.push(only === null ? view.out(node) : view.out(node).filter((next) => only.file(next) !== null));
  }
  return out;
}

function fileCycles(rule: NoCyclesRule, ctx: AccContext, view: EdgeView, notices: Notice[]): Finding[] {
  const out = view.whole && rule.viaOnly === undefined ? ctx.out : cycleGraph(rule, ctx, view);
  const via =
    rule.via === undefined ? null : compileSelector(ctx, rule.via, { outerNames: fromNames(rule, ctx) });
  const groups = cyclicComponents(ctx.names.length, out);
  if (rule.report === "import") return importCycles(rule, ctx, view, out, groups, via, notices);
  const finder = new CycleFinder(out);
  const findings: Finding[] = [];
  for (const members of groups) {
    if (via !== null && !members.some((node) => via.file(node) !== null)) continue;
    const cycle = finder.shortestCycleThrough(members[0]!, members);
    const first = cycle[0]!;
    const second = cycle[1] ?? first;
    const paths = cycle.map((node) => ctx.names[node]!);
    const memberPaths = members.map((node) => ctx.names[node]!);
    const steps = cycle.map(
      (node, i) => `${ctx.names[node]}:${view.lineTo(node, cycle[(i + 1) % cycle.length]!)}`,
    );
    findings.push(
      accFinding(rule, {
        identity: memberPaths,
        file: ctx.names[first]!,
        line: view.lineTo(first, second),
        target: ctx.names[second]!,
        message:
          `import cycle: ${[...paths, paths[0]].join(" → ")}` +
          (members.length > cycle.length ? ` (${members.length} files are in this cycle group)` : ""),
        details: `cycle (file:line of each import): ${steps.join(" → ")}\n${listMembers(memberPaths)}`,
        members: memberPaths,
      }),
    );
  }
  return findings;
}

function fromNames(rule: NoCyclesRule, ctx: AccContext): Set<string> {
  return rule.from === undefined ? new Set() : compileSelector(ctx, rule.from).captureNames();
}

/**
 * dependency-cruiser's reporting: one finding per import (from a `from` file) whose target
 * leads back to it, with the shortest such cycle as its chain and members.
 */
function importCycles(
  rule: NoCyclesRule,
  ctx: AccContext,
  view: EdgeView,
  out: readonly (readonly number[])[],
  groups: readonly (readonly number[])[],
  via: CompiledSelector | null,
  notices: Notice[],
): Finding[] {
  const from = rule.from === undefined ? null : compileSelector(ctx, rule.from);
  const group = new Int32Array(ctx.names.length).fill(-1);
  groups.forEach((members, g) => {
    for (const node of members) group[node] = g;
  });
  const finder = new CycleFinder(out);
  const findings: Finding[] = [];
  const budget = new Budget(DEFAULT_REACH_BUDGET);
  let capped = false;
  for (let a = 0; a < ctx.names.length && !budget.exhausted && !capped; a++) {
    const g = group[a]!;
    if (g < 0 || !ctx.isSource[a]) continue;
    const match = from === null ? { bindings: {} } : from.file(a);
    if (match === null) continue;
    const members = groups[g]!;
    if (via !== null && !members.some((node) => via.bound(match.bindings).file(node) !== null)) continue;
    for (const b of out[a]!) {
      if (group[b] !== g) continue;
      if (findings.length >= MAX_INDIRECT_FINDINGS || budget.exhausted) {
        capped = findings.length >= MAX_INDIRECT_FINDINGS;
        break;
      }
      const cycle = [a, ...finder.shortestPath(b, a, members).slice(0, -1)];
      budget.spend(finder.lastSteps);
      const paths = cycle.map((node) => ctx.names[node]!);
      findings.push(
        accFinding(rule, {
          identity: [ctx.names[a]!, ctx.names[b]!],
          file: ctx.names[a]!,
          line: view.lineTo(a, b),
          target: ctx.names[b]!,
          message: `import closes a cycle: ${[...paths, paths[0]].join(" → ")}`,
          chain: cycle.map((node, i) => {
            const next = cycle[(i + 1) % cycle.length]!;
            return { file: ctx.names[node]!, line: view.lineTo(node, next), target: ctx.names[next]! };
          }),
          members: [...new Set(paths)].sort(),
        }),
      );
    }
  }
  reportCut(rule, notices, findings, budget, capped);
  return findings;
}

function componentCycles(rule: NoCyclesRule, ctx: AccContext, view: EdgeView): Finding[] {
  const names = [...ctx.componentNames].sort();
  const id = new Map(names.map((name, i) => [name, i]));
  const targets = names.map(() => new Set<number>());
  // Representative file import per component edge: the first by (importing path, imported path).
  const witness = new Map<string, { from: number; to: number; line: number }>();
  for (let from = 0; from < ctx.names.length; from++) {
    const fromComponent = ctx.component[from];
    if (fromComponent == null || !ctx.isSource[from]) continue;
    const a = id.get(fromComponent)!;
    const out = view.out(from);
    for (let k = 0; k < out.length; k++) {
      const toComponent = ctx.component[out[k]!];
      if (toComponent == null || toComponent === fromComponent) continue;
      const b = id.get(toComponent)!;
      targets[a]!.add(b);
      const key = `${a}:${b}`;
      if (!witness.has(key)) witness.set(key, { from, to: out[k]!, line: view.line(from, k) });
    }
  }
  const out = targets.map((set) => [...set].sort((x, y) => x - y));
  const finder = new CycleFinder(out);
  return cyclicComponents(names.length, out).map((members) => {
    const cycle = finder.shortestCycleThrough(members[0]!, members);
    const edges = cycle.map((node, i) => witness.get(`${node}:${cycle[(i + 1) % cycle.length]}`)!);
    const firstEdge = edges[0]!;
    const cycleNames = cycle.map((node) => names[node]!);
    const memberNames = members.map((node) => names[node]!);
    const steps = edges.map(
      (edge, i) =>
        `${cycleNames[i]} → ${cycleNames[(i + 1) % cycle.length]}: ${ctx.names[edge.from]}:${edge.line} imports ${ctx.names[edge.to]}`,
    );
    return accFinding(rule, {
      identity: memberNames,
      file: ctx.names[firstEdge.from]!,
      line: firstEdge.line,
      target: cycleNames[1]!,
      message:
        `component cycle: ${[...cycleNames, cycleNames[0]].join(" → ")}` +
        (members.length > cycle.length
          ? ` (${members.length} components are in this cycle group: ${memberNames.join(", ")})`
          : ""),
      details: steps.join("\n"),
      members: memberNames,
    });
  });
}

function listMembers(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_LISTED_MEMBERS).join("\n  ");
  const more = paths.length > MAX_LISTED_MEMBERS ? `\n  … and ${paths.length - MAX_LISTED_MEMBERS} more` : "";
  return `files in the cycle group (${paths.length}):\n  ${shown}${more}`;
}
