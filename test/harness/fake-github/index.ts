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
 * (output needs title+summary, completed needs conclusion, columns only on single-line annotations,
 * comment body ≤ 65536, head_sha must exist). Auth: /app/* and GET /repos/{o}/{r}/installation need the
 * app JWT (RS256, iss = app id, exp ≤ 10 min); everything else an installation token the fake issued
 * for an installation that holds the repository and has the permission → else 401/404/403.
 * Every refused request is also appended to `gh.violations` — assert it is empty after app tests.
 * Answers are completed to GitHub's documented response schemas (fields the fake does not model get
 * typed empty values); anything still off lands in `gh.responseProblems`.
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
export { DEFAULT_INSTALLATION_PERMISSIONS, FakeGitHub } from "./server.ts";
export type * from "./state.ts";

/** Starts a fake GitHub on a random port of 127.0.0.1. */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  return new FakeGitHub(options).start();
}
