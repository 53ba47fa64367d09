import type { Rule } from "../../config/schema.ts";
import { type Finding, findingId } from "../../findings.ts";

/** A finding of an ACC rule; the id never includes the line (docs/design.md, "Violation identity"). */
export function accFinding(
  rule: Rule,
  fields: {
    identity: readonly (string | null)[];
    file: string | null;
    line: number | null;
    target: string | null;
    message: string;
    value?: number;
    details?: string;
  },
): Finding {
  return {
    id: findingId([rule.id, rule.type, ...fields.identity]),
    stream: "acc",
    rule: rule.id,
    type: rule.type,
    severity: rule.severity,
    file: fields.file,
    line: fields.line,
    target: fields.target,
    message: fields.message,
    ...(fields.value !== undefined ? { value: fields.value } : {}),
    ...(fields.details !== undefined ? { details: fields.details } : {}),
  };
}

/** "path (component)" or "path (unmapped)", for messages. */
export function describeFile(path: string, component: string | null): string {
  return component === null ? `${path} (unmapped)` : `${path} (${component})`;
}
