import { ComponentMap } from "../../../../src/core/acc/components.ts";
import { runAcc } from "../../../../src/core/acc/index.ts";
import type {
  GraphFile,
  ImportGraph,
  ImportKind,
  Language,
  ResolvedImport,
} from "../../../../src/core/acc/model.ts";
import { type AccContext, createAccContext } from "../../../../src/core/acc/rules/context.ts";
import { evaluateRules } from "../../../../src/core/acc/rules/index.ts";
import { loadConfig } from "../../../../src/core/config/load.ts";
import type { AccConfig } from "../../../../src/core/config/schema.ts";
import type { Finding } from "../../../../src/core/findings.ts";
import { snapshotOf } from "../helpers.ts";

/** An import written as "target", "target@line", "pkg:name@line" (external) or "type:target@line". */
export type EdgeSpec = string;

/**
 * A graph from a compact description: { "a.ts": ["b.ts@3", "pkg:lodash@1"] }. Every key is a
 * file of the graph; languages come from the extension. Lines default to the position in
 * the list (1-based).
 */
export function graphOf(spec: Record<string, readonly EdgeSpec[]>): ImportGraph {
  const files: GraphFile[] = Object.entries(spec)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([path, edges]) => ({
      path,
      language: (path.endsWith(".py") ? "python" : "typescript") as Language,
      imports: edges.map((edge, i) => parseEdge(edge, i + 1)),
    }));
  return { files };
}

function parseEdge(edge: string, defaultLine: number): ResolvedImport {
  const match = /^(.*?)(?:@(\d+))?$/.exec(edge)!;
  const body = match[1]!;
  const line = match[2] === undefined ? defaultLine : Number(match[2]);
  let kind: ImportKind = "import";
  let rest = body;
  if (rest.startsWith("type:")) {
    kind = "type";
    rest = rest.slice(5);
  }
  if (rest.startsWith("pkg:")) {
    const specifier = rest.slice(4);
    const external = specifier.startsWith("@")
      ? specifier.split("/").slice(0, 2).join("/")
      : specifier.split(/[/.]/)[0]!;
    return { specifier, line, kind, target: null, external };
  }
  return { specifier: `./${rest}`, line, kind, target: rest, external: null };
}

export function accConfig(yaml: string): AccConfig {
  const result = loadConfig(yaml, "test.yml");
  if (!result.ok)
    throw new Error(
      result.errors.map((error) => `${error.line}:${error.column} ${error.message}`).join("\n"),
    );
  if (!result.config.acc) throw new Error("no acc section");
  return result.config.acc;
}

export function contextOf(config: AccConfig, graph: ImportGraph): AccContext {
  return createAccContext(graph, new ComponentMap(config.components));
}

export function findingsOf(yaml: string, graph: ImportGraph): Finding[] {
  const config = accConfig(yaml);
  return evaluateRules(config.rules, contextOf(config, graph));
}

/** The identifying fields of findings, for exact comparisons. */
export function brief(findings: readonly Finding[]) {
  return findings.map(({ rule, file, line, target }) => ({ rule, file, line, target }));
}

export const THREE_TIER = `acc:
  components:
    presentation: ["app/routes/**", "app/api/**"]
    business: ["app/services/**"]
    data: ["app/repositories/**"]
`;

/** The real pipeline on source text: extractors, resolvers, manifests, then the rules of `yaml`. */
export function runOn(files: Record<string, string>, yaml: string) {
  return runAcc(snapshotOf(files), accConfig(yaml));
}

/** Findings of one rule as (file, line, target), plus the chain's files when indirect. */
export function pairs(findings: readonly Finding[], rule?: string) {
  return findings
    .filter((finding) => rule === undefined || finding.rule === rule)
    .map(({ file, line, target, chain }) => ({
      file,
      line,
      target,
      ...(chain ? { via: chain.slice(1).map((hop) => hop.file) } : {}),
    }));
}
