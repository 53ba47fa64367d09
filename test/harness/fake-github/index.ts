/**
 * Fake GitHub for tests — a real HTTP server on 127.0.0.1 that checks every request against GitHub's
 * published OpenAPI description (test/fixtures/github/rest-subset.json) and serves repository
 * contents from real git repositories (test/harness/git-repo.ts).
 *
 *   const gh = await startFakeGitHub();                      // gh.url, gh.app.{id, privateKey, slug}
 *   const repo = GitRepo.create(); const base = repo.commit("init", { "a.ts": "…" });
 *   gh.addInstallation({ id: 7, account: "acme" });
 *   gh.addRepo({ owner: "acme", name: "shop", git: repo, installationId: 7 });
 *   gh.addPullRequest({ owner: "acme", repo: "shop", number: 1, head: "feature", base: "main" });
 *   gh.setPermission("acme", "shop", "alice", "write");
 *   // point Probot at it: new Probot({ appId: gh.app.id, privateKey: gh.app.privateKey, baseUrl: gh.url })
 *   gh.checkRuns({ headSha }) / gh.issueComments({ issueNumber: 1 }) / gh.reactions(commentId)
 *   gh.requests, gh.requestsTo("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}"), gh.violations
 *   gh.inject({ method: "PATCH", path: "/repos/{owner}/{repo}/check-runs/{check_run_id}", status: 500, times: 1 })
 *   await gh.close();
 *
 * Strictness: unknown endpoint → 404; invalid path param → 404; unknown or invalid query param → 422
 * (stricter than GitHub, which ignores unknown ones); body invalid against the schema (maxItems 50
 * annotations, maxLength 65535 summary/text, enums, required) → 422; plus GitHub's semantic rules
 * (output needs title+summary, completed needs conclusion, a check-run name is not blank, annotation
 * lines ≥ 1, columns only on single-line annotations and in order, comment body ≤ 65536, head_sha must
 * exist). Auth: /app/* and GET /repos/{o}/{r}/installation need the app JWT (RS256, iss = app id,
 * exp ≤ 10 min); everything else an installation token the fake issued for an installation that holds the
 * repository, has the permission and is not suspended → else 401/403/404. The collaborator-permission
 * endpoint answers 404 for anyone who is not a collaborator (`setPermission`).
 * Every refused request (400/401/403/404/422, from routing, auth or a handler) is appended to
 * `gh.violations`; answers are checked against GitHub's response schemas, never padded, and what does
 * not fit lands in `gh.responseProblems`. A shared afterEach (after-each.ts, vitest setupFiles) fails a
 * test that leaves either non-empty: a test provoking refusals takes them with `gh.takeViolations()`, and
 * one where a refusal is part of normal work (a non-collaborator commenting) declares it with
 * `gh.expectRefusal(operation, status)`.
 * Forks: register the fork with `forkOf` and the SAME GitRepo as the base (GitHub keeps PR heads in the
 * base repository as refs/pull/N/head), and pass `headRepo` to addPullRequest.
 */
import { FakeGitHub, type FakeGitHubOptions } from "./server.ts";

export { testAppKeys } from "./auth.ts";
export { operationKeys } from "./openapi.ts";
export type {
  AddInstallationOptions,
  AddPullRequestOptions,
  AddRepoOptions,
  FakeGitHubOptions,
  FaultHandle,
  FaultSpec,
} from "./server.ts";
export { DEFAULT_INSTALLATION_PERMISSIONS, FakeGitHub, liveFakes } from "./server.ts";
export type * from "./state.ts";

/** Starts a fake GitHub on a random port of 127.0.0.1. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(options).start();
}
