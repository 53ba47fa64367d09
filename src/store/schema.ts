/**
 * The typed shape of every table, for Kysely. Query modules (one per table family) import
 * from here. bigint columns are parsed to JS numbers by the connection (see connect.ts):
 * GitHub ids and counters stay far below 2^53.
 */
import type { ColumnType, Generated, Insertable, Selectable } from "kysely";

/** A timestamptz: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamptz filled by the database on insert. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column: written as a JSON string or value, read as parsed JSON. */
export type Json<T = unknown> = ColumnType<T, T | string, T | string>;

export interface InstallationsTable {
  id: number;
  account_login: string;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  deleted_at: Timestamp | null;
}

export interface RepositoriesTable {
  id: number;
  installation_id: number;
  full_name: string;
  default_branch: string | null;
  baseline_sha: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  removed_at: Timestamp | null;
}

export interface DeliveriesTable {
  delivery_id: string;
  event: string;
  action: string | null;
  installation_id: number | null;
  repository: string | null;
  received_at: CreatedAt;
  /** The payload of deliveries recorded before migration 0007; null since (payload_deflated). */
  payload: Json | null;
  /** zlib of the delivery's JSON body (migration 0007); null for older rows. */
  payload_deflated: Uint8Array | null;
  /** The payload's sender.login (migration 0007); null for older rows and deliveries without one. */
  sender: string | null;
  /** True until the delivery's `delivery.received` audit row is appended (migration 0005). */
  audit_pending: Generated<boolean>;
}

export type AnalysisStatus = "queued" | "running" | "completed" | "failed" | "superseded";

export interface AnalysisRunsTable {
  id: Generated<number>;
  repository: string;
  head_sha: string;
  base_sha: string | null;
  pr_number: number | null;
  kind: ColumnType<string, string | undefined, string>;
  /** Hash of the governing config and the compared commit (migration 0003); '' for older rows. */
  analysis_key: ColumnType<string, string | undefined, string>;
  delivery_id: string | null;
  status: ColumnType<AnalysisStatus, AnalysisStatus | undefined, AnalysisStatus>;
  verdict: string | null;
  timings: Json<Record<string, number>> | null;
  error: string | null;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
}

export interface FindingsTable {
  analysis_run_id: number;
  finding_id: string;
  stream: string;
  rule: string;
  type: string;
  severity: string;
  file: string | null;
  line: number | null;
  target: string | null;
  message: string;
  status: string;
  suppressed: ColumnType<boolean, boolean | undefined, boolean>;
  suppression_id: string | null;
}

export interface SuppressionsTable {
  repository: string;
  id: string;
  level: string;
  pattern: string;
  pattern_type: string;
  rule: string | null;
  threshold: number | null;
  expires_at: Timestamp | null;
  permanent: ColumnType<boolean, boolean | undefined, boolean>;
  justification: string;
  author: string | null;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  use_count: ColumnType<number, number | undefined, number>;
  source: string;
  ticket: string | null;
  adr: string | null;
}

export interface AuditEventsTable {
  seq: Generated<number>;
  chain: number;
  prev_hash: string;
  hash: string;
  kind: string;
  actor: string | null;
  repository: string | null;
  pr_number: number | null;
  subject: string | null;
  data: Json;
  created_at: Timestamp;
}

export interface ExtractionCacheTable {
  blob_sha: string;
  extractor_version: string;
  result: Json;
  created_at: CreatedAt;
}

export interface BlobCacheTable {
  blob_sha: string;
  content: Uint8Array;
  size: number;
  created_at: CreatedAt;
}

export interface PrCommentsTable {
  repository: string;
  pr_number: number;
  comment_id: number;
  /** SHA-256 (hex) of the body this app last wrote; null when not known. */
  body_sha256: string | null;
  updated_at: CreatedAt;
}

export interface CheckRunsTable {
  repository: string;
  head_sha: string;
  name: string;
  check_run_id: number;
  status: string;
  /** Digest of the output a completed run shows (publish.ts outputDigest); null when not known. */
  output_digest: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface OverridesTable {
  id: Generated<number>;
  repository: string;
  pr_number: number;
  head_sha: string;
  /** The analysis key of the run the override's author saw (migration 0003). */
  analysis_key: ColumnType<string, string | undefined, string>;
  actor: string;
  reason: string;
  created_at: CreatedAt;
}

export interface BdvResultReportsTable {
  id: Generated<number>;
  repository: string;
  head_sha: string;
  workflow_run_id: number;
  run_attempt: number;
  artifact: string;
  format: string;
  status: string;
  problems: Json<string[]>;
  scenarios: ColumnType<number, number | undefined, number>;
  received_at: CreatedAt;
}

export interface BdvScenarioResultsTable {
  report_id: number;
  repository: string;
  head_sha: string;
  workflow_run_id: number;
  run_attempt: number;
  scenario_id: string;
  feature: string;
  name: string;
  example: string | null;
  status: string;
  retries: Json<string[]>;
  duration_ms: number | null;
  error: string | null;
  tags: Json<string[]>;
  contracts: Json<string[]>;
  feature_blob: string | null;
  step_blobs: Json<string[]> | null;
  recorded_at: Timestamp;
}

export interface BdvQuarantinesTable {
  repository: string;
  scope: string;
  reason: string;
  author: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface Database {
  installations: InstallationsTable;
  repositories: RepositoriesTable;
  deliveries: DeliveriesTable;
  analysis_runs: AnalysisRunsTable;
  findings: FindingsTable;
  suppressions: SuppressionsTable;
  audit_events: AuditEventsTable;
  extraction_cache: ExtractionCacheTable;
  blob_cache: BlobCacheTable;
  pr_comments: PrCommentsTable;
  check_runs: CheckRunsTable;
  overrides: OverridesTable;
  bdv_result_reports: BdvResultReportsTable;
  bdv_scenario_results: BdvScenarioResultsTable;
  bdv_quarantines: BdvQuarantinesTable;
}

export type Installation = Selectable<InstallationsTable>;
export type Repository = Selectable<RepositoriesTable>;
export type Delivery = Selectable<DeliveriesTable>;
export type NewDelivery = Insertable<DeliveriesTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type SuppressionRow = Selectable<SuppressionsTable>;
export type AnalysisRun = Selectable<AnalysisRunsTable>;
