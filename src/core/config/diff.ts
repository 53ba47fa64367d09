import type { AccConfig, MaestroConfig, Rule } from "./schema.ts";

/**
 * Human-readable list of the architecture changes between the base and the head config,
 * for the notice shown when a pull request edits `.github/maestro-hive.yml`. Empty when
 * nothing that affects ACC changed. Deterministic: rules in head order, removed ones after.
 */
export function describeConfigChanges(
  base: MaestroConfig | null | undefined,
  head: MaestroConfig | null | undefined,
): string[] {
  const before = base?.acc;
  const after = head?.acc;
  if (!before && !after) return [];
  if (!before)
    return [
      "ACC configuration added",
      ...(after?.rules ?? []).map((rule) => `rule ${describeRule(rule)} added`),
    ];
  if (!after) return ["ACC configuration removed: no architecture rules are checked any more"];
  return [
    ...componentChanges(before, after),
    ...ruleChanges(before.rules, after.rules),
    ...scopeChanges(before, after),
  ];
}

function ruleChanges(before: readonly Rule[], after: readonly Rule[]): string[] {
  const changes: string[] = [];
  const old = new Map(before.map((rule) => [rule.id, rule]));
  const next = new Set(after.map((rule) => rule.id));
  for (const rule of after) {
    const previous = old.get(rule.id);
    if (!previous) {
      changes.push(`rule ${describeRule(rule)} added`);
      continue;
    }
    const fields = fieldChanges(previous, rule);
    if (fields.length > 0) changes.push(`rule \`${rule.id}\` changed: ${fields.join("; ")}`);
  }
  for (const rule of before) {
    if (!next.has(rule.id)) changes.push(`rule ${describeRule(rule)} removed`);
  }
  return changes;
}

function fieldChanges(previous: Rule, rule: Rule): string[] {
  const a = previous as unknown as Record<string, unknown>;
  const b = rule as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => key !== "id");
  const changes: string[] = [];
  for (const key of keys) {
    const from = a[key];
    const to = b[key];
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    if (Array.isArray(from) && Array.isArray(to) && key !== "layers") {
      const added = to.filter((value) => !from.includes(value));
      const removed = from.filter((value) => !to.includes(value));
      const parts = [
        ...added.map((value) => `+${String(value)}`),
        ...removed.map((value) => `-${String(value)}`),
      ];
      changes.push(`${key} ${parts.join(" ")}`);
    } else {
      changes.push(`${key} ${show(from)} → ${show(to)}`);
    }
  }
  return changes;
}

function componentChanges(before: AccConfig, after: AccConfig): string[] {
  const changes: string[] = [];
  const names = [...new Set([...Object.keys(after.components), ...Object.keys(before.components)])];
  for (const name of names) {
    const from = before.components[name];
    const to = after.components[name];
    if (!from && to) changes.push(`component \`${name}\` added: ${to.join(", ")}`);
    else if (from && !to) changes.push(`component \`${name}\` removed`);
    else if (from && to && JSON.stringify(from) !== JSON.stringify(to)) {
      const added = to.filter((glob) => !from.includes(glob)).map((glob) => `+${glob}`);
      const removed = from.filter((glob) => !to.includes(glob)).map((glob) => `-${glob}`);
      const listed = [...added, ...removed];
      changes.push(
        `component \`${name}\` changed: ${listed.length > 0 ? listed.join(" ") : "glob order changed"}`,
      );
    }
  }
  const order = (config: AccConfig) => Object.keys(config.components).join(",");
  if (changes.length === 0 && order(before) !== order(after)) {
    changes.push("component order changed (a file belongs to the first component that matches it)");
  }
  return changes;
}

function scopeChanges(before: AccConfig, after: AccConfig): string[] {
  const changes: string[] = [];
  for (const key of ["include", "exclude", "defaultExcludes"] as const) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
      changes.push(`${key} ${show(before[key])} → ${show(after[key])}`);
    }
  }
  const ids = (config: AccConfig) => new Set(config.suppressions.map((suppression) => suppression.id));
  const beforeIds = ids(before);
  const afterIds = ids(after);
  for (const id of afterIds) if (!beforeIds.has(id)) changes.push(`suppression \`${id}\` added`);
  for (const id of beforeIds) if (!afterIds.has(id)) changes.push(`suppression \`${id}\` removed`);
  return changes;
}

function describeRule(rule: Rule): string {
  const body = (() => {
    switch (rule.type) {
      case "layers":
        return `layers ${rule.layers.join(" > ")}`;
      case "can-call":
        return `${rule.from} can-call ${rule.to.length > 0 ? rule.to.join(", ") : "(only itself)"}`;
      case "must-not-call":
        return `${rule.from} must-not-call ${rule.to.join(", ")}`;
      case "no-cycles":
        return `no-cycles (${rule.scope})`;
      case "coupling":
        return `coupling ${rule.metric} ≤ ${rule.max} on ${rule.from ?? "all"} ${rule.scope === "component" ? "components" : "files"}`;
    }
  })();
  return `\`${rule.id}\` (${body}, ${rule.severity})`;
}

function show(value: unknown): string {
  if (value === undefined) return "(unset)";
  if (Array.isArray(value)) return `[${value.join(", ")}]`;
  return String(value);
}
