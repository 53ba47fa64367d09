/**
 * BDV on executed behaviour, end to end: a pull request of a repository whose CI runs a
 * cucumber-js suite; signed workflow_run webhooks over HTTP to the running app; the run's
 * artifact (a zip of the real cucumber-js messages report, test/fixtures/bdv-results) served by
 * the contract-checked fake GitHub; the PR's BDV check run, gate and sticky comment re-published.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { zipSync } from "fflate";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { SUMMARY_MARKER } from "../../src/core/report/markdown.ts";
import { listAudit } from "../../src/store/audit.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { type AppHarness, pullRequestEvent, startAppHarness } from "./app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION } from "./fixture-repo.ts";

const SUITE = join(import.meta.dirname, "../fixtures/bdv-results/cucumber-js");
const read = (path: string) => readFileSync(join(SUITE, path), "utf8");

const CONFIG = `bdv:
  results: [{ artifact: cucumber-report, format: messages }]
  resultsTimeout: 30m
gate: { streams: [bdv] }
`;

const SUITE_FILES = {
  ".github/maestro-hive.yml": CONFIG,
  "cucumber.json": read("cucumber.json"),
  "features/orders.feature": read("features/orders.feature"),
  "features/payments.feature": read("features/payments.feature"),
  "features/steps/steps.mjs": read("features/steps/steps.mjs"),
};

/** The artifact as actions/upload-artifact makes it: a zip of the report directory. */
function reportZip(attempt: 1 | 2): Uint8Array {
  return zipSync({
    "messages.ndjson": readFileSync(join(SUITE, `reports/attempt-${attempt}/messages.ndjson`)),
  });
}

describeEachDatabase("GitHub app: BDV results from CI", (getDb) => {
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

  it("shows failed scenarios, unfulfilled contracts and a flaky scenario across two attempts", async () => {
    const repo = fixtureRepo(h.gh, "orders", SUITE_FILES);
    const head = commitOnBranch(repo, "feature", { "README.md": "# orders\n\nRefunds.\n" });
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 3, head: "feature", base: "main" });
    const pr = {
      owner: repo.owner,
      repo: repo.name,
      repoId: repo.id,
      number: 3,
      headRef: "feature",
      headSha: head,
      baseSha: repo.baseSha,
      installationId: INSTALLATION,
    };
    const bdvRun = () =>
      h.gh
        .checkRuns({ owner: repo.owner, repo: repo.name, headSha: head, name: "Maestro BDV" })
        .sort((a, b) => b.id - a.id)[0]!;
    const gateRun = () =>
      h.gh
        .checkRuns({ owner: repo.owner, repo: repo.name, headSha: head, name: "Maestro gate" })
        .sort((a, b) => b.id - a.id)[0]!;
    const sticky = () =>
      h.gh
        .issueComments({ owner: repo.owner, repo: repo.name, issueNumber: 3 })
        .filter((c) => c.body.startsWith(SUMMARY_MARKER));

    // 1. The static analysis comes first: the configured source has not reported yet.
    expect((await h.deliver(pullRequestEvent("opened", pr))).jobState).toBe("completed");
    expect(bdvRun().output.summary).toContain("Waiting for the messages artifact");
    expect(sticky()[0]!.body).toContain("Waiting for `cucumber-report`");

    // 2. CI's first attempt: the workflow run completes with the report; the app reads it.
    const workflowRun = (attempt: number) => ({
      event: "workflow_run" as const,
      action: "completed",
      exampleIndex: 1,
      installationId: INSTALLATION,
      repository: { owner: repo.owner, name: repo.name, id: repo.id, defaultBranch: "main" },
      patch: { workflow_run: { id: 9001, run_attempt: attempt, head_sha: head, head_branch: "feature" } },
    });
    h.gh.addArtifact({
      owner: repo.owner,
      repo: repo.name,
      runId: 9001,
      headSha: head,
      name: "cucumber-report",
      zip: reportZip(1),
    });
    expect((await h.deliver(workflowRun(1))).jobState).toBe("completed");
    let bdv = bdvRun();
    expect(bdv.conclusion).toBe("failure");
    const failed = bdv.annotations
      .filter((a) => a.annotation_level === "failure")
      .map((a) => [a.path, a.start_line]);
    expect(failed).toEqual(
      expect.arrayContaining([
        ["features/orders.feature", 1],
        ["features/orders.feature", 9],
        ["features/payments.feature", 1],
        ["features/payments.feature", 4],
      ]),
    );
    expect(bdv.output.summary).toContain("| Orders:v1 | ❌ no | 4 | 2 | 0 |");
    expect(bdv.output.summary).toContain("| Payments:v1 | ❌ no | 1 | 1 | 0 |");
    expect(gateRun().conclusion).toBe("failure");
    let body = sticky()[0]!.body;
    expect(sticky()).toHaveLength(1);
    expect(body).toContain("Scenario bfe43830b3e1");
    expect(body).toContain("card gateway timed out");
    expect(body).toContain("Contract Orders:v1 is not fulfilled");

    // 3. The re-run (attempt 2) passes "Pay by card": same commit, two outcomes — flaky.
    h.gh.addArtifact({
      owner: repo.owner,
      repo: repo.name,
      runId: 9001,
      headSha: head,
      name: "cucumber-report",
      zip: reportZip(2),
    });
    expect((await h.deliver(workflowRun(2))).jobState).toBe("completed");
    bdv = bdvRun();
    expect(bdv.output.summary).toContain("| Payments:v1 | ✅ yes | 1 | 0 | 0 |");
    expect(bdv.output.summary).toContain(
      "`5d15ce973aa9` features/payments.feature › Pay by card: 1 of 1 comparable runs flipped (100%), passed last",
    );
    expect(bdv.annotations).toContainEqual(
      expect.objectContaining({
        path: "features/payments.feature",
        start_line: 4,
        annotation_level: "warning",
      }),
    );
    body = sticky()[0]!.body;
    expect(body).toContain("**Flaky scenarios**");
    expect(body).toContain("Contract Orders:v1 is not fulfilled");
    expect(gateRun().conclusion).toBe("failure");

    const audits = await listAudit(getDb().store.db, { chain: INSTALLATION, repository: repo.fullName });
    expect(
      audits
        .filter((a) => a.kind === "bdv.results")
        .map((a) => (a.data as { runAttempt: number }).runAttempt),
    ).toEqual([1, 2]);
  });

  it("reports results missing when the run completed without the configured artifact", async () => {
    const repo = fixtureRepo(h.gh, "no-artifact", SUITE_FILES);
    const head = commitOnBranch(repo, "feature", { "README.md": "# x\n" });
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 4, head: "feature", base: "main" });
    expect(
      (
        await h.deliver({
          event: "workflow_run",
          action: "completed",
          exampleIndex: 1,
          installationId: INSTALLATION,
          repository: { owner: repo.owner, name: repo.name, id: repo.id, defaultBranch: "main" },
          patch: { workflow_run: { id: 9002, run_attempt: 1, head_sha: head, head_branch: "feature" } },
        })
      ).jobState,
    ).toBe("completed");
    const bdv = h.gh
      .checkRuns({ owner: repo.owner, repo: repo.name, headSha: head, name: "Maestro BDV" })
      .sort((a, b) => b.id - a.id)[0]!;
    expect(bdv.conclusion).toBe("failure");
    expect(bdv.output.summary).toContain("completed without a readable messages artifact");
  });
});
