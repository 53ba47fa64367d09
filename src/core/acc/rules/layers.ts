import { z } from "zod";
import { ruleBase } from "../../config/primitives.ts";
import type { ConfigIssue } from "../../config/validate.ts";
import type { Finding } from "../../findings.ts";
import { once } from "../../once.ts";
import type { CompiledSelector } from "../select/compile.ts";
import {
  importRuleOptions,
  indirectSchema,
  PACKAGE_PREFIX,
  type SelectorValue,
  selectorSchema,
} from "../select/schema.ts";
import type { AccContext } from "./context.ts";
import { judgeImports } from "./dependency-findings.ts";
import { describeRule, type RuleRun } from "./descriptor.ts";
import { unmatchedExemptionFindings } from "./edges.ts";
import { accFinding, describeFile } from "./finding.ts";
import { type Container, expandContainers, memberSelector } from "./layer-containers.ts";
import { compileSelector, ruleView } from "./selection.ts";
import { checkComponent, checkImportOptions, checkSelector } from "./validation.ts";

const optional = once(() => z.boolean().optional());

const layerEntrySchema = once(() =>
  z.union(
    [
      z.string().min(1),
      z.strictObject({ layer: selectorSchema(), optional: optional() }),
      z.strictObject({ independent: z.array(selectorSchema()).min(2), optional: optional() }),
      z.strictObject({ siblings: z.array(selectorSchema()).min(2), optional: optional() }),
    ],
    {
      error:
        "a layer is a component (or selector) string, { layer, optional }, { independent: [two or more] } or { siblings: [two or more] }",
    },
  ),
);

export const layersSchema = once(() =>
  z.strictObject({
    ...ruleBase(),
    type: z.literal("layers"),
    /** Top to bottom. A string is a component (or a prefixed selector); `independent` / `siblings` share a level. */
    layers: z.array(layerEntrySchema()).min(2, "a layers rule lists at least two components"),
    /** Parents the layers repeat in: Python module expressions (`module:pkg.*`) or folder globs (`glob:src/features/*`). */
    containers: z.array(z.string().min(1)).min(1).optional(),
    /** With containers: every child of a container must be a listed layer (or in exhaustiveIgnores). */
    exhaustive: z.boolean().default(false),
    exhaustiveIgnores: z.array(z.string().min(1)).default([]),
    indirect: indirectSchema().default(true),
    ...importRuleOptions(),
  }),
);

export type LayersRule = z.output<ReturnType<typeof layersSchema>>;
type LayerEntry = LayersRule["layers"][number];

/** One level of a layers rule: its members, whether they are independent of each other, whether they may be absent. */
interface Level {
  readonly members: readonly { readonly value: SelectorValue; readonly at: (string | number)[] }[];
  readonly independent: boolean;
  /** Absent members are not an error (as before for component names, which get a notice instead). */
  readonly optional: boolean | null;
}

function levelsOf(rule: LayersRule): Level[] {
  return rule.layers.map((entry: LayerEntry, i) => {
    if (typeof entry === "string")
      return { members: [{ value: entry, at: [i] }], independent: false, optional: null };
    if ("layer" in entry)
      return {
        members: [{ value: entry.layer, at: [i, "layer"] }],
        independent: false,
        optional: entry.optional ?? null,
      };
    const list = "independent" in entry ? entry.independent : entry.siblings;
    const key = "independent" in entry ? "independent" : "siblings";
    return {
      members: list.map((value, k) => ({ value, at: [i, key, k] })),
      independent: "independent" in entry,
      optional: entry.optional ?? null,
    };
  });
}

/** The text of a member in messages. */
function memberName(value: SelectorValue): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

export const layersRule = describeRule<LayersRule>({
  type: "layers",
  schema: layersSchema,
  summary:
    "listed top to bottom, a layer may import its own and lower layers; a higher layer (or an independent sibling) is a violation, directly or through other files",
  validate: validateLayers,
  incremental: (rule) => (rule.indirect === false ? "per-file" : "graph"),
  evaluate: evaluateLayers,
});

