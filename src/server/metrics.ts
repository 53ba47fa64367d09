/**
 * /metrics: webhook requests and job durations counted by this process, plus deliveries by
 * event and jobs by state read from the shared database (so every replica reports the same).
 */
import type { PgBoss } from "pg-boss";
import { DELIVERY_QUEUE } from "../jobs/queue.ts";
import type { JobOutcome } from "../jobs/worker.ts";
import type { Db } from "../store/db.ts";
import { deliveriesByEvent } from "../store/deliveries.ts";
import { jobsByState } from "../store/queue-depth.ts";
import { renderAuditGauges } from "./audit-guard.ts";
import type { GitHubRequestObserver, RateLimitReading } from "./github-fetch.ts";
import { Counter, Histogram, renderGauge } from "./prometheus.ts";

const JOB_STATES = ["created", "retry", "active", "completed", "cancelled", "failed"] as const;

export class AppMetrics implements GitHubRequestObserver {
  readonly webhookRequests = new Counter(
    "maestro_webhook_requests_total",
    "Webhook requests by event and outcome.",
  );
  readonly jobDuration = new Histogram(
    "maestro_job_duration_seconds",
    "Delivery job run time by outcome.",
    [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  );

  readonly githubRequests = new Counter(
    "maestro_github_requests_total",
    "GitHub API requests made by this process, by method and status (0: no answer).",
  );
  /** Last reading per rate-limit resource (core, graphql, search, ...), from response headers. */
  readonly #rateLimits = new Map<string, RateLimitReading>();

  observeGitHubRequest(method: string, status: number, rateLimit: RateLimitReading | null): void {
    this.githubRequests.inc({ method, status: String(status) });
    if (rateLimit) this.#rateLimits.set(rateLimit.resource, rateLimit);
  }

  observeJob(outcome: JobOutcome, seconds: number, event: string | undefined): void {
    this.jobDuration.observe(seconds, { outcome, event: event ?? "unknown" });
  }

  async render(db: Db, boss: PgBoss | undefined, queueSchema: string): Promise<string> {
    const deliveries = await deliveriesByEvent(db);
    const sections = [
      renderGauge(
        "maestro_deliveries",
        "Webhook deliveries recorded in the database, by event.",
        deliveries.map((d) => ({ labels: { event: d.event }, value: d.count })),
      ),
      renderGauge(
        "maestro_jobs",
        "Delivery jobs in the queue, by state.",
        await jobsOfDeliveryQueue(db, boss, queueSchema),
      ),
      this.webhookRequests.render(),
      this.jobDuration.render(),
      this.githubRequests.render(),
      renderGauge(
        "maestro_github_rate_limit_remaining",
        "Requests left in the current GitHub rate-limit window, as last reported to this process.",
        [...this.#rateLimits.values()].map((r) => ({ labels: { resource: r.resource }, value: r.remaining })),
      ),
      renderGauge(
        "maestro_github_rate_limit_limit",
        "Size of the GitHub rate-limit window, as last reported to this process.",
        [...this.#rateLimits.values()].map((r) => ({ labels: { resource: r.resource }, value: r.limit })),
      ),
      await renderAuditGauges(db),
    ];
    return `${sections.join("\n\n")}\n`;
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
