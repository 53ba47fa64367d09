/**
 * An app configured as Probot documents for GitHub Enterprise Server (GHE_HOST, GHE_PROTOCOL)
 * and a custom WEBHOOK_PATH talks to that host under /api/v3 and takes webhooks on that path:
 * a signed pull_request delivery to the running app ends in check runs on the fake GHES.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../harness/db.ts";
import { type AppHarness, pullRequestEvent, startAppHarness } from "./app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION, LAYER_VIOLATION } from "./fixture-repo.ts";

describeEachDatabase("GitHub Enterprise Server through Probot's variables", (getDb) => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness(getDb(), { enterprise: true, env: { WEBHOOK_PATH: "/hooks/maestro" } });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(() => {
    expect(h.gh.unexpectedViolations()).toEqual([]);
  });

  it("every API call goes to GHE_HOST under /api/v3, and webhooks arrive on WEBHOOK_PATH", async () => {
    const repo = fixtureRepo(h.gh, "ghes-shop");
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 3, head: "feature", base: "main" });
    const delivered = await h.deliver(
      pullRequestEvent("opened", {
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        number: 3,
        headRef: "feature",
        headSha: head,
        baseSha: repo.baseSha,
        installationId: INSTALLATION,
      }),
    );
    expect(delivered.jobState).toBe("completed");
    const runs = h.gh.checkRuns({ owner: repo.owner, repo: repo.name, headSha: head });
    expect(runs.map((run) => run.name)).toContain("Maestro ACC");
    // The sticky comment draws the components the PR touches, the layer-breaking import in red.
    const [sticky] = h.gh.issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 3 });
    expect(sticky!.body).toContain("```mermaid\ngraph LR\n");
    expect(sticky!.body).toMatch(/n\d+\["data"\]/);
    expect(sticky!.body).toMatch(/n\d+\["presentation"\]/);
    expect(sticky!.body).toMatch(/linkStyle \d+ stroke:#d73a49/);
    const api = h.gh.requests.filter((request) => request.operation !== "codeload");
    expect(api.length).toBeGreaterThan(3);
    expect(api.filter((request) => !request.rawPath.startsWith("/api/v3/"))).toEqual([]);

    const wrongPath = await fetch(`${h.app.url}/api/github/webhooks`, { method: "POST", body: "{}" });
    expect(wrongPath.status).toBe(404);
  });
});
