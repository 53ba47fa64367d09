/**
 * Dead letters end to end: a delivery whose job fails every attempt (the fake GitHub answers
 * 500 to every check-run creation of that repository) is counted on /metrics and listed by
 * `maestro-hive deliveries failed`; once GitHub is healthy, `deliveries replay` puts it back on
 * the queue, a worker of the running app takes it, and the check runs complete.
 */
import { tmpdir } from "node:os";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { runWithQueue } from "../../src/cli/commands/deliveries.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { DELIVERY_QUEUE } from "../../src/jobs/queue.ts";
import { listAudit } from "../../src/store/audit.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { type AppHarness, pullRequestEvent, startAppHarness } from "./app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION, LAYER_VIOLATION } from "./fixture-repo.ts";

describeEachDatabase("dead letters", (getDb) => {
  let h: AppHarness;

  beforeAll(async () => {
    // Two attempts, right after each other: the production queue's 3 retries with back-off
    // would make this test wait a minute for nothing.
    const boss = await getDb().queue();
    await boss.updateQueue(DELIVERY_QUEUE, { retryLimit: 1, retryDelay: 0, retryBackoff: false });
    h = await startAppHarness(getDb());
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(() => {
    h.gh.clearFaults();
  });

  async function cli(...args: string[]) {
    const io = memoryIo(tmpdir());
    const deps = { store: getDb().store, boss: await getDb().queue(), queueSchema: getDb().bossSchema };
    const code = await runWithQueue(args, io, deps);
    return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
  }

  async function deadLetterGauge(): Promise<number> {
    const text = await (await fetch(`${h.app.url}/metrics`)).text();
    const line = text
      .split("\n")
      .find((l) => l.startsWith(`maestro_dead_letters{queue="${DELIVERY_QUEUE}"}`));
    if (!line) throw new Error(`no maestro_dead_letters series in:\n${text}`);
    return Number(line.split(" ").at(-1));
  }

  it("lists, counts and replays a delivery that failed every attempt", async () => {
    const repo = fixtureRepo(h.gh, "dlq");
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 3, head: "feature", base: "main" });
    const fault = h.gh.inject({ method: "POST", path: /^\/repos\/acme\/dlq\/check-runs$/, status: 500 });
    expect(await deadLetterGauge()).toBe(0);
    expect((await cli("failed")).stdout).toBe("no failed deliveries");

    const event = pullRequestEvent("opened", {
      owner: repo.owner,
      repo: repo.name,
      repoId: repo.id,
      number: 3,
      headSha: head,
      headRef: "feature",
      baseSha: repo.baseSha,
      installationId: INSTALLATION,
    });
    const delivered = await h.deliver(event);
    expect(delivered.jobState).toBe("failed");
    expect(fault.hits).toBeGreaterThanOrEqual(2);
    const failedRows = await listAudit(getDb().store.db, { chain: INSTALLATION, kind: "job.failed" });
    expect(failedRows.filter((r) => r.subject === `delivery:${delivered.deliveryId}`)).toHaveLength(2);

    expect(await deadLetterGauge()).toBe(1);
    const listed = await cli("failed", "--json");
    expect(listed.code).toBe(0);
    const letters = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    expect(letters).toEqual([
      expect.objectContaining({
        deliveryId: delivered.deliveryId,
        jobId: delivered.deliveryId,
        event: "pull_request",
        action: "opened",
        repository: "acme/dlq",
        installationId: INSTALLATION,
        attempts: 2,
        error: expect.stringMatching(/handler analysis failed: Server Error/),
      }),
    ]);
    const text = await cli("failed");
    expect(text.stdout).toContain(`${delivered.deliveryId}  pull_request.opened  acme/dlq  2 attempts`);
    expect(h.gh.checkRuns({ owner: "acme", repo: "dlq", headSha: head })).toEqual([]);

    // GitHub is healthy again: replay.
    fault.remove();
    const replayed = await cli("replay", delivered.deliveryId, "--actor", "ops-alice");
    expect(replayed).toMatchObject({
      code: 0,
      stdout: `replayed ${delivered.deliveryId} (job ${delivered.deliveryId})`,
    });
    expect(await h.waitForJob(delivered.deliveryId)).toBe("completed");

    const runs = h.gh.checkRuns({ owner: "acme", repo: "dlq", headSha: head });
    expect(runs.map((r) => r.name).sort()).toEqual([
      "Maestro ACC",
      "Maestro BDV",
      "Maestro DDE",
      "Maestro gate",
    ]);
    for (const run of runs) expect(run.status).toBe("completed");
    expect(runs.find((r) => r.name === "Maestro ACC")).toMatchObject({
      conclusion: "failure",
      output: { title: "1 new finding" },
    });
    const replayRows = await listAudit(getDb().store.db, { chain: INSTALLATION, kind: "delivery.replayed" });
    expect(replayRows).toEqual([
      expect.objectContaining({
        actor: "ops-alice",
        repository: "acme/dlq",
        subject: `delivery:${delivered.deliveryId}`,
        data: expect.objectContaining({
          jobId: delivered.deliveryId,
          attempts: 2,
          via: expect.stringMatching(/^maestro-hive deliveries replay on /),
        }),
      }),
    ]);
    expect(await deadLetterGauge()).toBe(0);
    expect((await cli("failed")).stdout).toBe("no failed deliveries");

    // Replaying again: it is not a dead letter any more.
    const again = await cli("replay", delivered.deliveryId);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${delivered.deliveryId} is not a failed delivery`);
    expect(await cli("replay", "--all")).toMatchObject({ code: 0, stdout: "no failed deliveries" });
  });

  it("refuses bad arguments with the usage", async () => {
    await expect(cli("replay")).rejects.toThrow(/delivery ids or --all/);
    await expect(cli("replay", "x", "--all")).rejects.toThrow(/delivery ids or --all/);
    await expect(cli("failed", "x")).rejects.toThrow(/failed takes only --json/);
    await expect(cli("purge")).rejects.toThrow(/expected failed or replay/);
  });
});
