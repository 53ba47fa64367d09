/**
 * What the app last wrote to GitHub, so that a publication that would change nothing is not
 * sent: the digest of a completed check run's output (title, summary without timings, text,
 * conclusion, annotations) and the SHA-256 of the sticky comment's body. Null: not known.
 */
import { type Kysely, sql } from "kysely";

const STATEMENTS = [
  `alter table check_runs add column output_digest text`,
  `alter table pr_comments add column body_sha256 text`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) {
    await sql.raw(statement).execute(db);
  }
}
