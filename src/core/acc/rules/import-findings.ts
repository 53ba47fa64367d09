import type { Finding } from "../../findings.ts";
import type { Language, ResolvedImport } from "../model.ts";
import type { AccContext } from "./context.ts";
import type { BaseRule } from "./descriptor.ts";
import { accFinding, describeFile } from "./finding.ts";

/** What a dependency rule (can-call, must-not-call, layers) allows, import by import. */
export interface ImportCheck {
  /** Whether the rule constrains source files of this component at all. */
  readonly constrains: (component: string) => boolean;
  /** Why an import of a file of `toComponent` breaks the rule, or null when it is allowed. */
  readonly componentViolation: (fromComponent: string, toComponent: string) => string | null;
  /**
   * For a package import: the finding's target (at most one finding per target and file)
   * and why it breaks the rule, or null when it is allowed or its target is already in
   * `reported` (the file's targets so far: checking them first skips costly matching).
   * Absent: packages are not checked.
   */
  readonly packageViolation?:
    | ((
        edge: ResolvedImport,
        language: Language | null,
        reported: ReadonlySet<string>,
      ) => { target: string; reason: string } | null)
    | undefined;
}

/**
 * Walks the imports of the source files in scope (all of them, or the ids in `only`) whose
 * component the rule constrains: one finding per (importing file, imported file) into a
 * mapped component the check rejects, on the first such line, then one per rejected package.
 */
export function importFindings(
  rule: BaseRule,
  ctx: AccContext,
  only: readonly number[] | undefined,
  check: ImportCheck,
): Finding[] {
  const findings: Finding[] = [];
  const count = only ? only.length : ctx.names.length;
  for (let i = 0; i < count; i++) {
    const from = only ? only[i]! : i;
    const fromComponent = ctx.component[from] ?? null;
    if (fromComponent === null || !ctx.isSource[from] || !check.constrains(fromComponent)) continue;
    const fromPath = ctx.names[from]!;
    const targets = ctx.out[from]!;
    for (let k = 0; k < targets.length; k++) {
      const to = targets[k]!;
      const toComponent = ctx.component[to] ?? null;
      if (toComponent === null) continue;
      const reason = check.componentViolation(fromComponent, toComponent);
      if (reason === null) continue;
      const toPath = ctx.names[to]!;
      findings.push(
        accFinding(rule, {
          identity: [fromPath, toPath],
          file: fromPath,
          line: ctx.outLine[from]![k]!,
          target: toPath,
          message: `${describeFile(fromPath, fromComponent)} imports ${describeFile(toPath, toComponent)}: ${reason}`,
        }),
      );
    }
    if (!check.packageViolation) continue;
    const reported = new Set<string>();
    for (const edge of ctx.external[from]!) {
      const violation = check.packageViolation(edge, ctx.language[from] ?? null, reported);
      if (violation === null || reported.has(violation.target)) continue;
      reported.add(violation.target);
      findings.push(
        accFinding(rule, {
          identity: [fromPath, violation.target],
          file: fromPath,
          line: edge.line,
          target: violation.target,
          message:
            `${describeFile(fromPath, fromComponent)} imports package "${edge.specifier}": ` +
            violation.reason,
        }),
      );
    }
  }
  return findings;
}
