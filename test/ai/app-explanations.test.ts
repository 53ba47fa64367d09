/**
 * Explanations end to end: signed webhooks over HTTP → the running app (real database, real
 * queue, real engine) → the contract-checked fake GitHub for the PR, and the fake Messages API
 * for the explanations. What reaches the sticky comment, the command reply, the cache and
 * the audit trail is read back.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SUMMARY_MARKER } from "../../src/core/report/markdown.ts";
import { REPLY_MARKER } from "../../src/github/comment-commands/reply.ts";
import { listAudit, verifyAudit } from "../../src/store/audit.ts";
import {
  type AppHarness,
  commentEvent,
  pullRequestEvent,
  startAppHarness,
  TEST_ANALYSIS_OPTIONS,
} from "../github/app-harness.ts";
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
import { apiError, FAKE_API_KEY, type FakeAnthropic, startFakeAnthropic } from "../harness/fake-anthropic.ts";

const VIOLATION = LAYER_VIOLATION;
const FINDING = LAYER_VIOLATION_ID;

describeEachDatabase("AI explanations in the app", (getDb) => {
  let h: AppHarness;
  let fake: FakeAnthropic;

  beforeAll(async () => {
    fake = await startFakeAnthropic();
    h = await startAppHarness(getDb(), {
      workers: 1,
      analysis: { ...TEST_ANALYSIS_OPTIONS, ai: { apiKey: FAKE_API_KEY, baseURL: fake.url, maxRetries: 0 } },
    });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    await h?.stop();
    await fake?.close();
  });
  afterEach(() => {
    expect(h.gh.unexpectedViolations()).toEqual([]);
    expect(fake.violations).toEqual([]);
    fake.reset();
  });

  interface Pr {
    readonly repo: FixtureRepo;
    readonly number: number;
    head: string;
  }

  function prOptions(pr: Pr) {
    return {
      owner: pr.repo.owner,
      repo: pr.repo.name,
      repoId: pr.repo.id,
      number: pr.number,
      headRef: "feature",
      headSha: pr.head,
      baseSha: pr.repo.baseSha,
      installationId: INSTALLATION,
    };
  }

  async function openPullRequest(name: string, config: string): Promise<Pr> {
    const repo = fixtureRepo(h.gh, name, { ".github/maestro-hive.yml": config });
    const head = commitOnBranch(repo, "feature", VIOLATION);
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 3, head: "feature", base: "main" });
    const pr: Pr = { repo, number: 3, head };
    h.gh.setPermission(repo.owner, repo.name, "wendy", "write");
    h.gh.setPermission(repo.owner, repo.name, "carol", "read");
    const opened = await h.deliver(pullRequestEvent("opened", prOptions(pr)));
    expect(opened.jobState).toBe("completed");
    return pr;
  }

  function sticky(pr: Pr): string {
    const comments = h.gh
      .issueComments({ owner: pr.repo.owner, repo: pr.repo.name, issueNumber: pr.number })
      .filter((c) => c.body.startsWith(SUMMARY_MARKER));
    expect(comments).toHaveLength(1);
    return comments[0]!.body;
  }

  async function explainCommand(pr: Pr, author: string): Promise<string[]> {
    const created = h.gh.addComment({
      owner: pr.repo.owner,
      repo: pr.repo.name,
      issueNumber: pr.number,
      body: `/maestro explain ${FINDING}`,
      author,
    });
    const result = await h.deliver(
      commentEvent({ repo: pr.repo, number: pr.number, comment: created, installationId: INSTALLATION }),
    );
    expect(result.jobState).toBe("completed");
    return h.gh
      .issueComments({ owner: pr.repo.owner, repo: pr.repo.name, issueNumber: pr.number })
      .filter((c) => c.id > created.id && c.body.startsWith(REPLY_MARKER))
      .map((c) => c.body);
  }

  describe("a repository that opted in", () => {
    let pr: Pr;

    it("explains the new error in the sticky comment, after the check runs, and audits the tokens", async () => {
      pr = await openPullRequest("explained", `${LAYERED_CONFIG}ai: { explain: true }\n`);
      expect(fake.requests).toHaveLength(1);
      expect(fake.requests[0]!.userText).toContain(`Finding ${FINDING}:`);
      expect(fake.requests[0]!.userText).toContain('Import line: import { page } from "../ui/page";');
      const body = sticky(pr);
      expect(body).toContain("### Explanations");
      expect(body).toContain(`<details><summary>\`${FINDING}\`</summary>`);
      expect(body).toContain("Why: this layer must not depend on a higher one");
      const acc = h.gh.checkRuns({
        owner: pr.repo.owner,
        repo: pr.repo.name,
        headSha: pr.head,
        name: "Maestro ACC",
      });
      expect(acc.at(-1)).toMatchObject({ status: "completed", conclusion: "failure" });

      const db = getDb().store.db;
      const rows = await listAudit(db, { repository: pr.repo.fullName, kind: "ai.explanation" });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        chain: INSTALLATION,
        pr_number: pr.number,
        subject: `finding:${FINDING}`,
      });
      expect(rows[0]!.data).toMatchObject({ outcome: "explained", outputTokens: 45, trigger: "analysis" });
      expect((await verifyAudit(db)).ok).toBe(true);
    });

    it("asks nothing new when the PR is analysed again with the same file", async () => {
      pr.head = commitOnBranch(pr.repo, "feature", { "README.md": "# shop, again\n" });
      const again = await h.deliver(pullRequestEvent("synchronize", prOptions(pr)));
      expect(again.jobState).toBe("completed");
      expect(fake.requests).toHaveLength(0);
      expect(sticky(pr)).toContain("Why: this layer must not depend on a higher one");
    });

    it("answers a writer's /maestro explain from the cache", async () => {
      const replies = await explainCommand(pr, "wendy");
      expect(fake.requests).toHaveLength(0);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toContain("**Explanation**");
      expect(replies[0]).toContain("Why: this layer must not depend on a higher one");
    });

    it("gives a reader the rule and message, and no AI part", async () => {
      const replies = await explainCommand(pr, "carol");
      expect(fake.requests).toHaveLength(0);
      expect(replies).toHaveLength(1);
      expect(replies[0]).toContain(`Finding \`${FINDING}\``);
      expect(replies[0]).not.toContain("**Explanation**");
      expect(replies[0]).toContain("AI explanations are for users with write access to this repository.");
    });

    it("replies without an explanation when the API fails", async () => {
      fake.respond(() => apiError(500, "api_error", "boom"));
      // A new head: the cached answer is for the old file content.
      pr.head = commitOnBranch(pr.repo, "feature", {
        "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows: number[] = [1];\n',
      });
      await h.deliver(pullRequestEvent("synchronize", prOptions(pr)));
      const replies = await explainCommand(pr, "wendy");
      // One request from the analysis, one from the command: both failed, nothing cached.
      expect(fake.requests).toHaveLength(2);
      expect(fake.requests[1]!.userText).toContain('>1 | import { page } from "../ui/page";');
      expect(replies).toHaveLength(1);
      expect(replies[0]).toContain(`Finding \`${FINDING}\``);
      expect(replies[0]).not.toContain("**Explanation**");
    });
  });

  it("publishes the checks and the comment when the API fails, with a one-line note instead", async () => {
    fake.respond(() => apiError(500, "api_error", "boom"));
    const pr = await openPullRequest("failing", `${LAYERED_CONFIG}ai: { explain: true }\n`);
    expect(fake.requests).toHaveLength(1);
    const runs = h.gh.checkRuns({ owner: pr.repo.owner, repo: pr.repo.name, headSha: pr.head });
    expect(runs.map((run) => run.status)).toEqual(["completed", "completed", "completed", "completed"]);
    const body = sticky(pr);
    expect(body).not.toContain("### Explanations");
    expect(body).toContain(`- No AI explanation for finding ${FINDING}: the Anthropic API failed \\(500\\).`);
    const rows = await listAudit(getDb().store.db, { repository: pr.repo.fullName, kind: "ai.explanation" });
    expect(rows.map((row) => row.data)).toMatchObject([{ outcome: "failed", failure: "server-error" }]);
  });

  describe("a repository that did not opt in", () => {
    let pr: Pr;

    it("asks nothing during the analysis", async () => {
      pr = await openPullRequest("plain", LAYERED_CONFIG);
      expect(fake.requests).toHaveLength(0);
      expect(sticky(pr)).not.toContain("### Explanations");
    });

    it("sends nothing on /maestro explain, for a reader or a writer, and says why", async () => {
      for (const author of ["carol", "wendy"]) {
        const replies = await explainCommand(pr, author);
        expect(replies).toHaveLength(1);
        expect(replies[0]).toContain(`Finding \`${FINDING}\``);
        expect(replies[0]).toContain("AI explanations are off for this repository");
        expect(replies[0]).toContain("ai.explain: true");
      }
      expect(fake.requests).toHaveLength(0);
      const rows = await listAudit(getDb().store.db, {
        repository: pr.repo.fullName,
        kind: "ai.explanation",
      });
      expect(rows).toEqual([]);
    });
  });
});
