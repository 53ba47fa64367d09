import type { Finding } from "../../findings.ts";
import { CycleFinder, cyclicComponents } from "../cycles.ts";
import type { AccContext } from "./context.ts";
import { accFinding } from "./finding.ts";
import type { NoCyclesRule } from "./types.ts";

const MAX_LISTED_MEMBERS = 50;

/**
 * `no-cycles`: one finding per strongly connected component of the file graph (scope
 * file) or of the component graph (scope component). The message shows a shortest cycle
 * through the smallest member; the id hashes the sorted members, so it is the same on
 * every run and whatever order the files were read in. The finding sits on the first
 * import of that cycle (file, line, target = the next member).
 */
export function evaluateNoCycles(rule: NoCyclesRule, ctx: AccContext): Finding[] {
  return rule.scope === "component" ? componentCycles(rule, ctx) : fileCycles(rule, ctx);
}

function fileCycles(rule: NoCyclesRule, ctx: AccContext): Finding[] {
  const finder = new CycleFinder(ctx.out);
  return cyclicComponents(ctx.names.length, ctx.out).map((members) => {
    const cycle = finder.shortestCycleThrough(members[0]!, members);
    const first = cycle[0]!;
    const second = cycle[1] ?? first;
    const paths = cycle.map((node) => ctx.names[node]!);
    const memberPaths = members.map((node) => ctx.names[node]!);
    const lineOf = (from: number, to: number) => {
      const k = ctx.out[from]!.indexOf(to);
      return ctx.outLine[from]![k]!;
    };
    const steps = cycle.map(
      (node, i) => `${ctx.names[node]}:${lineOf(node, cycle[(i + 1) % cycle.length]!)}`,
    );
    return accFinding(rule, {
      identity: memberPaths,
      file: ctx.names[first]!,
      line: lineOf(first, second),
      target: ctx.names[second]!,
      message:
        `import cycle: ${[...paths, paths[0]].join(" → ")}` +
        (members.length > cycle.length ? ` (${members.length} files are in this cycle group)` : ""),
      details: `cycle (file:line of each import): ${steps.join(" → ")}\n${listMembers(memberPaths)}`,
    });
  });
}

function componentCycles(rule: NoCyclesRule, ctx: AccContext): Finding[] {
  const names = [...ctx.componentNames].sort();
  const id = new Map(names.map((name, i) => [name, i]));
  const targets = names.map(() => new Set<number>());
  // Representative file import per component edge: the first by (importing path, imported path).
  const witness = new Map<string, { from: number; to: number; line: number }>();
  for (let from = 0; from < ctx.names.length; from++) {
    const fromComponent = ctx.component[from];
    if (fromComponent == null || !ctx.isSource[from]) continue;
    const a = id.get(fromComponent)!;
    const out = ctx.out[from]!;
    for (let k = 0; k < out.length; k++) {
      const toComponent = ctx.component[out[k]!];
      if (toComponent == null || toComponent === fromComponent) continue;
      const b = id.get(toComponent)!;
      targets[a]!.add(b);
      const key = `${a}:${b}`;
      if (!witness.has(key)) witness.set(key, { from, to: out[k]!, line: ctx.outLine[from]![k]! });
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
    });
  });
}

function listMembers(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_LISTED_MEMBERS).join("\n  ");
  const more = paths.length > MAX_LISTED_MEMBERS ? `\n  … and ${paths.length - MAX_LISTED_MEMBERS} more` : "";
  return `files in the cycle group (${paths.length}):\n  ${shown}${more}`;
}
