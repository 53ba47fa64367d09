/**
 * SARIF 2.1.0 for code scanning and any CI. One run, one rule per (stream, rule id), one
 * result per head finding. Suppressed findings are kept with a `suppressions` entry, and
 * `baselineState` says new or unchanged. Each result carries the stable finding id as a
 * partial fingerprint, so code scanning tracks it across commits. Findings with no file
 * (a required check, a process rule) are located on the config file, because code
 * scanning rejects results without a location.
 */
import type { AnalysisResult } from "../analysis-result.ts";
import type { ReportedFinding, Severity } from "../findings.ts";
import { STREAMS } from "../gate.ts";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
const TOOL_URI = "https://github.com/maestro-hive/maestro-hive";
const FINGERPRINT_KEY = "maestroFindingId/v1";

export interface SarifOptions {
  readonly toolVersion?: string;
  /** Where findings without a file are located; default `.github/maestro-hive.yml`. */
  readonly configPath?: string;
}

export interface SarifLog {
  readonly $schema: string;
  readonly version: "2.1.0";
  readonly runs: readonly SarifRun[];
}

interface SarifRun {
  readonly tool: { readonly driver: SarifDriver };
  readonly automationDetails?: { readonly id: string };
  readonly originalUriBaseIds: Record<
    string,
    { readonly uri?: string; readonly description?: { readonly text: string } }
  >;
  readonly results: SarifResult[];
  readonly properties: Record<string, unknown>;
}

interface SarifDriver {
  readonly name: string;
  readonly version: string;
  readonly informationUri: string;
  readonly rules: SarifRule[];
}

interface SarifRule {
  readonly id: string;
  readonly name: string;
  readonly shortDescription: { readonly text: string };
  readonly defaultConfiguration: { readonly level: SarifLevel };
  readonly properties: { readonly stream: string; readonly type: string; readonly tags: string[] };
}

type SarifLevel = "error" | "warning" | "note";

interface SarifResult {
  readonly ruleId: string;
  readonly ruleIndex: number;
  readonly level: SarifLevel;
  readonly message: { readonly text: string };
  readonly locations: readonly unknown[];
  readonly partialFingerprints: Record<string, string>;
  readonly baselineState: "new" | "unchanged";
  readonly suppressions?: readonly {
    readonly kind: "external";
    readonly status: "accepted";
    readonly justification: string;
  }[];
  readonly properties: Record<string, unknown>;
}

export function sarifLevel(severity: Severity): SarifLevel {
  return severity === "error" ? "error" : severity === "warning" ? "warning" : "note";
}

export function sarifLog(result: AnalysisResult, options: SarifOptions = {}): SarifLog {
  const configPath = options.configPath ?? ".github/maestro-hive.yml";
  const rules: SarifRule[] = [];
  const ruleIndex = new Map<string, number>();
  const results: SarifResult[] = [];
  for (const name of STREAMS) {
    for (const finding of result.streams[name].findings) {
      const ruleId = `${finding.stream}/${finding.rule}`;
      let index = ruleIndex.get(ruleId);
      if (index === undefined) {
        index = rules.length;
        ruleIndex.set(ruleId, index);
        rules.push({
          id: ruleId,
          name: finding.rule,
          shortDescription: {
            text: `${finding.stream.toUpperCase()} ${finding.type} rule "${finding.rule}"`,
          },
          defaultConfiguration: { level: sarifLevel(finding.severity) },
          properties: { stream: finding.stream, type: finding.type, tags: ["maestro-hive", finding.stream] },
        });
      }
      results.push(sarifResult(finding, ruleId, index, configPath));
    }
  }
  return {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "maestro-hive",
            version: options.toolVersion ?? "0.1.0",
            informationUri: TOOL_URI,
            rules,
          },
        },
        originalUriBaseIds: {
          "%SRCROOT%": { description: { text: "The root of the analysed repository." } },
        },
        results,
        properties: {
          verdict: result.gate.verdict,
          passed: result.gate.passed,
          headCommit: result.head.commit,
          baseCommit: result.base?.commit ?? null,
        },
      },
    ],
  };
}

export function renderSarif(result: AnalysisResult, options: SarifOptions = {}): string {
  return `${JSON.stringify(sarifLog(result, options), null, 2)}\n`;
}

function sarifResult(
  finding: ReportedFinding,
  ruleId: string,
  ruleIndex: number,
  configPath: string,
): SarifResult {
  const file = finding.file ?? configPath;
  const region: Record<string, number> = {
    startLine: finding.file !== null && finding.line !== null ? finding.line : 1,
  };
  if (finding.file !== null && finding.line !== null && finding.column) region.startColumn = finding.column;
  const text =
    finding.file === null ? `${finding.message} (no file: reported on ${configPath})` : finding.message;
  return {
    ruleId,
    ruleIndex,
    level: sarifLevel(finding.severity),
    message: { text },
    locations: [
      { physicalLocation: { artifactLocation: { uri: encodeUri(file), uriBaseId: "%SRCROOT%" }, region } },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.id },
    baselineState: finding.status === "new" ? "new" : "unchanged",
    ...(finding.suppressed
      ? {
          suppressions: [
            {
              kind: "external" as const,
              status: "accepted" as const,
              justification: `suppression ${finding.suppressionId}`,
            },
          ],
        }
      : {}),
    properties: {
      findingId: finding.id,
      stream: finding.stream,
      type: finding.type,
      target: finding.target,
      status: finding.status,
      ...(finding.details ? { details: finding.details } : {}),
    },
  };
}

/** A repo-relative path as a relative URI reference (spaces, #, ? and % escaped). */
function encodeUri(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}