function validateLayers(
  rule: LayersRule,
  at: readonly (string | number)[],
  env: { components: ReadonlySet<string> },
) {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const level of levelsOf(rule)) {
    for (const member of level.members) {
      const path = [...at, "layers", ...member.at];
      const text = memberName(member.value);
      if (seen.has(text)) issues.push({ path, message: `rule "${rule.id}" lists component "${text}" twice` });
      seen.add(text);
      if (rule.containers !== undefined) {
        if (typeof member.value !== "string" || !/^[A-Za-z0-9_.-]+$/.test(member.value))
          issues.push({
            path,
            message: `rule "${rule.id}": with containers, a layer is a name relative to its container (such as "domain")`,
          });
      } else if (
        typeof member.value === "string" &&
        (member.value.startsWith(PACKAGE_PREFIX) || !member.value.includes(":"))
      ) {
        checkComponent(
          rule,
          member.value,
          path,
          env,
          issues,
          "the `to` list of must-not-call and can-call rules",
        );
      } else {
        checkSelector(rule, member.value, path, env, issues);
      }
    }
  }
  (rule.containers ?? []).forEach((container, i) => {
    if (!container.startsWith("module:") && !container.startsWith("glob:"))
      issues.push({
        path: [...at, "containers", i],
        message: `rule "${rule.id}": a container is "module:EXPRESSION" or "glob:FOLDERS"`,
      });
    else checkSelector(rule, container, [...at, "containers", i], env, issues);
  });
  if (rule.exhaustive && rule.containers === undefined)
    issues.push({
      path: [...at, "exhaustive"],
      message: `rule "${rule.id}": exhaustive needs containers (as in import-linter)`,
    });
  checkImportOptions(rule, at, env, issues);
  return issues;
}

/** Whether an absent layer is a finding: selector members and container layers are required unless optional. */
function isRequired(rule: LayersRule, level: Level, value: SelectorValue): boolean {
  if (level.optional !== null) return !level.optional;
  return rule.containers !== undefined || typeof value !== "string" || value.includes(":");
}

interface Placement {
  readonly instance: number;
  readonly level: number;
  readonly member: number;
}

function evaluateLayers(rule: LayersRule, ctx: AccContext, run: RuleRun): Finding[] {
  const levels = levelsOf(rule);
  const containers = rule.containers === undefined ? [null] : expandContainers(ctx, rule.containers);
  const selectors = containers.map((container) =>
    levels.map((level) =>
      level.members.map((member) => memberSelectorFor(ctx, rule, container, member.value)),
    ),
  );
  const placement = componentLayers(rule, levels)
    ? placeByComponent(ctx, levels)
    : placeFiles(ctx, selectors);
  const groupOf = placement.map((at) => (at ? `${at.instance}:${at.level}:${at.member}` : null));
  const order = rule.layers.map((entry) => layerLabel(entry)).join(" > ");
  const view = ruleView(ctx, rule);
  const findings = judgeImports(
    rule,
    view,
    {
      group: (node) => groupOf[node] ?? null,
      fileReason: (source, target) => layerViolation(levels, placement[source], placement[target], order),
      blocked: (source, node) =>
        placement[node] !== undefined && placement[node]!.instance === placement[source]!.instance,
      // Every chain ends at a layer file; with one container, every layer file is a barrier too.
      sharedReach: {
        isTarget: (node) => placement[node] !== undefined,
        isBlocked: (node) => containers.length === 1 && placement[node] !== undefined,
      },
      describe: (node) => {
        const at = placement[node];
        if (at === undefined || (rule.containers === undefined && isComponentMember(levels, at)))
          return describeFile(ctx.names[node]!, ctx.component[node] ?? null);
        return `${ctx.names[node]} (${memberName(levels[at.level]!.members[at.member]!.value)})`;
      },
    },
    rule.indirect,
    run,
  );
  findings.push(...missingLayers(rule, levels, containers, placement));
  if (rule.exhaustive) findings.push(...unlistedChildren(rule, ctx, levels, containers));
  return findings.concat(unmatchedExemptionFindings(rule, view.unmatched, run));
}

function memberSelectorFor(
  ctx: AccContext,
  rule: LayersRule,
  container: Container | null,
  value: SelectorValue,
): CompiledSelector {
  if (container !== null) return memberSelector(ctx, container, value as string);
  if (typeof value === "string" && !value.includes(":")) return compileSelector(ctx, `component:${value}`);
  return compileSelector(ctx, value, { asPackages: rule.asPackages });
}

/** Layers made of component names only (the rule's original form): files are placed by their component. */
function componentLayers(rule: LayersRule, levels: readonly Level[]): boolean {
  return (
    rule.containers === undefined &&
    levels.every((level) => level.members.every((m) => typeof m.value === "string" && !m.value.includes(":")))
  );
}

