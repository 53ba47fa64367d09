/**
 * The GitHub app end to end on a 5,000-file TypeScript repository: the running app (PGlite,
 * pg-boss, workers), signed webhooks over HTTP, the contract-checked fake GitHub.
 *
 * 1. Cold: the first pull request of a never-analysed repository (tarballs of base and head).
 * 2. Warm: a second pull request changing 50 files — trees plus only the 50 new blobs, the
 *    extraction cache preloaded. From webhook to all four check runs completed.
 *
 * Targets: warm < 3 s and ≤ 50 + 15 GitHub requests; cold ≤ 10 requests to read the
 * repository (config, merge base, files, snapshots); publishing (4 check runs created and
 * completed, the comment) is counted separately.
 */

import { pullRequestEvent, startAppHarness } from "../test/github/app-harness.ts";
import { createTestDatabase } from "../test/harness/db.ts";
import { GitRepo } from "../test/harness/git-repo.ts";
import { bigRepositoryFiles, changedServices } from "./lib/big-repository.ts";
import { finish, verdict } from "./lib/measure.ts";

const INSTALLATION = 7;
const CHANGED = 50;
const PUBLISH_OPERATIONS = new Set([
  "POST /repos/{owner}/{repo}/check-runs",
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}",
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
]);

async function main(): Promise<void> {
  const database = await createTestDatabase("pglite");
  const h = await startAppHarness(database, {
    workers: 1,
    analysis: { retry: { attempts: 1, baseDelayMs: 10 } },
  });
  try {
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
    const git = GitRepo.create({ defaultBranch: "main", worktree: false });
    const base = git.commit("initial", bigRepositoryFiles());
    h.gh.addRepo({ owner: "acme", name: "big", git, installationId: INSTALLATION });
    git.branch("cold", "main");
    const coldHead = git.commit("cold change", changedServices(0, "cold", CHANGED));
    git.branch("warm", "main");
    const warmHead = git.commit("warm change", changedServices(100, "warm", CHANGED));
    h.gh.addPullRequest({ owner: "acme", repo: "big", number: 1, head: "cold", base: "main" });
    h.gh.addPullRequest({ owner: "acme", repo: "big", number: 2, head: "warm", base: "main" });
    const pr = { owner: "acme", repo: "big", repoId: 42, baseSha: base, installationId: INSTALLATION };

    const figures = [];
    for (const [label, number, headRef, headSha] of [
      ["cold", 1, "cold", coldHead],
      ["warm", 2, "warm", warmHead],
    ] as const) {
      h.gh.resetRecording();
      const started = performance.now();
      const delivered = await h.deliver(pullRequestEvent("opened", { ...pr, number, headRef, headSha }));
      const runs = h.gh.checkRuns({ owner: "acme", repo: "big", headSha });
      const completedAt = performance.now();
      if (
        delivered.jobState !== "completed" ||
        runs.length !== 4 ||
        runs.some((r) => r.status !== "completed")
      ) {
        throw new Error(`${label}: the analysis did not complete (${delivered.jobState})`);
      }
      const requests = h.gh.requests.filter(
        (r) => r.operation !== "POST /app/installations/{installation_id}/access_tokens",
      );
      const publish = requests.filter((r) => PUBLISH_OPERATIONS.has(r.operation ?? ""));
      const byOperation = new Map<string, number>();
      for (const r of requests)
        byOperation.set(r.operation ?? r.path, (byOperation.get(r.operation ?? r.path) ?? 0) + 1);
      figures.push({
        label,
        ms: Math.round(completedAt - started),
        total: requests.length,
        read: requests.length - publish.length,
        publish: publish.length,
        blobs: byOperation.get("GET /repos/{owner}/{repo}/git/blobs/{file_sha}") ?? 0,
        byOperation,
      });
    }
    if (h.gh.violations.length > 0)
      throw new Error(`requests GitHub would refuse: ${JSON.stringify(h.gh.violations)}`);

    const audits = await database.store.db
      .selectFrom("audit_events")
      .select("data")
      .where("kind", "=", "analysis.completed")
      .orderBy("seq")
      .execute();
    for (const [i, audit] of audits.entries()) {
      const data = audit.data as { timings?: Record<string, number>; snapshots?: unknown[] };
      const timings = data.timings ?? {};
      console.log(`${figures[i]?.label ?? i} snapshots: ${JSON.stringify(data.snapshots)}`);
      console.log(
        `${figures[i]?.label ?? i} phases (ms): ${Object.entries(timings)
          .map(([phase, ms]) => `${phase} ${Math.round(ms)}`)
          .join(", ")}`,
      );
    }
    for (const f of figures) {
      console.log(
        `${f.label.padEnd(5)} webhook → 4 check runs completed: ${String(f.ms).padStart(6)} ms · GitHub requests ${f.total} (read ${f.read}, of which blobs ${f.blobs}; publish ${f.publish})`,
      );
      for (const [operation, count] of [...f.byOperation].sort())
        console.log(`        ${String(count).padStart(3)} ${operation}`);
    }
    const cold = figures[0]!;
    const warm = figures[1]!;
    const checks = [
      [`warm < 3000 ms`, warm.ms < 3000, `${warm.ms} ms`],
      [`warm ≤ 50 + 15 requests`, warm.total <= 65, `${warm.total}`],
      [`cold ≤ 10 requests to read the repository`, cold.read <= 10, `${cold.read}`],
    ] as const;
    for (const [name, ok, value] of checks) verdict(`app: ${name}`, ok, value);
  } finally {
    await h.stop();
    await database.close();
  }
}

await main();
finish();
