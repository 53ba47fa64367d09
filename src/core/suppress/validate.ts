import { isExpired, type Suppression } from "./model.ts";
import { normalizePattern, patternSyntaxError } from "./pattern.ts";

/**
 * Validation of suppressions, with messages meant for the person who wrote them.
 *
 * Errors make an entry invalid; warnings are reported but the entry stays. An expiry in
 * the past is an error when the suppression is being created, but only a warning when an
 * existing one is loaded (config or database): it simply stops applying, and a config
 * file must not start failing on the day an entry expires.
 */

export interface SuppressionIssue {
  readonly id: string;
  readonly field: keyof Suppression | "id";
  readonly message: string;
}

export interface ValidationResult {
  readonly errors: SuppressionIssue[];
  readonly warnings: SuppressionIssue[];
}

export interface ValidationContext {
  readonly now: Date;
  /** "create": a new entry (expiry must be in the future); "load": an existing one. */
  readonly mode: "create" | "load";
  /** Ids already taken in this repository (create mode: a clash is "already exists"). */
  readonly existingIds?: ReadonlySet<string>;
  /** Configured rule id → rule type; when given, an unknown `rule` is a warning. */
  readonly rules?: ReadonlyMap<string, string>;
}

/** Rule types whose findings carry a measured `value` a threshold can compare with. */
const MEASURED_RULE_TYPES = new Set(["coupling"]);

export function validateSuppression(suppression: Suppression, context: ValidationContext): ValidationResult {
  const errors: SuppressionIssue[] = [];
  const warnings: SuppressionIssue[] = [];
  const id = suppression.id.trim();
  const label = id === "" ? "a suppression" : `suppression "${id}"`;
  const error = (field: SuppressionIssue["field"], message: string) => errors.push({ id, field, message });
  const warn = (field: SuppressionIssue["field"], message: string) => warnings.push({ id, field, message });

  if (id === "") error("id", "a suppression needs an id (it is empty)");
  else if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id)) {
    error("id", `${label}: an id uses letters, digits, ".", "_", ":" or "-" (at most 128 characters)`);
  } else if (context.existingIds?.has(id)) {
    error("id", `${label} already exists in this repository`);
  }

  const pattern = normalizePattern(suppression.level, suppression.patternType, suppression.pattern);
  if (pattern === "") error("pattern", `${label}: the pattern is empty`);
  else {
    const syntax = patternSyntaxError(suppression.patternType, pattern);
    if (syntax !== null) error("pattern", `${label}: ${syntax}`);
  }

  if (suppression.justification.trim() === "") {
    error(
      "justification",
      suppression.permanent
        ? `${label}: a permanent suppression needs a justification`
        : `${label}: a suppression needs a justification (why is this finding acceptable?)`,
    );
  }

  if (suppression.permanent && suppression.expires !== null) {
    error("expires", `${label}: choose either permanent or an expiry date, not both`);
  } else if (!suppression.permanent && suppression.expires === null) {
    error("expires", `${label}: give an expiry (a date, or a duration such as 30d) or mark it permanent`);
  } else if (suppression.expires !== null && Number.isNaN(suppression.expires.getTime())) {
    error("expires", `${label}: expires is not a valid date`);
  } else if (isExpired(suppression, context.now)) {
    const when = suppression.expires!.toISOString();
    if (context.mode === "create") error("expires", `${label}: the expiry ${when} is in the past`);
    else warn("expires", `${label} expired on ${when} and no longer applies; remove it`);
  }

  if (
    suppression.threshold !== null &&
    (!Number.isFinite(suppression.threshold) || suppression.threshold < 0)
  ) {
    error("threshold", `${label}: the threshold must be a number ≥ 0`);
  }

  if (!Number.isInteger(suppression.useCount) || suppression.useCount < 0) {
    error("useCount", `${label}: useCount must be a whole number ≥ 0`);
  }

  if (context.rules) checkRules(suppression, label, pattern, context.rules, warn);
  return { errors, warnings };
}

function checkRules(
  suppression: Suppression,
  label: string,
  pattern: string,
  rules: ReadonlyMap<string, string>,
  warn: (field: SuppressionIssue["field"], message: string) => void,
): void {
  const known = [...rules.keys()].sort().join(", ") || "none";
  if (suppression.rule !== null && !rules.has(suppression.rule)) {
    warn("rule", `${label}: rule "${suppression.rule}" is not a configured rule id (known: ${known})`);
  }
  if (suppression.level === "rule" && suppression.patternType === "exact" && !rules.has(pattern)) {
    warn("pattern", `${label}: rule "${pattern}" is not a configured rule id (known: ${known})`);
  }
  if (suppression.threshold === null) return;
  const ruleIds = [suppression.rule, suppression.level === "rule" ? pattern : null].filter(
    (ruleId): ruleId is string => ruleId !== null && rules.has(ruleId),
  );
  for (const ruleId of ruleIds) {
    const type = rules.get(ruleId)!;
    if (!MEASURED_RULE_TYPES.has(type)) {
      warn(
        "threshold",
        `${label}: a threshold only applies to coupling findings, but rule "${ruleId}" is of type "${type}"; it will never suppress`,
      );
    }
  }
  if (ruleIds.length === 0 && suppression.rule === null && suppression.level !== "rule") {
    warn(
      "threshold",
      `${label}: a threshold only applies to findings with a measured value (coupling); set "rule" to the coupling rule`,
    );
  }
}

/**
 * Validates a whole list (one repository's suppressions): each entry, plus duplicate ids
 * within the list ("already exists").
 */
export function validateSuppressions(
  list: readonly Suppression[],
  context: ValidationContext,
): ValidationResult {
  const errors: SuppressionIssue[] = [];
  const warnings: SuppressionIssue[] = [];
  const seen = new Set<string>(context.existingIds ?? []);
  for (const suppression of list) {
    const result = validateSuppression(suppression, { ...context, existingIds: seen });
    errors.push(...result.errors);
    warnings.push(...result.warnings);
    seen.add(suppression.id.trim());
  }
  return { errors, warnings };
}

export function formatIssues(issues: readonly SuppressionIssue[]): string {
  return issues.map((issue) => issue.message).join("\n");
}
