import type { AccConfig } from "../config/schema.ts";
import type { Finding, Notice } from "../findings.ts";
import type { Snapshot } from "../snapshot.ts";
import { UNREADABLE_FILE, unreadableFinding } from "../unreadable.ts";
import { ComponentMap } from "./components.ts";
import {
  type BuildGraphOptions,
  type BuildGraphResult,
  buildGraph,
  createProjectFiles,
  type GraphMemo,
  type GraphStats,
} from "./graph.ts";
import { type AccMetrics, computeMetrics } from "./metrics.ts";
import type { GraphFile, ImportGraph } from "./model.ts";
import { ProjectFacts } from "./project-facts.ts";
import { type AccContext, createAccContext, deriveAccContext } from "./rules/context.ts";
import { evaluateRules } from "./rules/index.ts";

export interface RunAccOptions
  extends Omit<BuildGraphOptions, "include" | "exclude" | "defaultExcludes" | "languages"> {
  /** Language support; default DEFAULT_LANGUAGES (the real TS/JS and Python extractors and resolvers). */
  readonly languages?: BuildGraphOptions["languages"] | undefined;
  /**
   * The result of the SAME config on a similar snapshot (the head's, when analysing the base).
   * Its graph memo is reused (see BuildGraphOptions.reuse), and when the resulting graph is
   * equal to its graph, so are the findings and metrics (rules see nothing but the graph and
   * the config), which are then taken over instead of being evaluated again.
   */
  readonly previous?: AccResult | undefined;
}

export interface AccStats extends GraphStats {
  /** Graph files mapped to a component. */
  readonly mappedFiles: number;
  readonly findings: number;
}

export interface AccResult {
  readonly graph: ImportGraph;
  readonly findings: Finding[];
  readonly notices: Notice[];
  readonly metrics: AccMetrics;
  readonly stats: AccStats;
  /** The graph build's memo: pass it as `reuse` when analysing a similar snapshot (the base). */
  readonly memo: GraphMemo;
  /** The rules' view of the graph (a later run with `previous` derives its own from it). */
  readonly context: AccContext;
  /** `context.facts.key`, readable without building the context (a result restored from disk builds it on use). */
  readonly factsKey: string;
}

/**
 * The ACC stream on one snapshot: build the import graph (include/exclude from the
 * config), map files to components, evaluate the rules. Suppressions and the base-vs-head
 * diff are applied later by the pipeline; this returns every finding.
 */
export function runAcc(snapshot: Snapshot, config: AccConfig, options: RunAccOptions = {}): AccResult {
  const { previous } = options;
  // The previous result's own unreadable files are not rule findings: the rules never see them.
  const previousRules =
    previous?.findings.some((f) => f.type === UNREADABLE_FILE) === true
      ? { ...previous, findings: previous.findings.filter((f) => f.type !== UNREADABLE_FILE) }
      : previous;
  const result = evaluate(snapshot, config, { ...options, previous: previousRules });
  const unreadable = result.built.unreadable.map((file) => unreadableFinding("acc", file));
  if (unreadable.length === 0) return result.acc;
  const findings = [...result.acc.findings, ...unreadable];
  return { ...result.acc, findings, stats: { ...result.acc.stats, findings: findings.length } };
}

/** runAcc without the unreadable files' findings, and the graph build it came from. */
function evaluate(
  snapshot: Snapshot,
  config: AccConfig,
  options: RunAccOptions,
): { acc: AccResult; built: BuildGraphResult } {
  const { previous, ...graphOptions } = options;
  const built = buildGraph(snapshot, {
    ...graphOptions,
    reuse: options.reuse ?? previous?.memo,
    include: config.include,
    exclude: config.exclude,
    defaultExcludes: config.defaultExcludes,
  });
  const facts = new ProjectFacts(createProjectFiles(snapshot.files), built.memo.blobs);
  if (previous !== undefined && previous.factsKey === facts.key) {
    const derived = deriveFromPrevious(built, previous, config);
    if (derived !== null) return { acc: derived, built };
  }
  const components = new ComponentMap(config.components);
  const context = createAccContext(built.graph, components, facts);
  const ruleNotices: Notice[] = [];
  const findings = evaluateRules(config.rules, context, undefined, { notices: ruleNotices });
  const metrics = computeMetrics(context);
  const mappedFiles = metrics.files.filter((file) => file.component !== null).length;
  const acc: AccResult = {
    graph: built.graph,
    findings,
    notices: [
      ...built.notices,
      ...components.overlapNotices(),
      ...emptyComponentNotices(config, metrics),
      ...ruleNotices,
    ],
    metrics,
    stats: { ...built.stats, mappedFiles, findings: findings.length },
    memo: built.memo,
    context,
    factsKey: facts.key,
  };
  return { acc, built };
}

