/**
 * The cache of AI explanations (table ai_explanations, migration 0002). Keyed by repository,
 * finding id, the blob SHA of the finding's file ('' when it has none) and the model, so an
 * edit of the file or a change of model asks again and nothing else does.
 */
import type { Kysely, Selectable } from "kysely";
import type { CreatedAt, Database } from "./schema.ts";

export interface AiExplanationsTable {
  repository: string;
  finding_id: string;
  blob_sha: string;
  model: string;
  explanation: string;
  prompt_sha256: string;
  input_tokens: number;
  output_tokens: number;
  created_at: CreatedAt;
}

type ExplanationTables = { ai_explanations: AiExplanationsTable };
export type AiExplanationRow = Selectable<AiExplanationsTable>;

export interface ExplanationKey {
  readonly repository: string;
  readonly findingId: string;
  /** Blob SHA of the finding's file at the analysed commit; null when the finding has no file. */
  readonly blobSha: string | null;
  readonly model: string;
}

export interface CachedExplanation {
  readonly text: string;
  readonly promptSha256: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly createdAt: Date;
}

export interface NewExplanation extends ExplanationKey {
  readonly text: string;
  readonly promptSha256: string;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly at: Date;
}

function table(db: Kysely<Database>): Kysely<Database & ExplanationTables> {
  return db.withTables<ExplanationTables>();
}

/** Cached explanations for several findings of one repository and model, by finding id. */
export async function getCachedExplanations(
  db: Kysely<Database>,
  keys: readonly ExplanationKey[],
): Promise<Map<string, CachedExplanation>> {
  const found = new Map<string, CachedExplanation>();
  if (keys.length === 0) return found;
  const rows = await table(db)
    .selectFrom("ai_explanations")
    .selectAll()
    .where((eb) =>
      eb.or(
        keys.map((key) =>
          eb.and([
            eb("repository", "=", key.repository),
            eb("finding_id", "=", key.findingId),
            eb("blob_sha", "=", key.blobSha ?? ""),
            eb("model", "=", key.model),
          ]),
        ),
      ),
    )
    .execute();
  for (const row of rows) found.set(row.finding_id, fromRow(row));
  return found;
}

export async function getCachedExplanation(
  db: Kysely<Database>,
  key: ExplanationKey,
): Promise<CachedExplanation | null> {
  return (await getCachedExplanations(db, [key])).get(key.findingId) ?? null;
}

/** Stores an explanation; a concurrent writer of the same key wins or loses harmlessly. */
export async function saveExplanation(db: Kysely<Database>, entry: NewExplanation): Promise<void> {
  await table(db)
    .insertInto("ai_explanations")
    .values({
      repository: entry.repository,
      finding_id: entry.findingId,
      blob_sha: entry.blobSha ?? "",
      model: entry.model,
      explanation: entry.text,
      prompt_sha256: entry.promptSha256,
      input_tokens: entry.inputTokens,
      output_tokens: entry.outputTokens,
      created_at: entry.at,
    })
    .onConflict((oc) => oc.columns(["repository", "finding_id", "blob_sha", "model"]).doNothing())
    .execute();
}

function fromRow(row: AiExplanationRow): CachedExplanation {
  return {
    text: row.explanation,
    promptSha256: row.prompt_sha256,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    createdAt: row.created_at,
  };
}
