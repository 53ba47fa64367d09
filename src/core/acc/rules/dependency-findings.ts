/**
 * Findings of the rules that judge imports between sets of files (forbidden, layers,
 * independence, protected, allowed): direct imports first, then, when the rule follows
 * indirect imports, the chains to targets the file does not import directly. One finding
 * per (importing file, imported file or package); its id hashes that pair only, so a
 * violation keeps its id whether it is direct or reached through other files.
 */
import type { ChainHop, Finding, Notice } from "../../findings.ts";
import type { ResolvedImport } from "../model.ts";
import type { Indirect } from "../select/schema.ts";
import type { BaseRule, RuleRun } from "./descriptor.ts";
import type { EdgeView } from "./edges.ts";
import { accFinding } from "./finding.ts";
import {
  Budget,
  DEFAULT_REACH_BUDGET,
  findChains,
  leadingNodes,
  type ReachGroup,
  ReverseIndex,
} from "./reach.ts";

export interface ImportJudge {
  /**
   * The source group of a node, or null when the rule does not constrain it. Sources with
   * the same group must get the same answers from every other method (they are asked once
   * per group when chains are searched).
   */
  group(node: number): string | null;
  /** Why a source may not import file `to`, or null. */
  fileReason(source: number, to: number): string | null;
  /** For a package import of `importer` (the source itself, or a file on its chain): the target and why, or null. */
  packageReason?(
    source: number,
    importer: number,
    edge: ResolvedImport,
  ): { target: string; reason: string } | null;
  /** For an import of the source that resolves to nothing: why it is not allowed, or null. */
  unresolvedReason?(source: number, edge: ResolvedImport): string | null;
  /** Nodes a chain from this source may not pass through. */
  blocked(source: number, node: number): boolean;
  /**
   * The target unit of a file target (a listed module, a wildcard match): when given, chains
   * are searched per target unit and may pass through the files of the OTHER target units —
   * import-linter's forbidden contract (grimp hides only the source and forbidden module at
   * hand); a package target is then its own unit. Without it a chain ends at the first target.
   */
  targetGroup?(source: number, node: number): string | null;
  /** How a file is named in messages. */
  describe(node: number): string;
  /**
   * For chains: a target test that holds for every group's targets and a barrier that every
   * group has (or less), when the rule can say so; the nodes that can lead to a target are
   * then found once instead of once per group (independence among many modules).
   */
  sharedReach?: { isTarget(node: number): boolean; isBlocked(node: number): boolean } | undefined;
}

/** At most this many indirect findings per rule: beyond, the rule is broken wholesale and a notice says so. */
export const MAX_INDIRECT_FINDINGS = 1000;

export function judgeImports(
  rule: BaseRule,
  view: EdgeView,
  judge: ImportJudge,
  indirect: Indirect,
  run: RuleRun,
): Finding[] {
  const findings = directFindings(rule, view, judge, run.only);
  if (indirect === false) return findings;
  const reported = new Set(findings.map((finding) => `${finding.file}\u0000${finding.target}`));
  return findings.concat(chainFindings(rule, view, judge, indirect, reported, run.notices));
}

function directFindings(
  rule: BaseRule,
  view: EdgeView,
  judge: ImportJudge,
  only: readonly number[] | undefined,
): Finding[] {
  const { ctx } = view;
  const findings: Finding[] = [];
  const count = only ? only.length : ctx.names.length;
  for (let i = 0; i < count; i++) {
    const source = only ? only[i]! : i;
    if (!ctx.isSource[source] || judge.group(source) === null) continue;
    const path = ctx.names[source]!;
    const targets = view.out(source);
    for (let k = 0; k < targets.length; k++) {
      const reason = judge.fileReason(source, targets[k]!);
      if (reason === null) continue;
      const target = ctx.names[targets[k]!]!;
      findings.push(
        accFinding(rule, {
          identity: [path, target],
          file: path,
          line: view.line(source, k),
          target,
          message: `${judge.describe(source)} imports ${judge.describe(targets[k]!)}: ${reason}`,
        }),
      );
    }
    if (judge.packageReason) {
      const seen = new Set<string>();
      for (const edge of view.packages(source)) {
        const verdict = judge.packageReason(source, source, edge);
        if (verdict === null || seen.has(verdict.target)) continue;
        seen.add(verdict.target);
        findings.push(
          accFinding(rule, {
            identity: [path, verdict.target],
            file: path,
            line: edge.line,
            target: verdict.target,
            message: `${judge.describe(source)} imports package "${edge.specifier}": ${verdict.reason}`,
          }),
        );
      }
    }
    if (judge.unresolvedReason) {
      const seen = new Set<string>();
      for (const edge of view.unresolved(source)) {
        const reason = judge.unresolvedReason(source, edge);
        if (reason === null || seen.has(edge.specifier)) continue;
        seen.add(edge.specifier);
        findings.push(
          accFinding(rule, {
            identity: [path, edge.specifier],
            file: path,
            line: edge.line,
            target: edge.specifier,
            message: `${judge.describe(source)} imports "${edge.specifier}", which resolves to nothing: ${reason}`,
          }),
        );
      }
    }
  }
  return findings;
}

