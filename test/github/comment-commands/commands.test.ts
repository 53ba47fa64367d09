/**
 * Comment commands end to end: a user's comment exists on the fake GitHub, its signed
 * `issue_comment` payload goes over HTTP to the running app (real database, real queue,
 * real engine), and what the app did is read back from the fake (reactions, replies, check
 * runs, the sticky comment) and from the database (suppressions, overrides, audit chain).
 * One app and one fake serve the file; each describe block has its own repository.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SUMMARY_MARKER } from "../../../src/core/report/markdown.ts";
import { REPLY_MARKER } from "../../../src/github/comment-commands/reply.ts";
import { listAudit, verifyAudit } from "../../../src/store/audit.ts";
import { listOverrides } from "../../../src/store/overrides.ts";
import { listSuppressions } from "../../../src/store/suppressions.ts";
import { describeEachDatabase } from "../../harness/db.ts";
import { type AppHarness, pullRequestEvent, startAppHarness } from "../app-harness.ts";
import {
  commitOnBranch,
  type FixtureRepo,
  fixtureRepo,
  INSTALLATION,
  LAYER_VIOLATION,
  LAYER_VIOLATION_ID,
  LAYERED_CONFIG,
} from "../fixture-repo.ts";

const VIOLATION = LAYER_VIOLATION;
const FINDING = LAYER_VIOLATION_ID;

describeEachDatabase("comment commands", (getDb) => {
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

  interface Pr {
    readonly repo: FixtureRepo;
    readonly number: number;
    head: string;
  }

  /** A repository with a PR whose head adds one `layered` violation, analysed once. */
  async function openPullRequest(name: string): Promise<Pr> {
    const repo = fixtureRepo(h.gh, name);
    const head = commitOnBranch(repo, "feature", VIOLATION);
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 5, head: "feature", base: "main" });
    for (const [user, role] of [
      ["alice", "admin"],
      ["bob", "write"],
      ["mona", "maintain"],
      ["carol", "read"],
      ["dave", "none"],
    ] as const)
      h.gh.setPermission(repo.owner, repo.name, user, role);
    const pr: Pr = { repo, number: 5, head };
    const opened = await h.deliver(pullRequestEvent("opened", prOptions(pr)));
    expect(opened.jobState).toBe("completed");
    expect(latestRun(pr, "Maestro ACC").conclusion).toBe("failure");
    return pr;
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

  function latestRun(pr: Pr, name: string, headSha = pr.head) {
    const runs = h.gh.checkRuns({ owner: pr.repo.owner, repo: pr.repo.name, headSha, name });
    const run = runs.sort((a, b) => b.id - a.id)[0];
    if (!run) throw new Error(`no ${name} run on ${headSha}`);
    return run;
  }

  function checkRunCount(pr: Pr): number {
    return h.gh.checkRuns({ owner: pr.repo.owner, repo: pr.repo.name }).length;
  }

  interface Sent {
    readonly commentId: number;
    readonly jobState: string;
    readonly reactions: string[];
    readonly replies: string[];
  }

  /** Posts `body` as `author` on the PR (or on a plain issue) and delivers its webhook. */
  async function comment(
    pr: Pr,
    body: string,
    author: string,
    o: {
      action?: string;
      authorType?: "User" | "Bot";
      onIssue?: boolean;
      commentId?: number;
      createdAt?: string;
    } = {},
  ): Promise<Sent> {
    const existing = o.commentId;
    const created =
      existing === undefined
        ? h.gh.addComment({
            owner: pr.repo.owner,
            repo: pr.repo.name,
            issueNumber: pr.number,
            body,
            author,
            authorType: o.authorType ?? "User",
          })
        : null;
    const commentId = existing ?? created!.id;
    const userType = o.authorType ?? "User";
    const result = await h.deliver({
      event: "issue_comment",
      action: o.action ?? "created",
      installationId: INSTALLATION,
      repository: { owner: pr.repo.owner, name: pr.repo.name, id: pr.repo.id, defaultBranch: "main" },
      patch: {
        issue: {
          number: pr.number,
          pull_request: o.onIssue
            ? undefined
            : {
                url: `https://api.github.com/repos/${pr.repo.fullName}/pulls/${pr.number}`,
                html_url: `https://github.com/${pr.repo.fullName}/pull/${pr.number}`,
                diff_url: `https://github.com/${pr.repo.fullName}/pull/${pr.number}.diff`,
                patch_url: `https://github.com/${pr.repo.fullName}/pull/${pr.number}.patch`,
                merged_at: null,
              },
        },
        comment: {
          id: commentId,
          body,
          user: { login: author, type: userType },
          created_at: o.createdAt ?? created?.createdAt ?? new Date().toISOString(),
        },
        sender: { login: author, type: userType },
      },
    });
    const replies = h.gh
      .issueComments({ owner: pr.repo.owner, repo: pr.repo.name, issueNumber: pr.number })
      .filter((c) => c.id > commentId && c.body.startsWith(REPLY_MARKER))
      .map((c) => c.body);
    return {
      commentId,
      jobState: result.jobState,
      reactions: h.gh.reactions(commentId).map((r) => r.content),
      replies,
    };
  }

  function stickyComments(pr: Pr) {
    return h.gh
      .issueComments({ owner: pr.repo.owner, repo: pr.repo.name, issueNumber: pr.number })
      .filter((c) => c.body.startsWith(SUMMARY_MARKER));
  }

  async function commandRows(pr: Pr) {
    return (await listAudit(getDb().store.db, { chain: INSTALLATION, repository: pr.repo.fullName })).filter(
      (row) => row.kind === "command" || row.kind === "authorization",
    );
  }

  describe("on one pull request", () => {
    let pr: Pr;
    beforeAll(async () => {
      pr = await openPullRequest("shop");
    });

    it("refuses a read-only user: 😕, a reply saying why, nothing changed", async () => {
      const runsBefore = checkRunCount(pr);
      const sent = await comment(pr, `/maestro suppress ${FINDING} --reason "not mine to accept"`, "carol");
      expect(sent.jobState).toBe("completed");
      expect(sent.reactions).toEqual(["eyes", "confused"]);
      expect(sent.replies).toHaveLength(1);
      expect(sent.replies[0]).toContain("only users with write access or more may change suppressions");
      expect(sent.replies[0]).toContain("your role on this repository is read");
      expect(sent.replies[0]).toContain("Nothing was changed");
      expect(await listSuppressions(getDb().store.db, pr.repo.fullName)).toEqual([]);
      expect(checkRunCount(pr)).toBe(runsBefore);
      const rows = await commandRows(pr);
      expect(rows.map((r) => [r.kind, r.actor, r.data])).toEqual([
        [
          "authorization",
          "carol",
          expect.objectContaining({
            command: "suppress",
            allowed: false,
            role: "read",
            requirement: "command",
          }),
        ],
        ["command", "carol", expect.objectContaining({ command: "suppress", outcome: "refused" })],
      ]);
    });

    it("a writer's suppression of the finding turns the failing ACC check green at once, and the sticky comment follows", async () => {
      const [sticky] = stickyComments(pr);
      const editsBefore = sticky!.edits;
      const reason = `'; DROP TABLE suppressions; -- <script>alert(1)</script> **bold** @acme/security ping \`tick\``;
      const sent = await comment(
        pr,
        `/maestro suppress ${FINDING} --reason "${reason}" --expires 30d`,
        "bob",
      );
      expect(sent.reactions).toEqual(["eyes", "+1"]);

      const stored = await listSuppressions(getDb().store.db, pr.repo.fullName);
      expect(stored).toHaveLength(1);
      const s = stored[0]!;
      expect(s).toMatchObject({
        level: "violation",
        pattern: FINDING,
        patternType: "exact",
        justification: reason,
        author: "bob",
        source: "command",
        permanent: false,
      });
      const days = (s.expires!.getTime() - s.createdAt!.getTime()) / 86_400_000;
      expect(days).toBeCloseTo(30, 3);

      // The echo is inert: no raw HTML, no mention, the SQL text shown but harmless.
      expect(sent.replies).toHaveLength(1);
      const body = sent.replies[0]!;
      expect(body).toContain(s.id);
      expect(body).not.toContain("<script>");
      expect(body).toContain("&lt;script&gt;");
      expect(body).not.toMatch(/@acme\/security/);
      expect(body).toContain("@\u200bacme/security");
      expect(body).not.toContain("**bold**");
      expect(body).toContain("DROP TABLE suppressions");

      // Re-run: ACC success on the same head, gate passes, one sticky comment, edited.
      expect(latestRun(pr, "Maestro ACC").conclusion).toBe("success");
      expect(latestRun(pr, "Maestro gate")).toMatchObject({
        conclusion: "success",
        output: { title: "ALL_PASS" },
      });
      const stickies = stickyComments(pr);
      expect(stickies).toHaveLength(1);
      expect(stickies[0]!.id).toBe(sticky!.id);
      expect(stickies[0]!.edits).toBeGreaterThan(editsBefore);
      expect(stickies[0]!.body).toContain("ALL_PASS");
      expect(stickies[0]!.body).not.toContain("<script>");
      // What the passing gate accepted is shown, collapsed: the suppression, its scope, reason,
      // author and expiry, and the finding it hid; in the comment and the gate's summary.
      for (const text of [stickies[0]!.body, latestRun(pr, "Maestro gate").output.summary as string]) {
        expect(text).toContain(
          "<details><summary>Suppressions: 1 suppression applied, hiding 1 finding</summary>",
        );
        expect(text).toContain(`| \`${s.id}\` | violation \`${FINDING}\` (exact) · command |`);
        expect(text).toContain(`| bob | ${s.expires!.toISOString().slice(0, 10)} | 1 |`);
        expect(text).toContain("&lt;script&gt;alert");
        expect(text).toContain("@\u200bacme/security");
        expect(text).not.toContain("<script>");
        expect(text).toMatch(new RegExp(`Hidden by \`${s.id}\`:\\n\\n- \\*\\*new\\*\\* .*\`${FINDING}\``));
      }

      const kinds = (
        await listAudit(getDb().store.db, { chain: INSTALLATION, repository: pr.repo.fullName })
      ).map((r) => r.kind);
      expect(kinds).toContain("suppression.created");
    });

    it("anyone may list the suppressions; user text is escaped in the table", async () => {
      const sent = await comment(pr, "/maestro suppressions", "dave");
      expect(sent.reactions).toEqual(["eyes", "+1"]);
      const body = sent.replies[0]!;
      expect(body).toContain("Active suppressions (1)");
      expect(body).toContain(FINDING);
      expect(body).not.toContain("<script>");
      expect(body).toContain("@\u200bacme/security");
    });

    it("stores a glob with markup verbatim and echoes it in a code span", async () => {
      const pattern = "src/<img src=x onerror=alert(1)>/**";
      const sent = await comment(
        pr,
        `/maestro suppress 'file:${pattern}' --reason=legacy --permanent`,
        "mona",
      );
      expect(sent.reactions).toEqual(["eyes", "+1"]);
      const stored = (await listSuppressions(getDb().store.db, pr.repo.fullName)).find(
        (x) => x.level === "file",
      );
      expect(stored).toMatchObject({ pattern, permanent: true, expires: null, author: "mona" });
      expect(sent.replies[0]).toContain(`\`${pattern}\``);
      const removed = await comment(pr, `/maestro unsuppress ${stored!.id}`, "mona");
      expect(removed.reactions).toEqual(["eyes", "+1"]);
    });

    it("answers bad arguments and unknown commands with the usage, changing nothing", async () => {
      const before = await listSuppressions(getDb().store.db, pr.repo.fullName);
      const bad = await comment(pr, `/maestro suppress ${FINDING} --expires 30d`, "bob");
      expect(bad.reactions).toEqual(["eyes", "confused"]);
      expect(bad.replies[0]).toContain("--reason");
      expect(bad.replies[0]).toContain("/maestro suppress <finding-id");
      const unknown = await comment(pr, "/maestro <b>frob</b> @acme/everyone", "dave");
      expect(unknown.reactions).toEqual(["eyes", "confused"]);
      expect(unknown.replies[0]).toContain("/maestro recheck");
      expect(unknown.replies[0]).not.toContain("<b>");
      expect(unknown.replies[0]).not.toContain("@acme/everyone");
      const notFound = await comment(pr, "/maestro suppress 0123456789ab --reason typo", "bob");
      expect(notFound.reactions).toEqual(["eyes", "confused"]);
      expect(notFound.replies[0]).toContain("no finding 0123456789ab");
      expect(await listSuppressions(getDb().store.db, pr.repo.fullName)).toEqual(before);
    });

    it("explains a finding to anyone: rule, message and the rule's config", async () => {
      const sent = await comment(pr, `/maestro explain ${FINDING}`, "dave");
      expect(sent.reactions).toEqual(["eyes", "+1"]);
      const body = sent.replies[0]!;
      expect(body).toContain(`Finding \`${FINDING}\``);
      expect(body).toContain("`layered`");
      expect(body).toContain("src/data/rows.ts:1");
      expect(body).toMatch(/```yaml\nid: layered\n(.+\n)*type: layers\n/);
    });

    it("unsuppress: refused for a reader, done for a writer, and the check fails again", async () => {
      const [s] = await listSuppressions(getDb().store.db, pr.repo.fullName);
      const refused = await comment(pr, `/maestro unsuppress ${s!.id}`, "carol");
      expect(refused.reactions).toEqual(["eyes", "confused"]);
      expect(await listSuppressions(getDb().store.db, pr.repo.fullName)).toHaveLength(1);

      const done = await comment(pr, `/maestro unsuppress ${s!.id}`, "bob");
      expect(done.reactions).toEqual(["eyes", "+1"]);
      expect(done.replies[0]).toContain(s!.id);
      expect(await listSuppressions(getDb().store.db, pr.repo.fullName)).toEqual([]);
      expect(latestRun(pr, "Maestro ACC").conclusion).toBe("failure");
      expect(stickyComments(pr)).toHaveLength(1);
      expect(stickyComments(pr)[0]!.body).toContain("ARCHITECTURAL_EROSION");

      const gone = await comment(pr, `/maestro unsuppress ${s!.id}`, "bob");
      expect(gone.reactions).toEqual(["eyes", "confused"]);
      expect(gone.replies[0]).toContain("there is no suppression");
    });

    it("recheck: refused for a reader; a writer gets fresh check runs on the same head", async () => {
      const before = checkRunCount(pr);
      const refused = await comment(pr, "/maestro recheck", "carol");
      expect(refused.reactions).toEqual(["eyes", "confused"]);
      expect(checkRunCount(pr)).toBe(before);
      const done = await comment(pr, "/maestro recheck", "bob");
      expect(done.reactions).toEqual(["eyes", "+1"]);
      expect(done.replies).toEqual([]);
      expect(checkRunCount(pr)).toBe(before + 4);
    });

    it("help is open to anyone", async () => {
      const sent = await comment(pr, "/MAESTRO help\nthanks!", "dave");
      expect(sent.reactions).toEqual(["eyes", "+1"]);
      for (const name of ["suppress", "unsuppress", "suppressions", "recheck", "explain", "override"]) {
        expect(sent.replies[0]).toContain(`/maestro ${name}`);
      }
    });
    it("ignores edited comments, bots, plain issues, other text, and a comment already handled", async () => {
      const before = checkRunCount(pr);
      const edited = await comment(pr, "/maestro recheck", "bob", { action: "edited" });
      const bot = await comment(pr, "/maestro recheck", "renovate[bot]", { authorType: "Bot" });
      const issue = await comment(pr, "/maestro recheck", "bob", { onIssue: true });
      const chatter = await comment(pr, "LGTM, but /maestro recheck later?", "bob");
      for (const sent of [edited, bot, issue, chatter]) {
        expect(sent.jobState).toBe("completed");
        expect(sent.reactions).toEqual([]);
        expect(sent.replies).toEqual([]);
      }
      expect(checkRunCount(pr)).toBe(before);
      const rowsBefore = (await commandRows(pr)).length;
      expect(rowsBefore).toBeGreaterThan(0);

      // The same comment delivered again (a new delivery id): handled once.
      const first = await comment(pr, "/maestro help", "bob");
      expect(first.replies).toHaveLength(1);
      const again = await comment(pr, "/maestro help", "bob", { commentId: first.commentId });
      expect(again.jobState).toBe("completed");
      expect(again.replies).toHaveLength(1);
      expect((await commandRows(pr)).length).toBe(rowsBefore + 2);
    });

    it("is refused for a writer; an admin's override passes the gate of this head only; the next push ends it", async () => {
      const refused = await comment(pr, '/maestro override --reason "release today"', "bob");
      expect(refused.reactions).toEqual(["eyes", "confused"]);
      expect(refused.replies[0]).toContain("only admins may override the gate");
      expect(await listOverrides(getDb().store.db, pr.repo.fullName, pr.number)).toEqual([]);
      expect(latestRun(pr, "Maestro gate").conclusion).toBe("failure");

      const reason = "prod outage INC-42 <b>now</b> @acme/oncall";
      const done = await comment(pr, `/maestro override --reason "${reason}"`, "alice");
      expect(done.reactions).toEqual(["eyes", "+1"]);
      expect(done.replies[0]).toContain(pr.head.slice(0, 7));
      expect(done.replies[0]).not.toContain("<b>");
      const overrides = await listOverrides(getDb().store.db, pr.repo.fullName, pr.number);
      expect(overrides).toEqual([
        expect.objectContaining({ head_sha: pr.head, actor: "alice", reason, pr_number: 5 }),
      ]);
      const gate = latestRun(pr, "Maestro gate");
      expect(gate.conclusion).toBe("success");
      expect(gate.output.title).toBe("ARCHITECTURAL_EROSION (overridden)");
      expect(gate.output.summary).toContain("alice");
      expect(latestRun(pr, "Maestro ACC").conclusion).toBe("failure");
      expect(stickyComments(pr)).toHaveLength(1);
      expect(stickyComments(pr)[0]!.body).toContain("override");

      // A new push: a new head, which the override does not name.
      pr.head = commitOnBranch(pr.repo, "feature", { "README.md": "# shop, again\n" });
      const pushed = await h.deliver(pullRequestEvent("synchronize", prOptions(pr)));
      expect(pushed.jobState).toBe("completed");
      expect(latestRun(pr, "Maestro gate")).toMatchObject({
        conclusion: "failure",
        output: { title: "ARCHITECTURAL_EROSION" },
      });

      // An override written before the new head's checks finished does not cover that head.
      const stale = await comment(pr, '/maestro override --reason "saw the old head"', "alice", {
        createdAt: new Date(Date.now() - 10 * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z"),
      });
      expect(stale.reactions).toEqual(["eyes", "confused"]);
      expect(stale.replies[0]).toContain(
        `the pull request moved on to ${pr.head.slice(0, 7)} after this comment`,
      );
      expect(await listOverrides(getDb().store.db, pr.repo.fullName, pr.number)).toHaveLength(1);
      expect(latestRun(pr, "Maestro gate").conclusion).toBe("failure");

      const kinds = (
        await listAudit(getDb().store.db, { chain: INSTALLATION, repository: pr.repo.fullName })
      ).map((r) => r.kind);
      expect(kinds.filter((k) => k === "override.created")).toHaveLength(1);
    });

    it("takes the roles from the base branch's config; a PR widening them does not count", async () => {
      const strict = LAYERED_CONFIG.replace(
        "gate: { streams: [acc] }",
        "gate: { streams: [acc], commandRoles: [admin] }",
      );
      expect(strict).not.toBe(LAYERED_CONFIG);
      commitOnBranch(pr.repo, "main", { ".github/maestro-hive.yml": strict });
      pr.head = commitOnBranch(pr.repo, "feature", {
        ".github/maestro-hive.yml": strict.replace("commandRoles: [admin]", "commandRoles: [admin, write]"),
      });
      const refused = await comment(pr, "/maestro recheck", "bob");
      expect(refused.reactions).toEqual(["eyes", "confused"]);
      expect(refused.replies[0]).toContain("only admins may change suppressions or re-run checks");
      const allowed = await comment(pr, "/maestro recheck", "alice");
      expect(allowed.reactions).toEqual(["eyes", "+1"]);
      expect(latestRun(pr, "Maestro gate").conclusion).toBe("failure");
    });
  });

  it("leaves a verifiable audit chain after all of that", async () => {
    const verification = await verifyAudit(getDb().store.db, { chain: INSTALLATION });
    expect(verification).toMatchObject({ ok: true });
    const kinds = new Set((await listAudit(getDb().store.db, { chain: INSTALLATION })).map((r) => r.kind));
    for (const kind of [
      "command",
      "authorization",
      "suppression.created",
      "suppression.removed",
      "override.created",
      "analysis.completed",
    ])
      expect(kinds.has(kind)).toBe(true);
  });
});
