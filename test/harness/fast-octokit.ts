/**
 * The app's Octokit for tests and benches: throttling off (Probot passes its own per instance,
 * so the function form is needed), retries in ms, not s. Its own module so that a process
 * running only the app (bench/lib/app-process.ts) loads none of the fake GitHub.
 */
import { ProbotOctokit } from "probot";

export const FastOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: true, retryAfterBaseValue: 1 },
  throttle: { ...(options.throttle as object), enabled: false },
}));