function chainFindings(
  rule: BaseRule,
  view: EdgeView,
  judge: ImportJudge,
  indirect: true | "any",
  reported: ReadonlySet<string>,
  notices: Notice[],
): Finding[] {
  const { ctx } = view;
  const groups = new Map<string, number[]>();
  for (let node = 0; node < ctx.names.length; node++) {
    if (!ctx.isSource[node]) continue;
    const key = judge.group(node);
    if (key === null) continue;
    const list = groups.get(key);
    if (list) list.push(node);
    else groups.set(key, [node]);
  }
  // A chain needs a file in the middle that is neither a barrier nor a target.
  const middle = judge.sharedReach;
  if (middle && !ctx.names.some((_, node) => !middle.isTarget(node) && !middle.isBlocked(node))) return [];
  const budget = new Budget(DEFAULT_REACH_BUDGET);
  const reverse = new ReverseIndex(view);
  const shared = judge.sharedReach ? leadingNodes(view, judge.sharedReach, budget, reverse) : undefined;
  const findings: Finding[] = [];
  let capped = false;
  for (const sources of groups.values()) {
    if (findings.length >= MAX_INDIRECT_FINDINGS) {
      capped = true;
      break;
    }
    const first = sources[0]!;
    const searches: Pick<ReachGroup, "isTarget" | "packageTarget">[] = judge.targetGroup
      ? perTargetUnit(ctx.names.length, judge, first)
      : [
          {
            isTarget: (node) => judge.fileReason(first, node) !== null,
            packageTarget: judge.packageReason
              ? (node, edge) => judge.packageReason!(first, node, edge)?.target ?? null
              : undefined,
          },
        ];
    const reached = searches.flatMap((search) =>
      findChains(
        view,
        {
          sources,
          ...search,
          isBlocked: (node) => judge.blocked(first, node),
          throughTargets: indirect === "any",
        },
        budget,
        reverse,
        judge.targetGroup ? undefined : shared,
        MAX_INDIRECT_FINDINGS + 1 - findings.length,
      ),
    );
    for (const hit of reached) {
      const source = ctx.names[hit.source]!;
      const target = hit.packageName ?? ctx.names[hit.target]!;
      if (reported.has(`${source}\u0000${target}`)) continue;
      const chain = chainHops(view, hit.path, hit.packageEdge, hit.packageName);
      const reason =
        hit.packageName === null
          ? judge.fileReason(hit.source, hit.target)!
          : judge.packageReason!(hit.source, hit.path[hit.path.length - 1]!, hit.packageEdge!)!.reason;
      const what = hit.packageName === null ? judge.describe(hit.target) : `package "${hit.packageName}"`;
      findings.push(
        accFinding(rule, {
          identity: [source, target],
          file: source,
          line: chain[0]!.line,
          target,
          message: `${judge.describe(hit.source)} imports ${what} indirectly (${chain.length} imports: ${[source, ...chain.map((hop) => hop.target)].join(" → ")}): ${reason}`,
          chain,
        }),
      );
    }
  }
  reportCut(rule, notices, findings, budget, capped);
  return findings;
}

/**
 * One search per target unit (files only; chains may cross the other units), plus one for
 * package targets, which chains may reach through any internal file.
 */
function perTargetUnit(
  n: number,
  judge: ImportJudge,
  first: number,
): Pick<ReachGroup, "isTarget" | "packageTarget">[] {
  const units = new Map<string, Set<number>>();
  for (let node = 0; node < n; node++) {
    if (judge.fileReason(first, node) === null) continue;
    const unit = judge.targetGroup!(first, node) ?? "";
    const set = units.get(unit);
    if (set) set.add(node);
    else units.set(unit, new Set([node]));
  }
  const searches: Pick<ReachGroup, "isTarget" | "packageTarget">[] = [...units.values()].map((set) => ({
    isTarget: (node: number) => set.has(node),
  }));
  if (judge.packageReason)
    searches.push({
      isTarget: () => false,
      packageTarget: (node, edge) => judge.packageReason!(first, node, edge)?.target ?? null,
    });
  return searches;
}

/**
 * A notice when a search was cut short: more than MAX_INDIRECT_FINDINGS findings (the rest
 * are dropped: the rule is broken wholesale) or the step budget spent (some may be missing).
 */
export function reportCut(
  rule: BaseRule,
  notices: Notice[],
  findings: Finding[],
  budget: Budget,
  capped: boolean,
): void {
  if (capped || findings.length > MAX_INDIRECT_FINDINGS) {
    notices.push({
      file: null,
      kind: "indirect-search-cut",
      message: `rule "${rule.id}": more than ${MAX_INDIRECT_FINDINGS} violations through other files; only the first ${MAX_INDIRECT_FINDINGS} are reported`,
    });
    findings.length = Math.min(findings.length, MAX_INDIRECT_FINDINGS);
  }
  if (budget.exhausted)
    notices.push({
      file: null,
      kind: "indirect-search-cut",
      message: `rule "${rule.id}": the search through other files stopped after ${DEFAULT_REACH_BUDGET} steps; some violations may be missing`,
    });
}

/** The hops of a chain: each node imports the next; a package target adds the last node's import of it. */
export function chainHops(
  view: EdgeView,
  path: readonly number[],
  packageEdge: ResolvedImport | null,
  packageName: string | null,
): ChainHop[] {
  const { ctx } = view;
  const hops: ChainHop[] = [];
  for (let i = 0; i + 1 < path.length; i++) {
    hops.push({
      file: ctx.names[path[i]!]!,
      line: view.lineTo(path[i]!, path[i + 1]!),
      target: ctx.names[path[i + 1]!]!,
    });
  }
  if (packageEdge !== null && packageName !== null)
    hops.push({ file: ctx.names[path[path.length - 1]!]!, line: packageEdge.line, target: packageName });
  return hops;
}
