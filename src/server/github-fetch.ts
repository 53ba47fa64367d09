/**
 * The fetch every GitHub request of the app goes through (installation tokens included): a
 * time limit per request, so a GitHub that never answers fails the request (Octokit reports
 * it as a 500, which plugin-retry and the analysis job retry) instead of hanging the job, and
 * request counts and the rate-limit budget for /metrics.
 */

import { inSpan, SpanKind, SpanStatusCode } from "../telemetry/spans.ts";

/** Long enough for a large tarball, short enough that a stuck request does not hold a worker. */
export const DEFAULT_GITHUB_TIMEOUT_MS = 60_000;

export interface GitHubRequestObserver {
  /** One finished HTTP exchange: status 0 when no answer came (timeout, network). */
  observeGitHubRequest(method: string, status: number, rateLimit: RateLimitReading | null): void;
}

export interface RateLimitReading {
  resource: string;
  remaining: number;
  limit: number;
}

function rateLimitOf(headers: Headers): RateLimitReading | null {
  const remaining = Number(headers.get("x-ratelimit-remaining"));
  const limit = Number(headers.get("x-ratelimit-limit"));
  if (headers.get("x-ratelimit-remaining") === null || !Number.isFinite(remaining)) return null;
  return {
    resource: headers.get("x-ratelimit-resource") ?? "core",
    remaining,
    limit: Number.isFinite(limit) ? limit : 0,
  };
}

export function instrumentedFetch(options: {
  timeoutMs?: number | undefined;
  observer?: GitHubRequestObserver | undefined;
  fetch?: typeof fetch | undefined;
}): typeof fetch {
  const timeoutMs = options.timeoutMs ?? DEFAULT_GITHUB_TIMEOUT_MS;
  const inner = options.fetch ?? globalThis.fetch;
  return async (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const method = (init.method ?? (input instanceof Request ? input.method : "GET")).toUpperCase();
    // Path only: the query may hold a token (codeload archive links), headers hold credentials.
    const url = new URL(input instanceof Request ? input.url : String(input));
    const attributes = {
      "http.request.method": method,
      "server.address": url.hostname,
      "url.path": url.pathname,
    };
    return inSpan(`GitHub ${method}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      try {
        const response = await inner(input, { ...init, signal });
        span.setAttribute("http.response.status_code", response.status);
        if (response.status >= 500)
          span.setStatus({ code: SpanStatusCode.ERROR, message: `HTTP ${response.status}` });
        options.observer?.observeGitHubRequest(method, response.status, rateLimitOf(response.headers));
        return response;
      } catch (error) {
        options.observer?.observeGitHubRequest(method, 0, null);
        if (timeout.aborted && !init.signal?.aborted) {
          throw new Error(
            `GitHub did not answer ${method} ${url.origin}${url.pathname} within ${timeoutMs} ms`,
            {
              cause: error,
            },
          );
        }
        throw error;
      }
    });
  };
}
