/**
 * The `/maestro explain <finding-id>` seam: a FindingExplainer for the comment-command
 * handler (src/github/comment-commands/actions.ts) built on explainOne. It answers null — and the
 * command then shows the rule, message and config without a model-written part — when the
 * deployment has no key, the request fails, or the request carries no database.
 */
import type { Logger } from "pino";
import type { MaestroConfig } from "../core/config/schema.ts";
import type { Finding, Severity, StreamName } from "../core/findings.ts";
import { appendAudit } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import type { StoredFinding } from "../store/findings.ts";
import { type ExplainerSettings, explainOne, type FileSource, type SourceFile } from "./explain.ts";

export interface CommandExplainRequest {
  readonly repository: string;
  readonly prNumber: number;
  readonly finding: StoredFinding;
  readonly config: MaestroConfig | null;
  /** Cache and audit; without it nothing is asked. */
  readonly db?: Db | undefined;
  /** The commenter, for the audit row. */
  readonly actor?: string | undefined;
  /** The installation's audit chain. */
  readonly chain?: number | undefined;
  /** Reads the finding's file at the PR head (e.g. githubFileReader); without it, no excerpt. */
  readonly readFile?: FileSource | undefined;
}

export type CommandExplainer = (request: CommandExplainRequest) => Promise<string | null>;

const STREAMS: readonly StreamName[] = ["acc", "bdv", "dde"];
const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];

export function createFindingExplainer(
  settings: ExplainerSettings | undefined,
  deps: { readonly log?: Pick<Logger, "info" | "warn"> | undefined } = {},
): CommandExplainer {
  return async (request) => {
    const { db, config } = request;
    const finding = asFinding(request.finding);
    if (!db || !config || !finding) return null;
    const file = await readFinding(request, finding, deps.log);
    const result = await explainOne({
      db,
      log: deps.log,
      audit: async (event) => {
        await appendAudit(db, { ...event, chain: request.chain ?? 0 });
      },
      repository: request.repository,
      prNumber: request.prNumber,
      config,
      finding,
      file,
      settings,
      actor: request.actor,
    });
    if (!result.ok) deps.log?.info({ findingId: finding.id, reason: result.reason }, "no AI explanation");
    return result.ok ? result.text : null;
  };
}

function asFinding(stored: StoredFinding): Finding | null {
  const stream = STREAMS.find((name) => name === stored.stream);
  const severity = SEVERITIES.find((name) => name === stored.severity);
  if (!stream || !severity) return null;
  return { ...stored, stream, severity };
}

async function readFinding(
  request: CommandExplainRequest,
  finding: Finding,
  log: Pick<Logger, "warn"> | undefined,
): Promise<SourceFile | null> {
  if (finding.file === null || !request.readFile) return null;
  try {
    return await request.readFile(finding.file);
  } catch (error) {
    log?.warn({ err: error, file: finding.file }, "AI explanation: cannot read the finding's file");
    return null;
  }
}
