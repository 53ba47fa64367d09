/**
 * What a handler of one recorded webhook delivery is given: the delivery itself plus the
 * GitHub, database and audit access it may use. The job worker (src/jobs) builds it; the
 * GitHub-facing handlers (src/github/comment-commands, src/jobs/analysis-job.ts) consume it.
 */
import type { Logger } from "pino";
import type { Context, ProbotOctokit } from "probot";
import type { NewAuditEvent } from "../store/audit.ts";
import type { Db } from "../store/db.ts";

export interface DeliveryContext {
  readonly deliveryId: string;
  readonly jobId: string;
  readonly event: string;
  readonly action: string | null;
  /** The webhook payload as GitHub sent it (validated for its required fields at ingest). */
  readonly payload: Record<string, unknown>;
  readonly installationId: number | null;
  /** "owner/name" of the repository the event concerns, when it has one. */
  readonly repository: string | null;
  readonly db: Db;
  /** Carries deliveryId and jobId on every line. */
  readonly log: Logger;
  now(): Date;
  /** Appends an audit event on this installation's chain. */
  audit(event: Omit<NewAuditEvent, "chain">): Promise<void>;
  /** An Octokit authenticated as the delivery's installation. Fails in setup mode. */
  octokit(): Promise<ProbotOctokit>;
  /** A Probot Context for the delivery (context.config(), context.repo(), …). */
  probotContext(): Promise<Context>;
}

export type DeliveryHandler = (context: DeliveryContext) => Promise<void>;
