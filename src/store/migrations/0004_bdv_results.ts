/**
 * BDV on executed behaviour: the result reports read from CI artifacts (one row per repository,
 * commit, workflow run, attempt and configured artifact — also when the artifact was missing or
 * unreadable, so "no results" is told apart from "not reported yet"), one row per scenario of
 * each report, and scenario quarantines (audited like suppressions).
 */
import { type Kysely, sql } from "kysely";

const STATEMENTS = [
  `create table bdv_result_reports (
     id bigserial primary key,
     repository text not null,
     head_sha text not null,
     workflow_run_id bigint not null,
     run_attempt integer not null check (run_attempt >= 1),
     artifact text not null,
     format text not null check (format in ('messages', 'cucumber-json', 'junit')),
     status text not null check (status in ('read', 'missing', 'unreadable')),
     problems jsonb not null default '[]',
     scenarios integer not null default 0,
     received_at timestamptz not null default now(),
     unique (repository, head_sha, workflow_run_id, run_attempt, artifact)
   )`,
  `create index bdv_result_reports_head on bdv_result_reports (repository, head_sha)`,
  `create table bdv_scenario_results (
     report_id bigint not null references bdv_result_reports(id) on delete cascade,
     repository text not null,
     head_sha text not null,
     workflow_run_id bigint not null,
     run_attempt integer not null,
     scenario_id text not null,
     feature text not null,
     name text not null,
     example text,
     status text not null check (status in ('passed', 'failed', 'skipped')),
     retries jsonb not null default '[]',
     duration_ms double precision,
     error text,
     tags jsonb not null default '[]',
     contracts jsonb not null default '[]',
     feature_blob text,
     step_blobs jsonb,
     recorded_at timestamptz not null,
     primary key (report_id, scenario_id)
   )`,
  `create index bdv_scenario_results_head on bdv_scenario_results (repository, head_sha)`,
  `create index bdv_scenario_results_history on bdv_scenario_results (repository, scenario_id, recorded_at)`,
  `create table bdv_quarantines (
     repository text not null,
     scope text not null,
     reason text not null,
     author text not null,
     created_at timestamptz not null,
     expires_at timestamptz not null,
     primary key (repository, scope)
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) {
    await sql.raw(statement).execute(db);
  }
}
