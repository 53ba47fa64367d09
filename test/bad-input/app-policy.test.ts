/**
 * Keys and policy that a pull request's author cannot game, against the running app (signed
 * webhooks over HTTP, the fake GitHub, a real database):
 * - an analysis belongs to (repository, head, analysis key — the governing config and the
 *   compared commit), so the same head opened against another base is analysed again;
 * - the config that governs the analysis and every command's permissions come from the default
 *   branch, never from a base branch the author picked.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { listAudit } from "../../src/store/audit.ts";
import { listSuppressions } from "../../src/store/suppressions.ts";
import { type AppHarness, pullRequestEvent, startAppHarness } from "../github/app-harness.ts";
import {
  commitOnBranch,
  type FixtureRepo,
  fixtureRepo,
  INSTALLATION,
  LAYER_VIOLATION,
  LAYER_VIOLATION_ID,
  LAYERED_CONFIG,
} from "../github/fixture-repo.ts";
import { describeEachDatabase } from "../harness/db.ts";

const STRICT = LAYERED_CONFIG.replace(
  "gate: { streams: [acc] }",
  "gate: { streams: [acc], commandRoles: [admin] }",
);

describeEachDatabase("hostile pull requests: keys and policy", (getDb) => {
  let h: AppHarness;

  beforeAll(async () => {
    h = await startAppHarness(getDb(), { workers: 1 });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(() => {
    expect(h.gh.unexpectedViolations()).toEqual([]);
  });

  function gate(repo: FixtureRepo, headSha: string) {
    const runs = h.gh.checkRuns({ owner: repo.owner, repo: repo.name, headSha, name: "Maestro gate" });
    return runs.sort((a, b) => b.id - a.id)[0];
  }

  /** Opens pull request `number` of branch `feature` into `base` and delivers its webhook. */
  async function open(repo: FixtureRepo, number: number, base: string, headSha: string) {
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number, head: "feature", base });
    const baseSha = repo.git.git("rev-parse", base).trim();
    return h.deliver(
      pullRequestEvent("opened", {
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        number,
        headSha,
        headRef: "feature",
        baseSha,
        baseRef: base,
        installationId: INSTALLATION,
      }),
    );
  }

  /** `branch` made from main with `files` changed; main stays checked out. */
  function sideBranch(repo: FixtureRepo, branch: string, files: Record<string, string | null>): void {
    commitOnBranch(repo, branch, files);
    repo.git.switch("main");
  }

  it("the same head opened against a branch without config, then against main, is analysed under main's rules both times", async () => {
    const repo = fixtureRepo(h.gh, "keys");
    sideBranch(repo, "bare", { ".github/maestro-hive.yml": null });
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);

    const first = await open(repo, 1, "bare", head);
    expect(first.jobState).toBe("completed");
    // Policy from the default branch: the base without config does not turn the rules off.
    expect(gate(repo, head)).toMatchObject({
      conclusion: "failure",
      output: { title: "ARCHITECTURAL_EROSION" },
    });

    const second = await open(repo, 2, "main", head);
    expect(second.jobState).toBe("completed");
    // Not a "duplicate" of the first: another compared commit is another analysis key.
    const completed = await listAudit(getDb().store.db, {
      repository: repo.fullName,
      kind: "analysis.completed",
    });
    expect(completed.map((row) => row.pr_number).sort()).toEqual([1, 2]);
    expect(gate(repo, head)).toMatchObject({
      conclusion: "failure",
      output: { title: "ARCHITECTURAL_EROSION" },
    });
    const comments = h.gh.issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 2 });
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(LAYER_VIOLATION_ID);
  });

  it("a writer's PR to their own branch whose config widens commandRoles cannot suppress; the PR to main fails", async () => {
    const repo = fixtureRepo(h.gh, "roles", { ".github/maestro-hive.yml": STRICT });
    h.gh.setPermission(repo.owner, repo.name, "bob", "write");
    sideBranch(repo, "bobs", {
      ".github/maestro-hive.yml": STRICT.replace("commandRoles: [admin]", "commandRoles: [admin, write]"),
    });
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    expect((await open(repo, 1, "bobs", head)).jobState).toBe("completed");

    const body = `/maestro suppress ${LAYER_VIOLATION_ID} --reason "not on my branch"`;
    const comment = h.gh.addComment({
      owner: repo.owner,
      repo: repo.name,
      issueNumber: 1,
      body,
      author: "bob",
    });
    const sent = await h.deliver({
      event: "issue_comment",
      action: "created",
      installationId: INSTALLATION,
      repository: { owner: repo.owner, name: repo.name, id: repo.id, defaultBranch: "main" },
      patch: {
        issue: {
          number: 1,
          pull_request: {
            url: `https://api.github.com/repos/${repo.fullName}/pulls/1`,
            html_url: `https://github.com/${repo.fullName}/pull/1`,
            diff_url: `https://github.com/${repo.fullName}/pull/1.diff`,
            patch_url: `https://github.com/${repo.fullName}/pull/1.patch`,
            merged_at: null,
          },
        },
        comment: {
          id: comment.id,
          body,
          user: { login: "bob", type: "User" },
          created_at: new Date().toISOString(),
        },
        sender: { login: "bob", type: "User" },
      },
    });
    expect(sent.jobState).toBe("completed");
    const replies = h.gh
      .issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 1 })
      .filter((c) => c.author !== "octocat" && c.body.includes("only admins"));
    expect(replies).toHaveLength(1);
    expect(await listSuppressions(getDb().store.db, repo.fullName)).toEqual([]);

    expect((await open(repo, 2, "main", head)).jobState).toBe("completed");
    expect(gate(repo, head)).toMatchObject({
      conclusion: "failure",
      output: { title: "ARCHITECTURAL_EROSION" },
    });
  });
});
