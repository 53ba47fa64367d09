/**
 * /metrics: webhook requests and job durations counted by this process, plus deliveries by
 * event and jobs by state read from the shared database (so every replica reports the same).
 */
import type { PgBoss } from "pg-boss";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { DELIVERY_QUEUE } from "../jobs/queue.ts";
import type { JobOutcome } from "../jobs/worker.ts";
import { chainHeads } from "../store/audit.ts";
import type { Db } from "../store/db.ts";
import { deliveriesByEvent } from "../store/deliveries.ts";
import { countPendingDeliveries } from "../store/delivery-audit.ts";
import { jobsByState } from "../store/queue-depth.ts";
import type { GitHubRequestObserver, RateLimitReading } from "./github-fetch.ts";

const JOB_STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const;

/** The app's metrics in a registry of its own (several apps may run in one test process). */
export class AppMetrics implements GitHubRequestObserver {
  readonly registry = new Registry();
  readonly #deliveries = new Gauge({
    name: "maestro_deliveries",
    help: "Webhook deliveries recorded in the database, by event.",
    labelNames: ["event"],
    registers: [this.registry],
  });
  readonly #jobs = new Gauge({
    name: "maestro_jobs",
    help: "Delivery jobs in the queue, by state.",
    labelNames: ["queue", "state"],
    registers: [this.registry],
  });
  readonly #deadLetters = new Gauge({
    name: "maestro_dead_letters",
    help: "Deliveries whose job failed every attempt and waits for `maestro-hive deliveries replay`.",
    labelNames: ["queue"],
    registers: [this.registry],
  });
  readonly #ready = new Gauge({
    name: "maestro_ready",
    help: "1 when this process's last /readyz check passed, 0 when it failed.",
    registers: [this.registry],
  });
  readonly #readinessTransitions = new Counter({
    name: "maestro_readiness_transitions_total",
    help: "Times this process's readiness changed (ready to unready or back); a fast rise is flapping.",
    registers: [this.registry],
  });
  #lastReady: boolean | undefined;
  readonly webhookRequests = new Counter({
    name: "maestro_webhook_requests_total",
    help: "Webhook requests by event and outcome.",
    labelNames: ["event", "outcome"],
    registers: [this.registry],
  });
  readonly jobDuration = new Histogram({
    name: "maestro_job_duration_seconds",
    help: "Delivery job run time by outcome.",
    labelNames: ["outcome", "event"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [this.registry],
  });
  readonly githubRequests = new Counter({
    name: "maestro_github_requests_total",
    help: "GitHub API requests made by this process, by method and status (0: no answer).",
    labelNames: ["method", "status"],
    registers: [this.registry],
  });
  /** Last reading per rate-limit resource (core, graphql, search, ...), from response headers. */
  readonly #rateLimitRemaining = new Gauge({
    name: "maestro_github_rate_limit_remaining",
    help: "Requests left in the current GitHub rate-limit window, as last reported to this process.",
    labelNames: ["resource"],
    registers: [this.registry],
  });
  readonly #rateLimitLimit = new Gauge({
    name: "maestro_github_rate_limit_limit",
    help: "Size of the GitHub rate-limit window, as last reported to this process.",
    labelNames: ["resource"],
    registers: [this.registry],
  });

  readonly #auditEvents = new Gauge({
    name: "maestro_audit_chain_events",
    help: "Audit events per hash chain (installation; 0 for local actions). Never decreases: a drop means deleted rows.",
    labelNames: ["chain"],
    registers: [this.registry],
  });
  readonly #auditPending = new Gauge({
    name: "maestro_deliveries_audit_pending",
    help: "Recorded deliveries whose delivery.received audit row is not appended yet (normally 0 within a second).",
    registers: [this.registry],
  });
  readonly #auditHeadSeq = new Gauge({
    name: "maestro_audit_chain_head_seq",
    help: "Sequence number of the last row of each audit chain.",
    labelNames: ["chain"],
    registers: [this.registry],
  });

  observeGitHubRequest(method: string, status: number, rateLimit: RateLimitReading | null): void {
    this.githubRequests.inc({ method, status: String(status) });
    if (rateLimit) {
      this.#rateLimitRemaining.set({ resource: rateLimit.resource }, rateLimit.remaining);
      this.#rateLimitLimit.set({ resource: rateLimit.resource }, rateLimit.limit);
    }
  }

  /** The result of a /readyz check (the orchestrator probes it every few seconds). */
  observeReadiness(ready: boolean): void {
    this.#ready.set(ready ? 1 : 0);
    if (this.#lastReady !== undefined && this.#lastReady !== ready) this.#readinessTransitions.inc();
    this.#lastReady = ready;
  }

  observeJob(outcome: JobOutcome, seconds: number, event: string | undefined): void {
    this.jobDuration.observe({ outcome, event: event ?? "unknown" }, seconds);
  }

  /** The Prometheus text: the process's counters, plus deliveries and jobs read from the shared database. */
  async render(db: Db, boss: PgBoss | undefined, queueSchema: string): Promise<string> {
    // With the database down, the process's own metrics (readiness, requests) still answer; the
    // series read from the database keep their last values.
    await this.#readShared(db, boss, queueSchema).catch(() => undefined);
    return this.registry.metrics();
  }

  async #readShared(db: Db, boss: PgBoss | undefined, queueSchema: string): Promise<void> {
    const deliveries = await deliveriesByEvent(db);
    const jobs = await jobsOfDeliveryQueue(db, boss, queueSchema);
    this.#deliveries.reset();
    for (const d of deliveries) this.#deliveries.set({ event: d.event }, d.count);
    this.#jobs.reset();
    for (const { labels, value } of jobs) this.#jobs.set(labels, value);
    // A failed job is one that exhausted its retries (an attempt with retries left is "retry").
    const deadLetters = jobs.find((j) => j.labels.state === "failed")?.value ?? 0;
    this.#deadLetters.set({ queue: DELIVERY_QUEUE }, deadLetters);
    this.#auditPending.set(await countPendingDeliveries(db));
    for (const head of await chainHeads(db)) {
      this.#auditEvents.set({ chain: String(head.chain) }, head.events);
      this.#auditHeadSeq.set({ chain: String(head.chain) }, head.headSeq);
    }
  }
}

async function jobsOfDeliveryQueue(
  db: Db,
  boss: PgBoss | undefined,
  queueSchema: string,
): Promise<Array<{ labels: Record<string, string>; value: number }>> {
  const counts = new Map<string, number>(JOB_STATES.map((s) => [s, 0]));
  if (boss) for (const [state, n] of await jobsByState(db, queueSchema, DELIVERY_QUEUE)) counts.set(state, n);
  return [...counts].map(([state, value]) => ({ labels: { queue: DELIVERY_QUEUE, state }, value }));
}