/**
 * The result for a graph with the same files as the previous one, from the previous
 * result: findings and metrics taken over when no file's imports differ, else the context
 * derived and only what depends on the changed files evaluated again. Null when the graphs
 * do not have the same files and nodes (then everything is evaluated from scratch).
 */
function deriveFromPrevious(
  built: BuildGraphResult,
  previous: AccResult,
  config: AccConfig,
): AccResult | null {
  const changed = changedGraphFiles(built.graph, previous.graph);
  if (changed === null) return null;
  // Component notices depend only on the nodes and which of them are graph files: unchanged.
  const notices = [...built.notices, ...previous.notices.filter((notice) => GRAPH_NOTICES.has(notice.kind))];
  if (changed.length === 0) {
    notices.push(...previous.notices.filter((notice) => RULE_NOTICES.has(notice.kind)));
    return withFields(previous, {
      graph: built.graph,
      notices,
      stats: { ...built.stats, mappedFiles: previous.stats.mappedFiles, findings: previous.findings.length },
      memo: built.memo,
    });
  }
  const context = deriveAccContext(previous.context, built.graph, changed);
  if (context === null) return null;
  const changedNodes = changed
    .map((i) => context.index.get(built.graph.files[i]!.path)!)
    .sort((a, b) => a - b);
  const findings = evaluateRules(
    config.rules,
    context,
    { findings: previous.findings, changed: changedNodes },
    { notices },
  );
  const metrics = computeMetrics(context);
  return {
    graph: built.graph,
    findings,
    notices,
    metrics,
    stats: { ...built.stats, mappedFiles: previous.stats.mappedFiles, findings: findings.length },
    memo: built.memo,
    context,
    factsKey: previous.factsKey,
  };
}

/**
 * `{ ...result, ...fields }`, except that accessors are copied as accessors: a context the
 * CLI restores from disk is built only when read (a spread would build it here).
 */
function withFields(result: AccResult, fields: Partial<AccResult>): AccResult {
  return Object.defineProperties(
    {},
    { ...Object.getOwnPropertyDescriptors(result), ...Object.getOwnPropertyDescriptors(fields) },
  ) as AccResult;
}

/** Indexes of the files whose imports differ, or null when the graphs do not list the same paths. */
function changedGraphFiles(a: ImportGraph, b: ImportGraph): number[] | null {
  if (a.files.length !== b.files.length) return null;
  const changed: number[] = [];
  for (let i = 0; i < a.files.length; i++) {
    const x = a.files[i]!;
    const y = b.files[i]!;
    if (x.path !== y.path) return null;
    if (x !== y && !sameImports(x, y)) changed.push(i);
  }
  return changed;
}

/** Notices derived from the graph and the config alone (not from reading files). */
const GRAPH_NOTICES: ReadonlySet<string> = new Set(["component-overlap", "component-empty"]);

/** Notices the rules give (evaluateRules): taken over with the findings when nothing changed. */
const RULE_NOTICES: ReadonlySet<string> = new Set(["exemption-unmatched", "indirect-search-cut"]);

function sameImports(x: GraphFile, y: GraphFile): boolean {
  if (x.language !== y.language || x.imports.length !== y.imports.length) return false;
  for (let k = 0; k < x.imports.length; k++) {
    const p = x.imports[k]!;
    const q = y.imports[k]!;
    if (
      p.specifier !== q.specifier ||
      p.line !== q.line ||
      p.kind !== q.kind ||
      p.sideEffect !== q.sideEffect ||
      p.target !== q.target ||
      p.external !== q.external
    )
      return false;
  }
  return true;
}

/** A component no analysed file belongs to makes its rules silently vacuous: say so. */
function emptyComponentNotices(config: AccConfig, metrics: AccMetrics): Notice[] {
  return metrics.components
    .filter((component) => component.files === 0)
    .map((component) => ({
      file: null,
      kind: "component-empty",
      message:
        `component "${component.name}" matches no analysed file ` +
        `(globs: ${(config.components[component.name] ?? []).join(", ")}); rules naming it cannot fire`,
    }));
}
