/**
 * An analysis belongs to (repository, head SHA, analysis key), the key hashing the config that
 * governs it and the commit it is compared with: the same head opened against another base, or
 * under another config, is analysed again instead of inheriting a result ("duplicate"). An
 * override is bound to the key of the analysis its author saw. Rows from before carry ''.
 */
import { type Kysely, sql } from "kysely";

const STATEMENTS = [
  `alter table analysis_runs add column analysis_key text not null default ''`,
  `alter table analysis_runs drop constraint analysis_runs_repository_head_sha_kind_key`,
  `create unique index analysis_runs_head_key on analysis_runs (repository, head_sha, kind, analysis_key)`,
  `alter table overrides add column analysis_key text not null default ''`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) {
    await sql.raw(statement).execute(db);
  }
}
