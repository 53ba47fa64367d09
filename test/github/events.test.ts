/** Which deliveries ask for an analysis, read from real example payloads (validated against GitHub's schemas). */
import { describe, expect, it } from "vitest";
import { analysisTrigger, ZERO_SHA } from "../../src/github/events.ts";
import { buildWebhookPayload, type WebhookEvent } from "../harness/webhooks.ts";

const HEAD = "a".repeat(40);
const BASE = "b".repeat(40);
const repository = { owner: "acme", name: "shop", id: 5, defaultBranch: "main" };

function trigger(event: WebhookEvent, action: string | undefined, patch: Record<string, unknown>) {
  const payload = buildWebhookPayload({ event, action, installationId: 1, repository, patch });
  return analysisTrigger(event, action ?? null, payload);
}

const pr = (extra: Record<string, unknown> = {}) => ({
  number: 4,
  pull_request: {
    number: 4,
    state: "open",
    draft: false,
    head: { sha: HEAD, ref: "feature" },
    base: { sha: BASE, ref: "main" },
    ...extra,
  },
});

describe("analysis triggers", () => {
  it("analyses pull requests opened, pushed to, reopened and ready for review; re-analyses when the base changes", () => {
    for (const action of ["opened", "synchronize", "reopened"]) {
      expect(trigger("pull_request", action, pr())).toMatchObject({
        headSha: HEAD,
        pullRequest: { number: 4, baseSha: BASE, baseRef: "main", fork: false, draft: false },
        force: false,
        rerun: false,
      });
    }
    // Analysed again, but nobody asked for new check runs: ones showing the same are left as they are.
    expect(trigger("pull_request", "ready_for_review", pr())).toMatchObject({ force: true, rerun: false });
    expect(trigger("pull_request", "edited", pr())).toBeNull();
    expect(
      trigger("pull_request", "edited", {
        ...pr(),
        changes: { base: { ref: { from: "develop" }, sha: { from: BASE } } },
      }),
    ).toMatchObject({ force: true, headSha: HEAD });
    expect(trigger("pull_request", "closed", pr())).toBeNull();
  });

  it("marks a head in another repository as a fork", () => {
    const forked = trigger(
      "pull_request",
      "opened",
      pr({ head: { sha: HEAD, ref: "feature", repo: { full_name: "mallory/shop", name: "shop" } } }),
    );
    expect(forked?.pullRequest?.fork).toBe(true);
    expect(forked?.fullName).toBe("acme/shop");
  });

  it("keeps a push to the default branch as the baseline and looks up pull requests for other branches", () => {
    expect(
      trigger("push", undefined, { ref: "refs/heads/main", before: BASE, after: HEAD, deleted: false }),
    ).toMatchObject({ baseline: true, before: BASE, findPullRequest: false, headSha: HEAD });
    expect(
      trigger("push", undefined, {
        ref: "refs/heads/feature",
        before: ZERO_SHA,
        after: HEAD,
        deleted: false,
      }),
    ).toMatchObject({ baseline: false, before: null, findPullRequest: true, headRef: "feature" });
    expect(
      trigger("push", undefined, { ref: "refs/heads/gone", before: BASE, after: ZERO_SHA, deleted: true }),
    ).toBeNull();
    expect(
      trigger("push", undefined, { ref: "refs/tags/v1", before: ZERO_SHA, after: HEAD, deleted: false }),
    ).toBeNull();
  });

  it("re-runs on our own Re-run button and re-requests, and ignores other apps' runs", () => {
    const run = { check_run: { name: "Maestro gate", head_sha: HEAD, pull_requests: [] } };
    expect(trigger("check_run", "rerequested", run)).toMatchObject({
      force: true,
      rerun: true,
      findPullRequest: true,
      headSha: HEAD,
    });
    expect(
      trigger("check_run", "requested_action", { ...run, requested_action: { identifier: "rerun" } }),
    ).toMatchObject({ force: true, rerun: true });
    expect(
      trigger("check_run", "requested_action", { ...run, requested_action: { identifier: "other" } }),
    ).toBeNull();
    expect(
      trigger("check_run", "rerequested", {
        check_run: { name: "CI build", head_sha: HEAD, pull_requests: [] },
      }),
    ).toBeNull();
    expect(
      trigger("check_suite", "requested", {
        check_suite: { head_sha: HEAD, head_branch: "x", pull_requests: [] },
      }),
    ).toMatchObject({ force: false, rerun: false, findPullRequest: true });
    expect(
      trigger("check_suite", "rerequested", {
        check_suite: { head_sha: HEAD, head_branch: "x", pull_requests: [] },
      }),
    ).toMatchObject({ force: true, rerun: true });
  });
});
