/**
 * The GitHub app end to end: signed example payloads over HTTP → the running app (real
 * database, real queue, real engine) → the contract-checked fake GitHub holding real git
 * repositories. One app and one fake serve the whole file; each test uses its own repository.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { listAudit } from "../../src/store/audit.ts";
import { describeEachDatabase } from "../harness/db.ts";
import {
  type AppHarness,
  pullRequestEvent,
  pushEvent,
  startAppHarness,
  TEST_ANALYSIS_OPTIONS,
} from "./app-harness.ts";
import {
  commitOnBranch,
  type FixtureRepo,
  fixtureRepo,
  INSTALLATION,
  LAYER_VIOLATION,
  LAYERED_CONFIG,
  layeredId,
} from "./fixture-repo.ts";

const CHECKS = ["Maestro ACC", "Maestro BDV", "Maestro DDE", "Maestro gate"];
const IN_PROGRESS_AFTER_MS = 5_000;

describeEachDatabase("GitHub app: pull requests", (getDb) => {
  let h: AppHarness;

  beforeAll(async () => {
    // Analyses here finish well within 5 s even on a loaded machine (publish-writes.test.ts pins
    // the window's both sides); the superseded-head test stalls one for longer.
    h = await startAppHarness(getDb(), {
      workers: 2,
      analysis: { ...TEST_ANALYSIS_OPTIONS, inProgressAfterMs: IN_PROGRESS_AFTER_MS },
    });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(() => {
    expect(h.gh.unexpectedViolations()).toEqual([]);
    h.gh.clearFaults();
  });

  function latestRuns(fullName: string, headSha: string) {
    const [owner, repo] = fullName.split("/") as [string, string];
    const runs = h.gh.checkRuns({ owner, repo, headSha });
    const latest = new Map<string, (typeof runs)[number]>();
    for (const run of runs) {
      const seen = latest.get(run.name);
      if (!seen || seen.id < run.id) latest.set(run.name, run);
    }
    return latest;
  }

  describe("a pull request opened, then pushed to", () => {
    it("publishes four check runs and one comment with the exact findings, then edits that comment", async () => {
      const repo = fixtureRepo(h.gh, "shop");
      const head1 = commitOnBranch(repo, "feature", {
        "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows: number[] = [];\n',
      });
      h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 5, head: "feature", base: "main" });
      const pr = {
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        number: 5,
        headRef: "feature",
        baseSha: repo.baseSha,
        installationId: INSTALLATION,
      };
      const opened = await h.deliver(pullRequestEvent("opened", { ...pr, headSha: head1 }));
      expect(opened.jobState).toBe("completed");

      const runs = latestRuns(repo.fullName, head1);
      expect([...runs.keys()].sort()).toEqual([...CHECKS].sort());
      for (const run of runs.values()) expect(run.status).toBe("completed");
      const acc = runs.get("Maestro ACC")!;
      expect(acc.conclusion).toBe("failure");
      expect(acc.output.title).toBe("1 new finding");
      const id = layeredId("src/data/rows.ts", "src/ui/page.ts");
      expect(acc.annotations).toEqual([
        expect.objectContaining({
          path: "src/data/rows.ts",
          start_line: 1,
          end_line: 1,
          annotation_level: "failure",
          message: expect.stringContaining(`Finding id: ${id}`),
        }),
      ]);
      expect(acc.actions).toEqual([expect.objectContaining({ identifier: "rerun", label: "Re-run" })]);
      expect(runs.get("Maestro gate")).toMatchObject({
        conclusion: "failure",
        output: { title: "ARCHITECTURAL_EROSION" },
      });
      expect(runs.get("Maestro BDV")).toMatchObject({
        conclusion: "neutral",
        output: { title: "Not configured" },
      });
      expect(runs.get("Maestro DDE")).toMatchObject({
        conclusion: "neutral",
        output: { title: "Not configured" },
      });

      const comments = h.gh.issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 5 });
      expect(comments).toHaveLength(1);
      const body = comments[0]!.body;
      expect(body.startsWith("<!-- maestro-hive:summary -->")).toBe(true);
      expect(body).toContain("ARCHITECTURAL_EROSION");
      expect(body).toContain(id);
      expect(body).toContain("src/data/rows.ts:1");
      // The first analysis of a repository reads tarballs; no blob is fetched one by one.
      expect(h.gh.requestCount("codeload")).toBeGreaterThanOrEqual(1);

      h.gh.resetRecording();
      const head2 = commitOnBranch(repo, "feature", {
        "src/services/cart.ts":
          'import { rows } from "../data/rows";\nimport { page } from "../ui/page";\nexport const total = () => rows.length;\n',
      });
      const pushed = await h.deliver(pullRequestEvent("synchronize", { ...pr, headSha: head2 }));
      expect(pushed.jobState).toBe("completed");
      const after = h.gh.issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 5 });
      expect(after).toHaveLength(1);
      expect(after[0]!.id).toBe(comments[0]!.id);
      expect(after[0]!.edits).toBeGreaterThanOrEqual(1);
      expect(after[0]!.body).toContain(layeredId("src/services/cart.ts", "src/ui/page.ts"));
      expect(latestRuns(repo.fullName, head2).get("Maestro ACC")!.output.title).toBe("2 new findings");
      // Warm: trees and only the blobs not seen before, no tarball.
      expect(h.gh.requestCount("codeload")).toBe(0);
      expect(h.gh.requestCount("GET /repos/{owner}/{repo}/git/blobs/{file_sha}")).toBeLessThanOrEqual(2);

      const { db } = getDb().store;
      const runRows = await db
        .selectFrom("analysis_runs")
        .selectAll()
        .where("repository", "=", repo.fullName)
        .orderBy("id")
        .execute();
      expect(runRows.map((r) => [r.head_sha, r.status, r.verdict, r.pr_number])).toEqual([
        [head1, "completed", "ARCHITECTURAL_EROSION", 5],
        [head2, "completed", "ARCHITECTURAL_EROSION", 5],
      ]);
      const findings = await db
        .selectFrom("findings")
        .select(["finding_id", "status"])
        .where("analysis_run_id", "=", runRows[1]!.id)
        .orderBy("finding_id")
        .execute();
      expect(findings).toEqual(
        [
          { finding_id: id, status: "new" },
          { finding_id: layeredId("src/services/cart.ts", "src/ui/page.ts"), status: "new" },
        ].sort((a, b) => a.finding_id.localeCompare(b.finding_id)),
      );
      const kinds = (await listAudit(db, { chain: INSTALLATION }))
        .filter((a) => a.repository === repo.fullName)
        .map((a) => a.kind);
      expect(kinds.filter((k) => k === "analysis.started")).toHaveLength(2);
      expect(kinds.filter((k) => k === "analysis.completed")).toHaveLength(2);
      expect(kinds.filter((k) => k === "publication")).toHaveLength(2);

      // The same commit pushed to the branch: one analysis per commit, nothing new published.
      h.gh.resetRecording();
      const push = await h.deliver(
        pushEvent({
          owner: repo.owner,
          repo: repo.name,
          repoId: repo.id,
          installationId: INSTALLATION,
          ref: "feature",
          before: head1,
          after: head2,
        }),
      );
      expect(push.jobState).toBe("completed");
      const suite = await h.deliver({
        event: "check_suite",
        action: "requested",
        installationId: INSTALLATION,
        repository: { owner: repo.owner, name: repo.name, id: repo.id, defaultBranch: "main" },
        patch: { check_suite: { head_sha: head2, head_branch: "feature", pull_requests: [] } },
      });
      expect(suite.jobState).toBe("completed");
      expect(h.gh.requestCount("POST /repos/{owner}/{repo}/check-runs")).toBe(0);
      expect(h.gh.checkRuns({ owner: repo.owner, repo: repo.name, headSha: head2 })).toHaveLength(4);
    });
  });

  function prOptions(repo: FixtureRepo, number: number, headRef: string) {
    return {
      owner: repo.owner,
      repo: repo.name,
      repoId: repo.id,
      number,
      headRef,
      baseSha: repo.baseSha,
      installationId: INSTALLATION,
    };
  }

  const VIOLATION = LAYER_VIOLATION;

  it("ends the check runs of a superseded head as neutral, and publishes only the newest", async () => {
    const repo = fixtureRepo(h.gh, "superseded");
    const head1 = commitOnBranch(repo, "feature", VIOLATION);
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 8, head: "feature", base: "main" });
    // The first analysis stalls fetching its snapshot for longer than the in-progress window, so
    // its check runs are shown in progress (the config is read before the claim); the second
    // push lands meanwhile.
    const stall = h.gh.inject({
      path: /\/repos\/acme\/superseded\/tarball\//,
      delayMs: IN_PROGRESS_AFTER_MS + 3000,
      times: 1,
    });
    const first = await h.send(
      pullRequestEvent("opened", { ...prOptions(repo, 8, "feature"), headSha: head1 }),
    );
    await expect
      .poll(
        () =>
          h.gh
            .checkRuns({ owner: "acme", repo: "superseded", headSha: head1 })
            .filter((run) => run.status === "in_progress").length,
        { timeout: 30_000, interval: 50 },
      )
      .toBe(4);
    const head2 = commitOnBranch(repo, "feature", { "README.md": "# shop, again\n" });
    const second = await h.deliver(
      pullRequestEvent("synchronize", { ...prOptions(repo, 8, "feature"), headSha: head2 }),
    );
    expect(second.jobState).toBe("completed");
    expect(await h.waitForJob(first.deliveryId)).toBe("completed");
    expect(stall.hits).toBe(1);

    const old = h.gh.checkRuns({ owner: "acme", repo: "superseded", headSha: head1 });
    expect(old).toHaveLength(4);
    for (const run of old) {
      expect(run).toMatchObject({ status: "completed", conclusion: "neutral" });
      expect(run.output.summary).toContain(`superseded by ${head2}`);
    }
    const fresh = latestRuns(repo.fullName, head2);
    expect(fresh.get("Maestro ACC")).toMatchObject({ status: "completed", conclusion: "failure" });
    const comments = h.gh.issueComments({ owner: "acme", repo: "superseded", issueNumber: 8 });
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain(head2.slice(0, 7));
    const statuses = await getDb()
      .store.db.selectFrom("analysis_runs")
      .select(["head_sha", "status"])
      .where("repository", "=", repo.fullName)
      .orderBy("id")
      .execute();
    expect(statuses).toEqual([
      { head_sha: head1, status: "superseded" },
      { head_sha: head2, status: "completed" },
    ]);
  });

  it("reads a fork's config from the base: the fork cannot weaken its own gate", async () => {
    const repo = fixtureRepo(h.gh, "forked");
    // The fork shares the objects, as GitHub's refs/pull/N/head does for the base repository.
    h.gh.addRepo({
      owner: "mallory",
      name: "forked",
      git: repo.git,
      installationId: INSTALLATION,
      forkOf: "acme/forked",
    });
    const head = commitOnBranch(repo, "weaken", {
      ...VIOLATION,
      ".github/maestro-hive.yml": "gate: { streams: [] }\n",
    });
    h.gh.addPullRequest({
      owner: "acme",
      repo: "forked",
      number: 3,
      head: "weaken",
      base: "main",
      headRepo: "mallory/forked",
    });
    const delivered = await h.deliver(
      pullRequestEvent("opened", {
        ...prOptions(repo, 3, "weaken"),
        headSha: head,
        headRepo: "mallory/forked",
      }),
    );
    expect(delivered.jobState).toBe("completed");
    const runs = latestRuns("acme/forked", head);
    expect(runs.size).toBe(4);
    expect(runs.get("Maestro ACC")).toMatchObject({
      conclusion: "failure",
      output: { title: "1 new finding" },
    });
    expect(runs.get("Maestro gate")).toMatchObject({ conclusion: "failure" });
    expect(h.gh.checkRuns({ owner: "mallory", repo: "forked" })).toHaveLength(0);
    const [comment] = h.gh.issueComments({ owner: "acme", repo: "forked", issueNumber: 3 });
    expect(comment?.body).toContain(layeredId("src/data/rows.ts", "src/ui/page.ts"));
    expect(comment?.body).toMatch(/Config changes in this pull request/);
    expect(comment?.body).toMatch(/after merge: ACC configuration removed/);
    // Every config read was of the base commit, none of the fork's head.
    const reads = h.gh
      .requestsTo("GET /repos/{owner}/{repo}/contents/{path}")
      .filter((r) => r.path.includes("/forked/"));
    expect(reads.length).toBeGreaterThan(0);
    for (const read of reads) expect(read.query.ref).toBe(repo.baseSha);
  });

  it("checks a draft quietly, comments once it is ready, and analyses again on Re-run", async () => {
    const repo = fixtureRepo(h.gh, "drafty");
    const head = commitOnBranch(repo, "wip", VIOLATION);
    h.gh.addPullRequest({
      owner: "acme",
      repo: "drafty",
      number: 11,
      head: "wip",
      base: "main",
      draft: true,
    });
    const draft = await h.deliver(
      pullRequestEvent("opened", { ...prOptions(repo, 11, "wip"), headSha: head, draft: true }),
    );
    expect(draft.jobState).toBe("completed");
    expect(latestRuns("acme/drafty", head).get("Maestro ACC")).toMatchObject({ conclusion: "failure" });
    expect(h.gh.issueComments({ owner: "acme", repo: "drafty", issueNumber: 11 })).toHaveLength(0);

    h.gh.pullRequest("acme", "drafty", 11)!.draft = false;
    h.gh.resetRecording();
    const ready = await h.deliver(
      pullRequestEvent("ready_for_review", { ...prOptions(repo, 11, "wip"), headSha: head }),
    );
    expect(ready.jobState).toBe("completed");
    const comments = h.gh.issueComments({ owner: "acme", repo: "drafty", issueNumber: 11 });
    expect(comments).toHaveLength(1);
    const readyBody = comments[0]!.body;
    // The check runs would show the same as the draft's: left as they are, nothing written.
    expect(h.gh.checkRuns({ owner: "acme", repo: "drafty", headSha: head })).toHaveLength(4);
    expect(h.gh.requestCount("POST /repos/{owner}/{repo}/check-runs")).toBe(0);
    expect(h.gh.requestCount("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}")).toBe(0);

    const acc = latestRuns("acme/drafty", head).get("Maestro ACC")!;
    const button = await h.deliver({
      event: "check_run",
      action: "requested_action",
      installationId: INSTALLATION,
      repository: { owner: "acme", name: "drafty", id: repo.id, defaultBranch: "main" },
      patch: {
        check_run: { id: acc.id, name: "Maestro ACC", head_sha: head, pull_requests: [] },
        requested_action: { identifier: "rerun" },
      },
    });
    expect(button.jobState).toBe("completed");
    const rerequested = await h.deliver({
      event: "check_run",
      action: "rerequested",
      installationId: INSTALLATION,
      repository: { owner: "acme", name: "drafty", id: repo.id, defaultBranch: "main" },
      patch: { check_run: { id: acc.id, name: "Maestro gate", head_sha: head, pull_requests: [] } },
    });
    expect(rerequested.jobState).toBe("completed");
    // A re-run asked for publishes new check runs even when they show the same.
    const all = h.gh.checkRuns({ owner: "acme", repo: "drafty", headSha: head });
    expect(all).toHaveLength(12);
    expect(all.every((run) => run.status === "completed")).toBe(true);
    // The comment would read the same: it is not edited.
    const after = h.gh.issueComments({ owner: "acme", repo: "drafty", issueNumber: 11 });
    expect(after).toHaveLength(1);
    expect(after[0]!.body).toBe(readyBody);
    expect(after[0]!.edits).toBe(0);
  });

  it("falls back to comparing trees when a pull request changes more than 3,000 files", async () => {
    const repo = fixtureRepo(h.gh, "huge", {
      ".github/maestro-hive.yml": `${LAYERED_CONFIG.replace("gate: { streams: [acc] }", "")}dde:\n  expect: [{ when: "gen/**", changed: "docs/**", message: "generated code without docs" }]\ngate: { streams: [acc, dde] }\n`,
    });
    const files: Record<string, string> = {};
    for (let i = 0; i < 3001; i++) files[`gen/file${String(i).padStart(4, "0")}.txt`] = `${i}\n`;
    const head = commitOnBranch(repo, "bulk", files);
    h.gh.addPullRequest({ owner: "acme", repo: "huge", number: 4, head: "bulk", base: "main" });
    h.gh.resetRecording();
    const delivered = await h.deliver(
      pullRequestEvent("opened", { ...prOptions(repo, 4, "bulk"), headSha: head, changedFiles: 12 }),
    );
    expect(delivered.jobState).toBe("completed");
    // 30 full pages of 100, then the tree comparison takes over.
    expect(h.gh.requestCount("GET /repos/{owner}/{repo}/pulls/{pull_number}/files")).toBe(30);
    const dde = latestRuns("acme/huge", head).get("Maestro DDE")!;
    expect(dde).toMatchObject({ conclusion: "failure" });
    expect(dde.output.summary).toContain("generated code without docs");
    const run = await getDb()
      .store.db.selectFrom("audit_events")
      .select("data")
      .where("kind", "=", "analysis.completed")
      .where("repository", "=", "acme/huge")
      .executeTakeFirstOrThrow();
    expect(run.data).toMatchObject({ changedFiles: "tree-compare" });
  });

  it("annotates 120 new findings in three requests (50 + 50 + 20)", async () => {
    const repo = fixtureRepo(h.gh, "many");
    const files: Record<string, string> = {};
    for (let i = 0; i < 120; i++) {
      files[`src/data/bad${String(i).padStart(3, "0")}.ts`] =
        'import { page } from "../ui/page";\nexport const x = page;\n';
    }
    const head = commitOnBranch(repo, "many", files);
    h.gh.addPullRequest({ owner: "acme", repo: "many", number: 6, head: "many", base: "main" });
    h.gh.resetRecording();
    const delivered = await h.deliver(
      pullRequestEvent("opened", { ...prOptions(repo, 6, "many"), headSha: head }),
    );
    expect(delivered.jobState).toBe("completed");
    const acc = latestRuns("acme/many", head).get("Maestro ACC")!;
    expect(acc.annotations).toHaveLength(120);
    // Created with the first batch (in progress: more follow), then two updates, the last completing it.
    const created = h.gh
      .requestsTo("POST /repos/{owner}/{repo}/check-runs")
      .filter((r) => (r.body as { name?: string }).name === "Maestro ACC");
    const patches = h.gh
      .requestsTo("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}")
      .filter((r) => r.path.endsWith(`/check-runs/${acc.id}`));
    const requests = [...created, ...patches];
    const sizes = requests.map(
      (r) => ((r.body as { output?: { annotations?: unknown[] } }).output?.annotations ?? []).length,
    );
    expect(sizes).toEqual([50, 50, 20]);
    expect(requests.map((r) => (r.body as { status?: string }).status ?? null)).toEqual([
      "in_progress",
      null,
      "completed",
    ]);
    expect(acc.output.title).toBe("120 new findings");
  });

  it("completes every check as failure with the config error's file and line", async () => {
    const repo = fixtureRepo(h.gh, "badconfig", {
      ".github/maestro-hive.yml":
        'acc:\n  components:\n    ui: ["src/ui/**"]\n  rules:\n    - { id: r1, type: layerz, layers: [ui] }\n',
    });
    const head = commitOnBranch(repo, "x", VIOLATION);
    h.gh.addPullRequest({ owner: "acme", repo: "badconfig", number: 2, head: "x", base: "main" });
    const delivered = await h.deliver(
      pullRequestEvent("opened", { ...prOptions(repo, 2, "x"), headSha: head }),
    );
    expect(delivered.jobState).toBe("completed");
    const runs = latestRuns("acme/badconfig", head);
    expect(runs.size).toBe(4);
    for (const run of runs.values()) {
      expect(run).toMatchObject({
        status: "completed",
        conclusion: "failure",
        output: { title: "Config error" },
      });
      expect(run.output.summary).toMatch(/\.github\/maestro-hive\.yml:5:\d+: unknown rule type "layerz"/);
    }
    const [comment] = h.gh.issueComments({ owner: "acme", repo: "badconfig", issueNumber: 2 });
    expect(comment?.body).toMatch(/maestro-hive\.yml:5/);
  });

  it("retries the work after GitHub fails (500s beyond Octokit's own retries), then succeeds", async () => {
    const repo = fixtureRepo(h.gh, "flaky");
    const head = commitOnBranch(repo, "f", VIOLATION);
    h.gh.addPullRequest({ owner: "acme", repo: "flaky", number: 1, head: "f", base: "main" });
    // Octokit retries a 500 three times; the fourth failure fails the attempt, the next attempt succeeds.
    const fault = h.gh.inject({ path: /\/repos\/acme\/flaky\/tarball\//, status: 500, times: 4 });
    const delivered = await h.deliver(
      pullRequestEvent("opened", { ...prOptions(repo, 1, "f"), headSha: head }),
    );
    expect(delivered.jobState).toBe("completed");
    expect(fault.hits).toBe(4);
    const runs = latestRuns("acme/flaky", head);
    expect(runs.get("Maestro ACC")).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { title: "1 new finding" },
    });
    expect(h.gh.issueComments({ owner: "acme", repo: "flaky", issueNumber: 1 })).toHaveLength(1);
  });

  it("completes the checks with a clear message when GitHub keeps failing", async () => {
    const repo = fixtureRepo(h.gh, "down");
    const head = commitOnBranch(repo, "d", VIOLATION);
    h.gh.addPullRequest({ owner: "acme", repo: "down", number: 1, head: "d", base: "main" });
    h.gh.inject({ path: /\/repos\/acme\/down\/tarball\//, status: 502 });
    const delivered = await h.deliver(
      pullRequestEvent("opened", { ...prOptions(repo, 1, "d"), headSha: head }),
    );
    expect(delivered.jobState).toBe("completed");
    const runs = latestRuns("acme/down", head);
    expect(runs.size).toBe(4);
    for (const run of runs.values()) {
      expect(run).toMatchObject({
        status: "completed",
        conclusion: "failure",
        output: { title: "Analysis failed" },
      });
      expect(run.output.summary).toMatch(/GitHub answered 502 to GET \/repos\/acme\/down\/tarball\//);
    }
    const row = await getDb()
      .store.db.selectFrom("analysis_runs")
      .select(["status", "error"])
      .where("repository", "=", "acme/down")
      .executeTakeFirstOrThrow();
    expect(row.status).toBe("failed");
    const kinds = (await listAudit(getDb().store.db, { chain: INSTALLATION }))
      .filter((a) => a.repository === "acme/down")
      .map((a) => a.kind);
    expect(kinds).toContain("analysis.failed");
  });

  it("waits out a secondary rate limit as GitHub asks", async () => {
    const repo = fixtureRepo(h.gh, "limited");
    const head = commitOnBranch(repo, "l", VIOLATION);
    h.gh.addPullRequest({ owner: "acme", repo: "limited", number: 1, head: "l", base: "main" });
    const limit = h.gh.inject({
      path: /\/repos\/acme\/limited\/compare\//,
      rateLimit: "secondary",
      retryAfter: 1,
      times: 1,
    });
    const started = Date.now();
    const delivered = await h.deliver(
      pullRequestEvent("opened", { ...prOptions(repo, 1, "l"), headSha: head }),
    );
    expect(delivered.jobState).toBe("completed");
    expect(limit.hits).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(latestRuns("acme/limited", head).get("Maestro ACC")).toMatchObject({ conclusion: "failure" });
  });

  it("keeps a push to the default branch as the repository's baseline", async () => {
    const repo = fixtureRepo(h.gh, "mainline");
    repo.git.switch("main");
    const head = repo.git.commit("fix", { "README.md": "# shop v2\n" });
    const delivered = await h.deliver(
      pushEvent({
        owner: "acme",
        repo: "mainline",
        repoId: repo.id,
        installationId: INSTALLATION,
        ref: "main",
        before: repo.baseSha,
        after: head,
      }),
    );
    expect(delivered.jobState).toBe("completed");
    const runs = latestRuns("acme/mainline", head);
    expect(runs.get("Maestro gate")).toMatchObject({ conclusion: "success", output: { title: "ALL_PASS" } });
    const row = await getDb()
      .store.db.selectFrom("repositories")
      .select(["baseline_sha", "default_branch"])
      .where("full_name", "=", "acme/mainline")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ baseline_sha: head, default_branch: "main" });
  });
});
