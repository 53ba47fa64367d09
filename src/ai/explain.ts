/**
 * Optional explanations of new findings (docs/design.md, "Explanations"): for a repository with
 * `ai.explain: true` and a deployment with ANTHROPIC_API_KEY, each new unsuppressed error
 * finding (up to `ai.maxExplanations`) gets a short "why" and a suggested fix, cached in the
 * database by (repository, finding id, blob SHA, model).
 *
 * Nothing here may hold up or fail an analysis: every entry point catches everything, the
 * batch runs a few requests at a time under one overall time budget, and each failure
 * becomes a one-line notice instead of an explanation.
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Logger } from "pino";
import type { AnalysisResult } from "../core/analysis-result.ts";
import { DEFAULT_CONFIG_PATH } from "../core/config/load.ts";
import type { MaestroConfig } from "../core/config/schema.ts";
import type { Finding, Notice, ReportedFinding } from "../core/findings.ts";
import type { Snapshot } from "../core/snapshot.ts";
import type { AppEnv } from "../env/app-env.ts";
import type { NewAuditEvent } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import { type CachedExplanation, getCachedExplanations, saveExplanation } from "../store/explanations.ts";
import {
  createAnthropicClient,
  DEFAULT_MAX_RETRIES,
  DEFAULT_MAX_TOKENS,
  DEFAULT_MODEL,
  DEFAULT_TIMEOUT_MS,
  describeFailure,
  type Failure,
  requestExplanation,
} from "./client.ts";
import { buildExplanationPrompt, type PromptFile, ruleConfigFor } from "./prompt.ts";

export const AUDIT_KIND = "ai.explanation";
export const NOTICE_KIND = "ai-explanation";
/** The whole batch, however many findings and retries: the PR comment waits at most this long. */
export const DEFAULT_BUDGET_MS = 30_000;
export const DEFAULT_CONCURRENCY = 2;
/** max_tokens never goes above this, whatever the settings say. */
const MAX_TOKENS_CEILING = 1_024;

/** How this deployment talks to the API; built once from the environment. */
export interface ExplainerSettings {
  /** Undefined: nothing is ever sent (cached explanations are still shown). */
  readonly apiKey: string | undefined;
  readonly baseURL?: string | undefined;
  /** The model of every explanation (MAESTRO_AI_MODEL); a repository's `ai.model` is ignored. */
  readonly model?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly maxRetries?: number | undefined;
  readonly budgetMs?: number | undefined;
  readonly concurrency?: number | undefined;
  readonly maxTokens?: number | undefined;
}

export function explainerSettingsFromEnv(
  env: Pick<AppEnv, "anthropicApiKey" | "anthropicBaseUrl"> & {
    readonly anthropicModel?: string | undefined;
  },
): ExplainerSettings {
  return { apiKey: env.anthropicApiKey, baseURL: env.anthropicBaseUrl, model: env.anthropicModel };
}

/** A file of the analysed commit, as the prompt needs it; null when the finding has none. */
export interface SourceFile extends PromptFile {
  readonly blobSha: string;
}

export type FileSource = (path: string) => SourceFile | null | Promise<SourceFile | null>;

export function snapshotFiles(snapshot: Snapshot): FileSource {
  const byPath = new Map(snapshot.files.map((file) => [file.path, file]));
  return (path) => byPath.get(path) ?? null;
}

export interface ExplainDeps {
  readonly db: Db;
  readonly log?: Pick<Logger, "info" | "warn"> | undefined;
  /** Appends to the audit trail (DeliveryContext.audit); kind "ai.explanation". */
  readonly audit?: ((event: Omit<NewAuditEvent, "chain">) => Promise<void>) | undefined;
  readonly now?: (() => Date) | undefined;
}

export interface ExplainFindingsInput extends ExplainDeps {
  readonly repository: string;
  readonly prNumber?: number | null | undefined;
  readonly config: MaestroConfig;
  /** Candidates; only new, unsuppressed, severity error ones are explained. */
  readonly findings: readonly ReportedFinding[];
  readonly files: FileSource;
  readonly settings: ExplainerSettings | undefined;
}

