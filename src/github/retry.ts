/**
 * What to do when GitHub says no.
 *
 * Probot's Octokit already retries 5xx answers (plugin-retry: 3 times, 1 s / 4 s / 9 s) and,
 * with throttling on, the primary rate limit twice; a SECONDARY rate limit is only logged
 * and the request fails. `honourRateLimits` wraps an installation's Octokit so a
 * rate-limited request (403/429 with retry-after or an exhausted quota) waits as GitHub
 * asks, within a bound, and is sent again. `withAttempts` runs a whole unit of work again
 * with backoff when it failed for a transient reason (5xx, network, rate limit).
 */
import type { ProbotOctokit } from "probot";

export interface RetryPolicy {
  /** Whole-job attempts (1 = no retry). */
  readonly attempts: number;
  /** Backoff before attempt n+1: baseDelayMs * n². */
  readonly baseDelayMs: number;
  /** Longest wait a rate-limit answer may impose before the request is retried. */
  readonly maxRateLimitWaitMs: number;
  /** Rate-limited retries of one request. */
  readonly rateLimitRetries: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 2000,
  maxRateLimitWaitMs: 120_000,
  rateLimitRetries: 3,
};

interface HttpError {
  status?: number;
  response?: { headers?: Record<string, string | number | undefined> };
  message?: string;
}

function header(error: HttpError, name: string): string | undefined {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** Milliseconds GitHub asks us to wait, or null when the error is not a rate limit. */
export function rateLimitWait(error: unknown, now: number = Date.now()): number | null {
  const e = error as HttpError;
  if (e?.status !== 403 && e?.status !== 429) return null;
  const retryAfter = header(e, "retry-after");
  if (retryAfter !== undefined && Number.isFinite(Number(retryAfter)))
    return Math.max(0, Number(retryAfter) * 1000);
  if (header(e, "x-ratelimit-remaining") === "0") {
    const reset = Number(header(e, "x-ratelimit-reset"));
    return Number.isFinite(reset) ? Math.max(0, reset * 1000 - now) : 60_000;
  }
  if (e.status === 429) return 60_000;
  // GitHub's secondary limit answers 403 with this message and, sometimes, no header: wait a minute.
  if (/secondary rate limit/i.test(e.message ?? "")) return 60_000;
  return null;
}

/** Errors worth another attempt: rate limits, 5xx and network failures. */
export function isTransient(error: unknown): boolean {
  if (error instanceof NonRetryableError) return false;
  const status = (error as HttpError)?.status;
  // Octokit reports network failures as status 500; an error without a status is our own.
  if (status === undefined) return false;
  return status >= 500 || status === 429 || rateLimitWait(error) !== null;
}

export class NonRetryableError extends Error {}

const wrapped = new WeakSet<object>();

/** Makes this Octokit wait out rate-limit answers (bounded) and retry; idempotent per instance. */
export function honourRateLimits(
  octokit: ProbotOctokit,
  policy: RetryPolicy,
  onWait?: (ms: number, route: string) => void,
): void {
  if (wrapped.has(octokit)) return;
  wrapped.add(octokit);
  octokit.hook.wrap("request", async (request, options) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const wait = rateLimitWait(error);
        if (wait === null || attempt >= policy.rateLimitRetries || wait > policy.maxRateLimitWaitMs)
          throw error;
        onWait?.(wait, `${options.method} ${options.url}`);
        await sleep(wait);
      }
    }
  });
}

/** Runs `work` up to `policy.attempts` times while it fails transiently. */
export async function withAttempts<T>(
  policy: RetryPolicy,
  work: (attempt: number) => Promise<T>,
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= policy.attempts || !isTransient(error)) throw error;
      const delay = Math.max(rateLimitWait(error) ?? 0, policy.baseDelayMs * attempt * attempt);
      if (delay > policy.maxRateLimitWaitMs) throw error;
      onRetry?.(error, attempt, delay);
      await sleep(delay);
    }
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A short, user-facing description of a failure. */
export function describeFailure(error: unknown): string {
  const e = error as HttpError & { request?: { method?: string; url?: string } };
  const message = error instanceof Error ? error.message : String(error);
  if (e?.status !== undefined && e.request?.url) {
    const path = e.request.url.replace(/^https?:\/\/[^/]+/, "").replace(/\?.*$/, "");
    return `GitHub answered ${e.status} to ${e.request.method ?? "a request"} ${path}: ${message}`;
  }
  return message;
}
