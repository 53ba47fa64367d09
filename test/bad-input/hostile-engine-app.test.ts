/**
 * Issue 14's engine rows through the running app (signed webhook over HTTP → real queue, engine
 * and database → the contract-checked fake GitHub): a fork-style PR adding a file of 10,000
 * nested `[`. The app does not hand it to the native parser (which would kill the process): the
 * ACC check fails on the unreadable file, naming it and the line. (A file name that is live
 * Markdown is tested on the rendered outputs in hostile-engine.test.ts: the fake GitHub builds
 * the PR files' URLs from raw paths, which its own schema check then refuses.)
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { type AppHarness, pullRequestEvent, startAppHarness } from "../github/app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION } from "../github/fixture-repo.ts";
import { describeEachDatabase } from "../harness/db.ts";

describeEachDatabase("hostile pull request contents through the app", (getDb) => {
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

  it("a file of 10,000 nested brackets fails the ACC check as unreadable, and the app lives on", async () => {
    const repo = fixtureRepo(h.gh, "deep");
    const head = commitOnBranch(repo, "feature", {
      "src/data/deep.ts": `export const deep = ${"[".repeat(10_000)}${"]".repeat(10_000)};\n`,
    });
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 7, head: "feature", base: "main" });
    const delivered = await h.deliver(
      pullRequestEvent("opened", {
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        number: 7,
        headRef: "feature",
        headSha: head,
        baseSha: repo.baseSha,
        installationId: INSTALLATION,
      }),
    );
    expect(delivered.jobState).toBe("completed");
    const runs = h.gh.checkRuns({ owner: repo.owner, repo: repo.name, headSha: head });
    const acc = runs.filter((run) => run.name === "Maestro ACC").sort((a, b) => b.id - a.id)[0]!;
    expect(acc.status).toBe("completed");
    expect(acc.conclusion).toBe("failure");
    expect(acc.annotations).toContainEqual(
      expect.objectContaining({
        path: "src/data/deep.ts",
        start_line: 1,
        message: expect.stringContaining("deeper than 500 levels at line 1"),
      }),
    );
    expect(acc.output.summary).toContain("unreadable-file");
    expect(acc.output.summary).toContain("src/data/deep.ts could not be read");
  }, 120_000);
});
