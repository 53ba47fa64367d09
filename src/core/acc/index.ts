import type { AccConfig } from "../config/schema.ts";
import type { Finding, Notice } from "../findings.ts";
import type { Snapshot } from "../snapshot.ts";
import { ComponentMap } from "./components.ts";
import { type BuildGraphOptions, buildGraph, type GraphStats } from "./graph.ts";
import { type AccMetrics, computeMetrics } from "./metrics.ts";
import type { ImportGraph } from "./model.ts";
import { createAccContext } from "./rules/context.ts";
import { evaluateRules } from "./rules/index.ts";

export interface RunAccOptions
  extends Omit<BuildGraphOptions, "include" | "exclude" | "defaultExcludes" | "languages"> {
  /** Language support; default DEFAULT_LANGUAGES (the real TS/JS and Python extractors and resolvers). */
  readonly languages?: BuildGraphOptions["languages"] | undefined;
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
}

/**
 * The ACC stream on one snapshot: build the import graph (include/exclude from the
 * config), map files to components, evaluate the rules. Suppressions and the base-vs-head
 * diff are applied later by the pipeline; this returns every finding.
 */
export function runAcc(snapshot: Snapshot, config: AccConfig, options: RunAccOptions = {}): AccResult {
  const built = buildGraph(snapshot, {
    ...options,
    include: config.include,
    exclude: config.exclude,
    defaultExcludes: config.defaultExcludes,
  });
  const components = new ComponentMap(config.components);
  const ctx = createAccContext(built.graph, components);
  const findings = evaluateRules(config.rules, ctx);
  const metrics = computeMetrics(ctx);
  const mappedFiles = metrics.files.filter((file) => file.component !== null).length;
  return {
    graph: built.graph,
    findings,
    notices: [...built.notices, ...components.overlapNotices(), ...emptyComponentNotices(config, metrics)],
    metrics,
    stats: { ...built.stats, mappedFiles, findings: findings.length },
  };
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
