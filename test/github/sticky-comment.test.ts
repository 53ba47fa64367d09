/**
 * The sticky summary comment under concurrency (fake GitHub over HTTP, real database): two
 * analyses of the same pull request upserting at once produce one comment, edited, never two.
 */
import { Probot, type ProbotOctokit } from "probot";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SUMMARY_MARKER } from "../../src/core/report/markdown.ts";
import { upsertStickyComment } from "../../src/github/sticky-comment.ts";
import { stickyCommentId } from "../../src/store/pr-comments.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { GitRepo } from "../harness/git-repo.ts";
import { FastOctokit } from "./app-harness.ts";

describeEachDatabase("sticky comment", (getDb) => {
  let gh: FakeGitHub;
  let git: GitRepo;
  let octokit: ProbotOctokit;

  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.addInstallation({ id: 11, account: "acme" });
    git = GitRepo.create({ worktree: false });
    git.commit("init", { "README.md": "hello\n" });
    git.branch("feature");
    git.commit("change", { "src/a.ts": "export const a = 1;\n" });
    gh.addRepo({ owner: "acme", name: "race", git, installationId: 11 });
    gh.addPullRequest({ owner: "acme", repo: "race", number: 3, head: "feature", base: "main" });
    const probot = new Probot({
      appId: gh.app.id,
      privateKey: gh.app.privateKey,
      baseUrl: gh.url,
      Octokit: FastOctokit,
    });
    octokit = await probot.auth(11);
  });
  afterAll(async () => {
    await gh?.close();
    git?.cleanup();
  });

  it("two concurrent upserts of one pull request post exactly one comment", async () => {
    const db = getDb().store.db;
    const target = { octokit, db, repo: { owner: "acme", repo: "race" }, fullName: "acme/race", prNumber: 3 };
    const results = await Promise.all([
      upsertStickyComment(target, `${SUMMARY_MARKER}\nfirst analysis\n`),
      upsertStickyComment(target, `${SUMMARY_MARKER}\nsecond analysis\n`),
    ]);

    const comments = gh.issueComments({ owner: "acme", repo: "race", issueNumber: 3 });
    expect(comments).toHaveLength(1);
    expect(results.map((r) => r.action).sort()).toEqual(["created", "updated"]);
    expect(results[0]?.commentId).toBe(comments[0]?.id);
    expect(results[1]?.commentId).toBe(comments[0]?.id);
    expect(await stickyCommentId(db, "acme/race", 3)).toBe(comments[0]?.id);
    expect(gh.requestCount("POST /repos/{owner}/{repo}/issues/{issue_number}/comments")).toBe(1);
    expect(gh.unexpectedViolations()).toEqual([]);
  });
});
