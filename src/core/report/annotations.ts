/**
 * Check-run annotations (GitHub "Update a check run": `output.annotations`). Only new,
 * unsuppressed findings on files of the head commit are annotated: those are what the
 * author changed. GitHub's limits are enforced here: at most 50 annotations per request,
 * title ≤ 255 characters, message and raw_details ≤ 64 KB, start_column/end_column only
 * when the annotation spans one line. Beyond a total cap the rest are listed as text for
 * the check run's summary.
 */

import type { ReportedFinding, Severity } from "../findings.ts";
import { findingExtras, location, truncateChars, truncateUtf8 } from "./common.ts";
import { codeSpan, escapeMarkdown } from "./escape.ts";

export type AnnotationLevel = "notice" | "warning" | "failure";

export interface CheckAnnotation {
  readonly path: string;
  readonly start_line: number;
  readonly end_line: number;
  readonly start_column?: number;
  readonly end_column?: number;
  readonly annotation_level: AnnotationLevel;
  readonly title: string;
  readonly message: string;
  readonly raw_details?: string;
}

export const ANNOTATIONS_PER_REQUEST = 50;
export const DEFAULT_MAX_ANNOTATIONS = 1000;
const MAX_TITLE_CHARS = 255;
const MAX_TEXT_BYTES = 64 * 1024;

export function annotationLevel(severity: Severity): AnnotationLevel {
  return severity === "error" ? "failure" : severity === "warning" ? "warning" : "notice";
}

/**
 * The annotations for these findings. `headPaths` are the files of the head commit: a
 * finding on any other path (or with no file) cannot be annotated by GitHub and is left
 * for the summary.
 */
export function findingAnnotations(
  findings: readonly ReportedFinding[],
  headPaths: ReadonlySet<string>,
): CheckAnnotation[] {
  const annotations: CheckAnnotation[] = [];
  for (const finding of findings) {
    if (finding.status !== "new" || finding.suppressed) continue;
    if (finding.file === null || !headPaths.has(finding.file)) continue;
    annotations.push(toAnnotation(finding, finding.file));
  }
  return annotations;
}

function toAnnotation(finding: ReportedFinding, path: string): CheckAnnotation {
  const line = finding.line !== null && finding.line > 0 ? finding.line : 1;
  const column = finding.line !== null && finding.column ? finding.column : null;
  const title = truncateChars(
    `${finding.stream.toUpperCase()} ${finding.rule} (${finding.type})`,
    MAX_TITLE_CHARS,
  );
  const message = truncateUtf8(`${finding.message}\n\nFinding id: ${finding.id}`, MAX_TEXT_BYTES);
  return {
    path,
    start_line: line,
    end_line: line,
    ...(column !== null ? { start_column: column, end_column: column } : {}),
    annotation_level: annotationLevel(finding.severity),
    title,
    message,
    ...(rawDetails(finding) ? { raw_details: truncateUtf8(rawDetails(finding)!, MAX_TEXT_BYTES) } : {}),
  };
}

/** The finding's details, with its chain and cycle members first when it has them. */
function rawDetails(finding: ReportedFinding): string | undefined {
  const parts = [...findingExtras(finding, 200), ...(finding.details ? [finding.details] : [])];
  return parts.length === 0 ? undefined : parts.join("\n");
}

export interface AnnotationBatches {
  /** Requests to make, each with at most 50 annotations. */
  readonly batches: CheckAnnotation[][];
  /** Annotations beyond the cap, as Markdown list lines for the summary ("" when none). */
  readonly overflowText: string;
  readonly overflowCount: number;
}

/** Splits annotations into requests of 50, keeping at most `maxTotal`; the rest become text. */
export function batchAnnotations(
  annotations: readonly CheckAnnotation[],
  maxTotal: number = DEFAULT_MAX_ANNOTATIONS,
  perRequest: number = ANNOTATIONS_PER_REQUEST,
): AnnotationBatches {
  const size = Math.max(1, Math.min(perRequest, ANNOTATIONS_PER_REQUEST));
  const kept = annotations.slice(0, Math.max(0, maxTotal));
  const batches: CheckAnnotation[][] = [];
  for (let i = 0; i < kept.length; i += size) batches.push(kept.slice(i, i + size));
  const rest = annotations.slice(kept.length);
  const overflowText =
    rest.length === 0
      ? ""
      : [
          `${rest.length} more finding${rest.length === 1 ? "" : "s"} not annotated:`,
          ...rest.map(
            (a) =>
              `- ${codeSpan(location({ file: a.path, line: a.start_line }))} ${escapeMarkdown(a.title)}: ${escapeMarkdown(firstLine(a.message))}`,
          ),
        ].join("\n");
  return { batches, overflowText, overflowCount: rest.length };
}

function firstLine(text: string): string {
  const newline = text.indexOf("\n");
  return newline < 0 ? text : text.slice(0, newline);
}