function placeByComponent(ctx: AccContext, levels: readonly Level[]): (Placement | undefined)[] {
  const byComponent = new Map<string, Placement>();
  levels.forEach((level, li) => {
    level.members.forEach((member, mi) => {
      const name = member.value as string;
      if (!byComponent.has(name)) byComponent.set(name, { instance: 0, level: li, member: mi });
    });
  });
  return ctx.component.map((component) => (component === null ? undefined : byComponent.get(component)));
}

/** Each file's first (container, level, member), in config order; undefined when it is in no layer. */
function placeFiles(ctx: AccContext, selectors: readonly CompiledSelector[][][]): (Placement | undefined)[] {
  const placement = new Array<Placement | undefined>(ctx.names.length);
  // Placements are few: one object each, shared by their files.
  const shared = selectors.map((levels, instance) =>
    levels.map((members, level) => members.map((_, member) => ({ instance, level, member }))),
  );
  for (let node = 0; node < ctx.names.length; node++) {
    search: for (let instance = 0; instance < selectors.length; instance++) {
      const levels = selectors[instance]!;
      for (let level = 0; level < levels.length; level++) {
        for (let member = 0; member < levels[level]!.length; member++) {
          if (levels[level]![member]!.file(node) !== null) {
            placement[node] = shared[instance]![level]![member]!;
            break search;
          }
        }
      }
    }
  }
  return placement;
}

function layerViolation(
  levels: readonly Level[],
  from: Placement | undefined,
  to: Placement | undefined,
  order: string,
): string | null {
  if (from === undefined || to === undefined || from.instance !== to.instance) return null;
  const fromName = memberName(levels[from.level]!.members[from.member]!.value);
  const toName = memberName(levels[to.level]!.members[to.member]!.value);
  if (to.level < from.level)
    return `layer "${fromName}" may not depend on the higher layer "${toName}" (${order})`;
  if (to.level === from.level && to.member !== from.member && levels[from.level]!.independent)
    return `"${fromName}" and "${toName}" are independent siblings in one layer and may not depend on each other (${order})`;
  return null;
}

function isComponentMember(levels: readonly Level[], at: Placement): boolean {
  const value = levels[at.level]!.members[at.member]!.value;
  return typeof value === "string" && !value.includes(":");
}

function layerLabel(entry: LayerEntry): string {
  if (typeof entry === "string") return entry;
  if ("layer" in entry)
    return `${entry.optional ? "(" : ""}${memberName(entry.layer)}${entry.optional ? ")" : ""}`;
  const list = "independent" in entry ? entry.independent : entry.siblings;
  return list.map(memberName).join("independent" in entry ? " | " : " : ");
}

/** A required layer with no file (in a container): import-linter stops with "Missing layer". */
function missingLayers(
  rule: LayersRule,
  levels: readonly Level[],
  containers: readonly (Container | null)[],
  placement: readonly (Placement | undefined)[],
): Finding[] {
  const present = new Set<string>();
  for (const at of placement) if (at !== undefined) present.add(`${at.instance}:${at.level}:${at.member}`);
  const findings: Finding[] = [];
  containers.forEach((container, instance) => {
    levels.forEach((level, li) => {
      level.members.forEach((member, mi) => {
        if (!isRequired(rule, level, member.value) || present.has(`${instance}:${li}:${mi}`)) return;
        const name = memberName(member.value);
        const where = container === null ? "" : ` in container "${container.name}"`;
        findings.push(
          accFinding(rule, {
            identity: ["missing-layer", container?.name ?? "", name],
            file: null,
            line: null,
            target: container === null ? name : container.childName(name),
            message: `layer "${name}"${where} matches no file; mark it optional if it may be absent`,
          }),
        );
      });
    });
  });
  return findings;
}

/** Exhaustive: a child of a container that is no listed layer and not ignored. */
function unlistedChildren(
  rule: LayersRule,
  ctx: AccContext,
  levels: readonly Level[],
  containers: readonly (Container | null)[],
): Finding[] {
  const listed = new Set<string>([...rule.exhaustiveIgnores]);
  for (const level of levels) for (const member of level.members) listed.add(memberName(member.value));
  const findings: Finding[] = [];
  for (const container of containers) {
    if (container === null) continue;
    for (const child of container.children(ctx)) {
      if (listed.has(child)) continue;
      findings.push(
        accFinding(rule, {
          identity: ["unlisted-layer", container.name, child],
          file: null,
          line: null,
          target: container.childName(child),
          message: `"${container.childName(child)}" is not listed as a layer (the rule is exhaustive: every child of "${container.name}" must be a layer or in exhaustiveIgnores)`,
        }),
      );
    }
  }
  return findings;
}
