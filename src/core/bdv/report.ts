import { type Finding, findingId, type Notice, type Severity } from "../findings.ts";

/** One BDV finding before its id is computed. `subject` identifies it within its file, never a line. */
export interface BdvFindingInput {
  readonly check: string;
  readonly severity: Severity;
  readonly file: string | null;
  readonly line: number | null;
  readonly column?: number | null;
  readonly target: string | null;
  readonly subject: string;
  readonly message: string;
  readonly details?: string;
}

/**
 * Collects findings and notices. Ids hash (check, file, subject); the rare true duplicates
 * (the same pattern defined twice in one file) get an ordinal so every id stays unique and stable.
 */
export class BdvReport {
  readonly findings: Finding[] = [];
  readonly notices: Notice[] = [];
  private readonly seen = new Map<string, number>();

  add(input: BdvFindingInput): void {
    const key = [input.check, input.file ?? "", input.subject].join("\u0000");
    const occurrence = (this.seen.get(key) ?? 0) + 1;
    this.seen.set(key, occurrence);
    const parts = ["bdv", input.check, input.file, input.subject];
    if (occurrence > 1) parts.push(`#${occurrence}`);
    this.findings.push({
      id: findingId(parts),
      stream: "bdv",
      rule: input.check,
      type: input.check,
      severity: input.severity,
      file: input.file,
      line: input.line,
      column: input.column ?? null,
      target: input.target,
      message: input.message,
      ...(input.details !== undefined ? { details: input.details } : {}),
    });
  }

  /** Adds the finding unless one with the same check, file and subject was already added. */
  addOnce(input: BdvFindingInput): void {
    const key = [input.check, input.file ?? "", input.subject].join("\u0000");
    if (!this.seen.has(key)) this.add(input);
  }

  notice(notice: Notice): void {
    this.notices.push(notice);
  }
}
