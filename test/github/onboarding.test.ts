/**
 * Onboarding on install, end to end: signed installation webhooks over HTTP to the running app,
 * which reads the default branch from the contract-checked fake GitHub, pushes a branch with the
 * starter config (git refs + contents endpoints, real git underneath) and opens ONE pull request;
 * a closed one is respected; until a config exists, checks are neutral previews.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { listAudit } from "../../src/store/audit.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { DEFAULT_INSTALLATION_PERMISSIONS } from "../harness/fake-github/server.ts";
import { type AppHarness, pushEvent, startAppHarness } from "./app-harness.ts";
import { fixtureRepo, INSTALLATION } from "./fixture-repo.ts";

const BRANCH = "maestro-hive/onboarding";
// src/data imports src/ui back: ui → services → data → ui, a cycle between the starter's components.
const CYCLE = { "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows = [page];\n' };

describeEachDatabase("onboarding on install", (getDb) => {
  let h: AppHarness;
  beforeAll(async () => {
    h = await startAppHarness(getDb(), { onboarding: true });
    h.gh.addInstallation({
      id: INSTALLATION,
      account: "acme",
      permissions: { ...DEFAULT_INSTALLATION_PERMISSIONS, contents: "write" },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(() => {
    expect(h.gh.unexpectedViolations()).toEqual([]);
  });

  const installed = (repo: { owner: string; name: string; id: number }, action: "created" | "added") =>
    h.deliver({
      event: action === "created" ? "installation" : "installation_repositories",
      action,
      installationId: INSTALLATION,
      repository: { owner: repo.owner, name: repo.name, id: repo.id, defaultBranch: "main" },
    });
  const onboardingPulls = (repo: { owner: string; name: string }) =>
    h.gh.pullRequestsFor(repo.owner, repo.name).filter((pr) => pr.headRef === BRANCH);

  it("opens one pull request with the starter config and today's findings; a closed one is respected", async () => {
    const repo = fixtureRepo(h.gh, "fresh", { ".github/maestro-hive.yml": null, ...CYCLE });
    expect((await installed(repo, "created")).jobState).toBe("completed");

    const [pull, ...others] = onboardingPulls(repo);
    expect(others).toEqual([]);
    expect(pull).toMatchObject({ title: "Configure Maestro Hive", baseRef: "main", state: "open" });
    expect(pull!.body).toContain("What this config finds today (2)");
    expect(pull!.body).toContain("component cycle: data → ui → services → data");
    expect(pull!.body).toContain("respected: no other onboarding pull request will be opened");
    const config = parse(repo.git.show(BRANCH, ".github/maestro-hive.yml").toString("utf8"));
    expect(Object.keys(config.acc.components).sort()).toEqual(["data", "services", "ui"]);
    expect(repo.git.revParse(`${BRANCH}^`)).toBe(repo.baseSha); // one commit on the default branch

    // Added again (or to another installation event): the open PR is enough.
    await installed(repo, "added");
    expect(onboardingPulls(repo)).toHaveLength(1);
    // Closed without merging: never offered again.
    pull!.state = "closed";
    await installed(repo, "added");
    expect(onboardingPulls(repo)).toHaveLength(1);
    const outcomes = (await listAudit(getDb().store.db, { chain: INSTALLATION, kind: "onboarding" }))
      .filter((row) => row.subject === repo.fullName)
      .map((row) => {
        const data = row.data as { outcome: string; state?: string };
        return data.state ? `${data.outcome}:${data.state}` : data.outcome;
      });
    expect(outcomes).toEqual(["opened", "offered:open", "offered:closed"]);
  });

  it("a repository that has a config gets no onboarding pull request", async () => {
    const repo = fixtureRepo(h.gh, "configured");
    await installed(repo, "created");
    expect(onboardingPulls(repo)).toEqual([]);
  });

  it("until a config exists, a push gets neutral checks that preview the starter config's findings", async () => {
    // No config in the repository nor in the organisation's .github repository: GitHub answers 404.
    h.gh.expectRefusal("GET /repos/{owner}/{repo}/contents/{path}", 404);
    fixtureRepo(h.gh, ".github", { ".github/maestro-hive.yml": null });
    const repo = fixtureRepo(h.gh, "preview", { ".github/maestro-hive.yml": null });
    const after = repo.git.commit("a cycle", CYCLE);
    const pushed = await h.deliver(
      pushEvent({
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        installationId: INSTALLATION,
        ref: "main",
        before: repo.baseSha,
        after,
      }),
    );
    expect(pushed.jobState).toBe("completed");
    const runs = h.gh.checkRuns({ owner: repo.owner, repo: repo.name, headSha: after });
    expect(runs.length).toBe(4);
    for (const run of runs) {
      expect(run.conclusion).toBe("neutral");
      expect(run.output.title).toMatch(/^No config yet \(preview\): /);
    }
    const acc = runs.find((run) => run.name === "Maestro ACC")!;
    expect(acc.output.summary).toContain("component cycle: data → ui → services → data");
    expect(acc.annotations.every((a) => a.annotation_level === "notice")).toBe(true);
  });
});
