/**
 * Hostile comment commands through the real flow: a signed issue_comment over HTTP to the
 * running app, the command handler talking to the fake GitHub. Non-collaborators are refused
 * with a reply and an audit row; injection attempts are stored and echoed as inert text.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../src/store/audit.ts";
import { listSuppressions } from "../../src/store/suppressions.ts";
import { type AppHarness, commentEvent, pullRequestEvent, startAppHarness } from "../github/app-harness.ts";
import {
  commitOnBranch,
  type FixtureRepo,
  fixtureRepo,
  INSTALLATION,
  layeredId,
} from "../github/fixture-repo.ts";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";

const FINDING = layeredId("src/data/rows.ts", "src/ui/page.ts");
const PERMISSION = "GET /repos/{owner}/{repo}/collaborators/{username}/permission";

describe("bad comment commands", () => {
  let database: TestDatabase;
  let h: AppHarness;
  let repo: FixtureRepo;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    h = await startAppHarness(database, { workers: 1 });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
    repo = fixtureRepo(h.gh, "hostile");
    const head = commitOnBranch(repo, "feature", {
      "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows: number[] = [];\n',
    });
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 9, head: "feature", base: "main" });
    h.gh.setPermission(repo.owner, repo.name, "bob", "write");
    // mallory and carol are not collaborators: GitHub answers 404 for them, a normal answer here.
    h.gh.expectRefusal(PERMISSION, 404);
    const opened = await h.deliver(
      pullRequestEvent("opened", {
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        number: 9,
        headRef: "feature",
        headSha: head,
        baseSha: repo.baseSha,
        installationId: INSTALLATION,
      }),
    );
    expect(opened.jobState).toBe("completed");
  });
  afterAll(async () => {
    await h?.stop();
    await database?.close();
  });
  afterEach(() => {
    expect(h.gh.unexpectedViolations()).toEqual([]);
  });

  async function comment(body: string, author: string) {
    const created = h.gh.addComment({ owner: repo.owner, repo: repo.name, issueNumber: 9, body, author });
    const result = await h.deliver(
      commentEvent({ repo, number: 9, comment: created, installationId: INSTALLATION }),
    );
    const replies = h.gh
      .issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 9 })
      .filter((c) => c.id > created.id && c.author !== author)
      .map((c) => c.body);
    return {
      jobState: result.jobState,
      reactions: h.gh.reactions(created.id).map((r) => r.content),
      replies,
    };
  }

  it("refuses an override from a user without access, with a reply and an audit row", async () => {
    const sent = await comment('/maestro override --reason "ship it"', "mallory");
    expect(sent.jobState).toBe("completed");
    expect(sent.reactions).toContain("confused");
    expect(sent.replies.join("\n")).toMatch(/Nothing was changed/);
    const rows = await listAudit(database.store.db, { chain: INSTALLATION, repository: repo.fullName });
    expect(rows.some((r) => r.kind === "authorization" && r.actor === "mallory")).toBe(true);
  });

  it("stores an injection attempt in a reason as plain text and echoes nothing executable", async () => {
    const reason = `'); drop table suppressions; -- $(rm -rf /) <img src=x onerror=alert(1)> @acme/everyone`;
    const sent = await comment(`/maestro suppress ${FINDING} --reason "${reason}" --expires 30d`, "bob");
    expect(sent.jobState).toBe("completed");
    expect(sent.reactions).toContain("+1");
    const suppressions = await listSuppressions(database.store.db, repo.fullName);
    expect(suppressions.map((s) => s.justification)).toEqual([reason]);
    const everything = h.gh.issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 9 });
    for (const c of everything.filter((c) => c.author !== "bob" && c.author !== "mallory")) {
      expect(c.body).not.toContain("<img src=x");
      expect(c.body).not.toMatch(/(^|[^`\\\w])@acme\/everyone/);
    }
  });

  it("answers a command with an unterminated quote with a usage reply, changing nothing", async () => {
    const before = (await listSuppressions(database.store.db, repo.fullName)).length;
    const sent = await comment(`/maestro suppress rule:layered --reason "never closed`, "bob");
    expect(sent.jobState).toBe("completed");
    expect(sent.reactions).toContain("confused");
    expect(sent.replies.length).toBeGreaterThan(0);
    expect((await listSuppressions(database.store.db, repo.fullName)).length).toBe(before);
  });

  it("refuses a suppression by someone who is not a collaborator: GitHub's 404 is no permission", async () => {
    const before = await listSuppressions(database.store.db, repo.fullName);
    const sent = await comment(`/maestro suppress ${FINDING} --reason "not my repo" --permanent`, "carol");
    expect(sent.jobState).toBe("completed");
    expect(sent.reactions).toContain("confused");
    expect(sent.replies.join("\n")).toMatch(/your role on this repository is none/);
    expect(await listSuppressions(database.store.db, repo.fullName)).toEqual(before);
    expect(h.gh.requestsTo(PERMISSION).at(-1)).toMatchObject({
      path: `/repos/${repo.fullName}/collaborators/carol/permission`,
      status: 404,
    });
  });
});