export interface ExplainStats {
  readonly eligible: number;
  readonly selected: number;
  readonly cached: number;
  readonly requested: number;
  readonly explained: number;
  readonly failed: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export interface ExplainResult {
  /** Finding id → explanation, in the order the findings were given. */
  readonly explanations: Map<string, string>;
  /** One line per failure reason (and for a cap or a missing key), for the comment's notices. */
  readonly notices: Notice[];
  readonly stats: ExplainStats;
}

const EMPTY_STATS: ExplainStats = {
  eligible: 0,
  selected: 0,
  cached: 0,
  requested: 0,
  explained: 0,
  failed: 0,
  inputTokens: 0,
  outputTokens: 0,
};

/** The findings worth explaining: new, unsuppressed, severity error; each id once, in order. */
export function selectForExplanation(findings: readonly ReportedFinding[]): ReportedFinding[] {
  const seen = new Set<string>();
  return findings.filter((finding) => {
    if (finding.status !== "new" || finding.suppressed || finding.severity !== "error") return false;
    if (seen.has(finding.id)) return false;
    seen.add(finding.id);
    return true;
  });
}

/**
 * Explanations for an analysis' new error findings (the analysis job, before the sticky
 * comment). Off unless the repository opted in. Never throws.
 */
export async function explainNewFindings(
  input: Omit<ExplainFindingsInput, "findings" | "files"> & {
    readonly result: AnalysisResult;
    readonly head: Snapshot;
  },
): Promise<ExplainResult> {
  const { result, head, ...rest } = input;
  const findings = [
    ...result.streams.acc.findings,
    ...result.streams.bdv.findings,
    ...result.streams.dde.findings,
  ];
  return explainFindings({ ...rest, findings, files: snapshotFiles(head) });
}

export async function explainFindings(input: ExplainFindingsInput): Promise<ExplainResult> {
  const result = await explainOptedIn(input);
  const ignored = ignoredModelNotice(input.config);
  return ignored ? { ...result, notices: [ignored, ...result.notices] } : result;
}

async function explainOptedIn(input: ExplainFindingsInput): Promise<ExplainResult> {
  if (!input.config.ai.explain) return { explanations: new Map(), notices: [], stats: EMPTY_STATS };
  try {
    return await explainBatch(input);
  } catch (error) {
    input.log?.warn({ err: error }, "AI explanations failed");
    return {
      explanations: new Map(),
      notices: [notice("No AI explanations: an internal error stopped them.")],
      stats: EMPTY_STATS,
    };
  }
}

interface Item {
  readonly finding: Finding;
  readonly file: SourceFile | null;
}

type Outcome =
  | { readonly ok: true; readonly text: string; readonly inputTokens: number; readonly outputTokens: number }
  | { readonly ok: false; readonly failure: Failure };

async function explainBatch(input: ExplainFindingsInput): Promise<ExplainResult> {
  const eligible = selectForExplanation(input.findings);
  const max = input.config.ai.maxExplanations;
  const selected = eligible.slice(0, max);
  if (selected.length === 0)
    return { explanations: new Map(), notices: [], stats: { ...EMPTY_STATS, eligible: eligible.length } };
  const model = modelFor(input.config, input.settings);
  const items: Item[] = await Promise.all(
    selected.map(async (finding) => ({ finding, file: await readFile(input, finding) })),
  );
  const cached = await readCache(input, items, model);
  const pending = items.filter((item) => !cached.has(item.finding.id));
  const outcomes = new Map<string, Outcome>();
  const notices: Notice[] = [];
  const apiKey = input.settings?.apiKey;
  if (pending.length > 0 && apiKey === undefined) {
    notices.push(
      notice(
        `No AI explanation for ${describeIds(pending)}: ai.explain is on but ANTHROPIC_API_KEY is not set.`,
      ),
    );
  } else if (pending.length > 0 && apiKey !== undefined) {
    const client = await createClient(input.settings, apiKey);
    const budgetMs = input.settings?.budgetMs ?? DEFAULT_BUDGET_MS;
    const concurrency = Math.max(1, input.settings?.concurrency ?? DEFAULT_CONCURRENCY);
    await withBudget(budgetMs, (signal) =>
      forEachLimited(pending, concurrency, async (item) => {
        outcomes.set(
          item.finding.id,
          await explainItem(input, client, item, model, signal, { trigger: "analysis" }),
        );
      }),
    );
  }

  const explanations = new Map<string, string>();
  let inputTokens = 0;
  let outputTokens = 0;
  const failures = new Map<string, Item[]>();
  for (const item of items) {
    const hit = cached.get(item.finding.id);
    if (hit) {
      explanations.set(item.finding.id, hit.text);
      continue;
    }
    const outcome = outcomes.get(item.finding.id);
    if (outcome?.ok) {
      explanations.set(item.finding.id, outcome.text);
      inputTokens += outcome.inputTokens;
      outputTokens += outcome.outputTokens;
    } else if (outcome) {
      failures.set(outcome.failure.reason, [...(failures.get(outcome.failure.reason) ?? []), item]);
    }
  }
  for (const [reason, failed] of failures)
    notices.push(notice(`No AI explanation for ${describeIds(failed)}: ${reason}.`));
  if (eligible.length > selected.length) {
    notices.push(
      notice(
        `AI explanations cover the first ${selected.length} of ${eligible.length} new errors (ai.maxExplanations: ${max}).`,
      ),
    );
  }
  const failedCount = [...failures.values()].reduce((sum, list) => sum + list.length, 0);
  const stats: ExplainStats = {
    eligible: eligible.length,
    selected: selected.length,
    cached: cached.size,
    requested: outcomes.size,
    explained: explanations.size,
    failed: failedCount,
    inputTokens,
    outputTokens,
  };
  input.log?.info({ aiExplanations: stats }, "AI explanations done");
  return { explanations, notices, stats };
}

export interface ExplainOneInput extends ExplainDeps {
  readonly repository: string;
  readonly prNumber?: number | null | undefined;
  readonly config: MaestroConfig;
  readonly finding: Finding;
  /** The finding's file at the analysed head commit; null when it has none or it is unreadable. */
  readonly file: SourceFile | null;
  readonly settings: ExplainerSettings | undefined;
  /** Who asked (the commenter), for the audit row. */
  readonly actor?: string | undefined;
}

export type ExplainOneResult =
  | { readonly ok: true; readonly text: string; readonly cached: boolean }
  | { readonly ok: false; readonly reason: string };

/**
 * One explanation on demand (`/maestro explain <finding-id>`): an explicit request, so it
 * does not need `ai.explain: true`, but it needs the API key unless the answer is cached.
 * Never throws.
 */
export async function explainOne(input: ExplainOneInput): Promise<ExplainOneResult> {
  try {
    const model = modelFor(input.config, input.settings);
    const item: Item = { finding: input.finding, file: input.file };
    const hit = (await readCache(input, [item], model)).get(input.finding.id);
    if (hit) return { ok: true, text: hit.text, cached: true };
    const apiKey = input.settings?.apiKey;
    if (apiKey === undefined) return { ok: false, reason: "ANTHROPIC_API_KEY is not set on this deployment" };
    const client = await createClient(input.settings, apiKey);
    const budgetMs = input.settings?.budgetMs ?? DEFAULT_BUDGET_MS;
    const outcome = await withBudget(budgetMs, (signal) =>
      explainItem(input, client, item, model, signal, { trigger: "command", actor: input.actor }),
    );
    return outcome.ok
      ? { ok: true, text: outcome.text, cached: false }
      : { ok: false, reason: outcome.failure.reason };
  } catch (error) {
    input.log?.warn({ err: error, findingId: input.finding.id }, "AI explanation failed");
    return { ok: false, reason: "an internal error stopped the explanation" };
  }
}

interface Requester {
  readonly repository: string;
  readonly prNumber?: number | null | undefined;
  readonly config: MaestroConfig;
  readonly settings: ExplainerSettings | undefined;
}

/** Prompt, request, cache, audit — for one finding. Resolves (never rejects) with the outcome. */
async function explainItem(
  input: ExplainDeps & Requester,
  client: Anthropic,
  item: Item,
  model: string,
  signal: AbortSignal,
  origin: { readonly trigger: "analysis" | "command"; readonly actor?: string | undefined },
): Promise<Outcome> {
  const { finding, file } = item;
  const prompt = buildExplanationPrompt({ finding, ruleConfig: ruleConfigFor(input.config, finding), file });
  const started = performance.now();
  const common = {
    findingId: finding.id,
    rule: finding.rule,
    model,
    blobSha: file?.blobSha ?? null,
    promptSha256: prompt.sha256,
    redactions: prompt.redactions,
    excerptLines: prompt.excerptLines,
    trigger: origin.trigger,
  };
  let outcome: Outcome;
  if (signal.aborted) {
    outcome = { ok: false, failure: describeFailure(new DOMException("budget", "AbortError")) };
  } else {
    try {
      const reply = await requestExplanation(
        client,
        { model, maxTokens: maxTokensFor(input.settings), system: prompt.system, user: prompt.user },
        signal,
      );
      outcome = {
        ok: true,
        text: reply.text,
        inputTokens: reply.inputTokens,
        outputTokens: reply.outputTokens,
      };
    } catch (error) {
      outcome = { ok: false, failure: describeFailure(error) };
      input.log?.warn(
        { findingId: finding.id, failure: outcome.failure.kind, err: error },
        "AI explanation failed",
      );
    }
  }
  const durationMs = Math.round(performance.now() - started);
  if (outcome.ok) {
    await guarded(input, "cache the explanation", () =>
      saveExplanation(input.db, {
        repository: input.repository,
        findingId: finding.id,
        blobSha: file?.blobSha ?? null,
        model,
        text: outcome.text,
        promptSha256: prompt.sha256,
        inputTokens: outcome.inputTokens,
        outputTokens: outcome.outputTokens,
        at: input.now?.() ?? new Date(),
      }),
    );
  }
  if (input.audit) {
    const audit = input.audit;
    const data = outcome.ok
      ? {
          ...common,
          outcome: "explained",
          inputTokens: outcome.inputTokens,
          outputTokens: outcome.outputTokens,
          durationMs,
        }
      : {
          ...common,
          outcome: "failed",
          failure: outcome.failure.kind,
          reason: outcome.failure.reason,
          durationMs,
        };
    await guarded(input, "audit the explanation", () =>
      audit({
        kind: AUDIT_KIND,
        actor: origin.actor ?? null,
        repository: input.repository,
        prNumber: input.prNumber ?? null,
        subject: `finding:${finding.id}`,
        data,
      }),
    );
  }
  return outcome;
}

/** The deployment chooses (and pays for) the model; a repository's `ai.model` is ignored (ignoredModelNotice). */
function modelFor(_config: MaestroConfig, settings: ExplainerSettings | undefined): string {
  return settings?.model ?? DEFAULT_MODEL;
}

/** The notice for a config that still names `ai.model`: accepted, but without effect. */
export function ignoredModelNotice(config: MaestroConfig): Notice | null {
  if (config.ai.model === undefined) return null;
  return {
    file: DEFAULT_CONFIG_PATH,
    kind: NOTICE_KIND,
    message: "ai.model is ignored: the deployment chooses the model of AI explanations (MAESTRO_AI_MODEL)",
  };
}

function maxTokensFor(settings: ExplainerSettings | undefined): number {
  return Math.min(MAX_TOKENS_CEILING, Math.max(16, settings?.maxTokens ?? DEFAULT_MAX_TOKENS));
}

function createClient(settings: ExplainerSettings | undefined, apiKey: string): Promise<Anthropic> {
  return createAnthropicClient({
    apiKey,
    baseURL: settings?.baseURL,
    timeoutMs: settings?.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxRetries: settings?.maxRetries ?? DEFAULT_MAX_RETRIES,
  });
}

async function readFile(input: ExplainFindingsInput, finding: Finding): Promise<SourceFile | null> {
  if (finding.file === null) return null;
  try {
    return await input.files(finding.file);
  } catch (error) {
    input.log?.warn({ err: error, file: finding.file }, "AI explanations: cannot read the finding's file");
    return null;
  }
}

async function readCache(
  input: ExplainDeps & { readonly repository: string },
  items: readonly Item[],
  model: string,
): Promise<Map<string, CachedExplanation>> {
  const keys = items.map((item) => ({
    repository: input.repository,
    findingId: item.finding.id,
    blobSha: item.file?.blobSha ?? null,
    model,
  }));
  return (
    (await guarded(input, "read cached explanations", () => getCachedExplanations(input.db, keys))) ??
    new Map()
  );
}

/** Runs a side job (cache, audit) whose failure must not cost the explanation. */
async function guarded<T>(input: ExplainDeps, what: string, work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (error) {
    input.log?.warn({ err: error }, `AI explanations: could not ${what}`);
    return undefined;
  }
}

/** Runs `work` with a signal that aborts after `budgetMs`; in-flight requests are cancelled then. */
async function withBudget<T>(budgetMs: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), budgetMs);
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
}

async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function describeIds(items: readonly Item[]): string {
  const ids = items.map((item) => item.finding.id);
  const shown = ids.slice(0, 3).join(", ");
  const more = ids.length > 3 ? ` and ${ids.length - 3} more` : "";
  return `${items.length === 1 ? "finding" : `${items.length} findings`} ${shown}${more}`;
}

function notice(message: string): Notice {
  return { file: null, kind: NOTICE_KIND, message };
}
