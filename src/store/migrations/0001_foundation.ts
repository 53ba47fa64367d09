/**
 * The first tables: GitHub state, deliveries, analysis runs and findings, suppressions, the
 * append-only audit trail and the content-addressed caches. Statements run one at a time
 * because PGlite's extended protocol takes a single statement per query.
 */
import { type Kysely, sql } from "kysely";

const STATEMENTS = [
  `create table installations (
     id bigint primary key,
     account_login text not null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     deleted_at timestamptz
   )`,
  `create table repositories (
     id bigint primary key,
     installation_id bigint not null references installations(id),
     full_name text not null unique,
     default_branch text,
     baseline_sha text,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     removed_at timestamptz
   )`,
  `create index repositories_installation on repositories (installation_id)`,
  `create table deliveries (
     delivery_id text primary key,
     event text not null,
     action text,
     installation_id bigint,
     repository text,
     received_at timestamptz not null default now(),
     payload jsonb not null
   )`,
  `create index deliveries_received on deliveries (received_at)`,
  `create table analysis_runs (
     id bigserial primary key,
     repository text not null,
     head_sha text not null,
     base_sha text,
     pr_number integer,
     kind text not null default 'analysis',
     delivery_id text references deliveries(delivery_id),
     status text not null default 'queued'
       check (status in ('queued', 'running', 'completed', 'failed', 'superseded')),
     verdict text,
     timings jsonb,
     error text,
     created_at timestamptz not null default now(),
     started_at timestamptz,
     finished_at timestamptz,
     unique (repository, head_sha, kind)
   )`,
  `create index analysis_runs_pr on analysis_runs (repository, pr_number)`,
  `create table findings (
     analysis_run_id bigint not null references analysis_runs(id) on delete cascade,
     finding_id text not null,
     stream text not null,
     rule text not null,
     type text not null,
     severity text not null,
     file text,
     line integer,
     target text,
     message text not null,
     status text not null,
     suppressed boolean not null default false,
     suppression_id text,
     primary key (analysis_run_id, finding_id)
   )`,
  `create table suppressions (
     repository text not null check (repository = lower(repository)),
     id text not null,
     level text not null check (level in ('violation', 'file', 'directory', 'rule')),
     pattern text not null,
     pattern_type text not null default 'glob' check (pattern_type in ('exact', 'glob', 'regex')),
     rule text,
     threshold double precision,
     expires_at timestamptz,
     permanent boolean not null default false,
     justification text not null,
     author text,
     created_at timestamptz not null default now(),
     last_used_at timestamptz,
     use_count bigint not null default 0,
     source text not null check (source in ('config', 'command', 'cli')),
     ticket text,
     adr text,
     primary key (repository, id)
   )`,
  `create table audit_events (
     seq bigserial primary key,
     chain bigint not null,
     prev_hash text not null,
     hash text not null unique,
     kind text not null,
     actor text,
     repository text,
     pr_number integer,
     subject text,
     data jsonb not null default '{}'::jsonb,
     created_at timestamptz not null
   )`,
  `create index audit_events_chain on audit_events (chain, seq)`,
  `create index audit_events_repository on audit_events (repository, pr_number)`,
  `create function audit_events_refuse_change() returns trigger language plpgsql as $$
   begin
     raise exception 'audit_events is append-only: % refused', tg_op using errcode = 'P0001';
   end
   $$`,
  `create trigger audit_events_append_only before update or delete on audit_events
     for each row execute function audit_events_refuse_change()`,
  `create trigger audit_events_no_truncate before truncate on audit_events
     for each statement execute function audit_events_refuse_change()`,
  `create table extraction_cache (
     blob_sha text not null,
     extractor_version text not null,
     result jsonb not null,
     created_at timestamptz not null default now(),
     primary key (blob_sha, extractor_version)
   )`,
  `create table blob_cache (
     blob_sha text primary key,
     content bytea not null,
     size integer not null,
     created_at timestamptz not null default now()
   )`,
  `create table pr_comments (
     repository text not null,
     pr_number integer not null,
     comment_id bigint not null,
     updated_at timestamptz not null default now(),
     primary key (repository, pr_number)
   )`,
  `create table check_runs (
     repository text not null,
     head_sha text not null,
     name text not null,
     check_run_id bigint not null,
     status text not null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     primary key (repository, head_sha, name)
   )`,
  `create table overrides (
     id bigserial primary key,
     repository text not null,
     pr_number integer not null,
     head_sha text not null,
     actor text not null,
     reason text not null,
     created_at timestamptz not null default now()
   )`,
  `create index overrides_head on overrides (repository, head_sha)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) {
    await sql.raw(statement).execute(db);
  }
}
