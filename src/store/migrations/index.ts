/**
 * Every migration, in order. Forward-only: a migration, once released, never changes; a
 * new change is a new NNNN_name.ts file added to this list.
 */
import type { Migration } from "kysely/migration";
import * as foundation from "./0001_foundation.ts";
import * as explanations from "./0002_explanations.ts";
import * as analysisKeys from "./0003_analysis_keys.ts";
import * as bdvResults from "./0004_bdv_results.ts";
import * as deliveryAudit from "./0005_delivery_audit.ts";
import * as publishDigests from "./0006_publish_digests.ts";
import * as deflatedPayloads from "./0007_deflated_payloads.ts";

export const MIGRATIONS: Record<string, Migration> = {
  "0001_foundation": foundation,
  "0002_explanations": explanations,
  "0003_analysis_keys": analysisKeys,
  "0004_bdv_results": bdvResults,
  "0005_delivery_audit": deliveryAudit,
  "0006_publish_digests": publishDigests,
  "0007_deflated_payloads": deflatedPayloads,
};
