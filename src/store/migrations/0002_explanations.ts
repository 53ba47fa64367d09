/**
 * Cached AI explanations of findings. One row per (repository, finding id, blob SHA of the
 * finding's file, model): the same finding on the same file content is explained once, and a
 * re-run asks the API nothing. blob_sha is '' for findings with no file.
 */
import { type Kysely, sql } from "kysely";

const STATEMENTS = [
  `create table ai_explanations (
     repository text not null,
     finding_id text not null,
     blob_sha text not null,
     model text not null,
     explanation text not null,
     prompt_sha256 text not null,
     input_tokens integer not null check (input_tokens >= 0),
     output_tokens integer not null check (output_tokens >= 0),
     created_at timestamptz not null default now(),
     primary key (repository, finding_id, blob_sha, model)
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) {
    await sql.raw(statement).execute(db);
  }
}
