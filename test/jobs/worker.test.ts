import { createRequire } from "node:module";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env/app-env.ts";
import { HandlerRegistry, registerDefaultHandlers } from "../../src/jobs/handlers.ts";
import { DELIVERY_QUEUE, enqueueDelivery } from "../../src/jobs/queue.ts";
import { processDelivery, startWorkers, type WorkerDeps } from "../../src/jobs/worker.ts";
import { createProbot } from "../../src/server/probot.ts";
import { listAudit } from "../../src/store/audit.ts";
import { recordDelivery } from "../../src/store/deliveries.ts";
import { getInstallation, listRepositories } from "../../src/store/installations.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { startFakeGitHub } from "../harness/fake-github/index.ts";
import { GitRepo } from "../harness/git-repo.ts";

interface Example {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}
const examples = createRequire(import.meta.url)(
  "@octokit/webhooks-examples/api.github.com/index.json",
) as Example[];
function example(event: string, action: string): Record<string, unknown> {
  const found = examples.find((e) => e.name === event)?.examples.find((e) => e.action === action);
  if (!found) throw new Error(`no ${event}.${action} example`);
  return structuredClone(found);
}

const silent = pino({ level: "silent" });

describe("HandlerRegistry", () => {
  it("runs handlers for the event, then for event.action, and nothing for other events", () => {
    const registry = new HandlerRegistry();
    const noop = async () => {};
    registry
      .on("pull_request", "all-prs", noop)
      .on(["pull_request.opened", "pull_request.synchronize"], "new-code", noop);
    expect(registry.handlersFor("pull_request", "opened").map((h) => h.name)).toEqual([
      "all-prs",
      "new-code",
    ]);
    expect(registry.handlersFor("pull_request", "closed").map((h) => h.name)).toEqual(["all-prs"]);
    expect(registry.handlersFor("push", null)).toEqual([]);
    expect(registry.keys()).toEqual(["pull_request", "pull_request.opened", "pull_request.synchronize"]);
    expect(() => registry.on("Pull Request", "bad", noop)).toThrow(/invalid handler key/);
  });
});

describeEachDatabase("delivery jobs", (getDb) => {
  async function record(deliveryId: string, event: string, payload: Record<string, unknown>) {
    const installation = payload.installation as { id: number } | undefined;
    await recordDelivery(getDb().store.db, {
      deliveryId,
      event,
      action: typeof payload.action === "string" ? payload.action : null,
      installationId: installation?.id ?? null,
      repository: null,
      payload,
    });
  }
  const deps = (registry = registerDefaultHandlers(new HandlerRegistry())): WorkerDeps => ({
    db: getDb().store.db,
    registry,
    log: silent,
    now: () => new Date("2026-11-24T10:00:00Z"),
  });

  it("installation events keep the installations and repositories tables current", async () => {
    const { db } = getDb().store;
    await record("inst-created", "installation", example("installation", "created"));
    await processDelivery(deps(), "inst-created", "job-1");
    expect(await getInstallation(db, 957387)).toMatchObject({
      account_login: "Codertocat",
      deleted_at: null,
    });
    expect((await listRepositories(db, 957387)).map((r) => r.full_name)).toEqual(["Codertocat/Hello-World"]);

    await record("repos-added", "installation_repositories", example("installation_repositories", "added"));
    await processDelivery(deps(), "repos-added", "job-2");
    expect((await listRepositories(db, 957387)).map((r) => r.full_name)).toEqual([
      "Codertocat/Hello-World",
      "Codertocat/Space",
    ]);

    const removed = example("installation_repositories", "removed");
    Object.assign(removed, {
      installation: { ...(removed.installation as object), id: 957387 },
      repositories_removed: [
        { id: (await listRepositories(db, 957387))[1]?.id, full_name: "Codertocat/Space" },
      ],
    });
    await record("repos-removed", "installation_repositories", removed);
    await processDelivery(deps(), "repos-removed", "job-3");
    expect((await listRepositories(db, 957387)).map((r) => r.full_name)).toEqual(["Codertocat/Hello-World"]);

    const deleted = example("installation", "deleted");
    Object.assign(deleted, { installation: { ...(deleted.installation as object), id: 957387 } });
    await record("inst-deleted", "installation", deleted);
    await processDelivery(deps(), "inst-deleted", "job-4");
    expect((await getInstallation(db, 957387))?.deleted_at).toEqual(new Date("2026-11-24T10:00:00Z"));
    expect(await listRepositories(db, 957387)).toEqual([]);

    // Nothing appended the deliveries' own rows before their jobs ran: each job appends its
    // delivery's `delivery.received` first.
    const audit = await listAudit(db, { chain: 957387 });
    expect(audit.map((a) => `${a.kind}:${a.subject}`)).toEqual([
      "delivery.received:delivery:inst-created",
      "installation.changed:installation:957387",
      "job.completed:delivery:inst-created",
      "delivery.received:delivery:repos-added",
      "installation.changed:installation:957387",
      "job.completed:delivery:repos-added",
      "delivery.received:delivery:repos-removed",
      "installation.changed:installation:957387",
      "job.completed:delivery:repos-removed",
      "delivery.received:delivery:inst-deleted",
      "installation.changed:installation:957387",
      "job.completed:delivery:inst-deleted",
    ]);
  });

  it("fails the job and audits the failing handler", async () => {
    const registry = new HandlerRegistry().on("push", "explodes", async () => {
      throw new Error("snapshot unavailable");
    });
    await record("push-fails", "push", { ref: "refs/heads/main", installation: { id: 77 } });
    await expect(processDelivery(deps(registry), "push-fails", "job-5")).rejects.toThrow(
      "handler explodes failed: snapshot unavailable",
    );
    const [failed] = await listAudit(getDb().store.db, { chain: 77, kind: "job.failed" });
    expect(failed?.data).toMatchObject({
      handler: "explodes",
      error: "handler explodes failed: snapshot unavailable",
    });
  });

  it("fails a job whose delivery was never recorded", async () => {
    await expect(processDelivery(deps(), "missing", "job-6")).rejects.toThrow(
      "delivery missing is not recorded",
    );
  });

  it("gives handlers the delivery, an audit writer, and no GitHub access in setup mode", async () => {
    const seen: unknown[] = [];
    const registry = new HandlerRegistry().on("pull_request.opened", "inspect", async (context) => {
      seen.push([context.event, context.action, context.installationId, context.deliveryId, context.jobId]);
      await context.audit({ kind: "analysis.started", repository: "octo/app", prNumber: 1 });
      await expect(context.octokit()).rejects.toThrow(/setup mode/);
    });
    await record("pr-opened", "pull_request", { action: "opened", installation: { id: 88 } });
    await processDelivery(deps(registry), "pr-opened", "job-7");
    expect(seen).toEqual([["pull_request", "opened", 88, "pr-opened", "job-7"]]);
    expect((await listAudit(getDb().store.db, { chain: 88 })).map((a) => a.kind)).toEqual([
      "delivery.received",
      "analysis.started",
      "job.completed",
    ]);
  });

  it("runs queued jobs through pg-boss workers", async () => {
    const boss = await getDb().queue();
    const { db } = getDb().store;
    const handled: string[] = [];
    const registry = new HandlerRegistry().on("ping", "record", async (context) => {
      handled.push(context.deliveryId);
    });
    const settled: string[] = [];
    const workerId = await startWorkers(
      boss,
      { ...deps(registry), onJobSettled: (outcome) => settled.push(outcome) },
      { concurrency: 1, pollingIntervalSeconds: 0.5 },
    );
    const id = "5f0e4c1a-9a55-4b4b-9a11-000000000042";
    await db.transaction().execute(async (trx) => {
      await recordDelivery(trx, {
        deliveryId: id,
        event: "ping",
        action: null,
        installationId: 99,
        repository: null,
        payload: {},
      });
      await enqueueDelivery(boss, trx, id);
    });
    await expect.poll(() => handled, { timeout: 15_000, interval: 100 }).toEqual([id]);
    await expect
      .poll(async () => (await boss.getJobById(DELIVERY_QUEUE, id))?.state, { timeout: 15_000 })
      .toBe("completed");
    expect(settled).toEqual(["completed"]);
    await boss.offWork(DELIVERY_QUEUE, { id: workerId, wait: true });
  });

  it("gives handlers GitHub access as the delivery's installation, through GITHUB_API_URL", async () => {
    const gh = await startFakeGitHub();
    const git = GitRepo.create();
    try {
      git.commit("init", { "README.md": "hello\n" });
      gh.addInstallation({ id: 7, account: "acme" });
      gh.addRepo({ owner: "acme", name: "shop", git, installationId: 7 });
      const env = loadEnv({
        APP_ID: String(gh.app.id),
        PRIVATE_KEY: gh.app.privateKey,
        WEBHOOK_SECRET: "s",
        GITHUB_API_URL: gh.url,
      });
      const seen: unknown[] = [];
      const registry = new HandlerRegistry().on("push", "reads-github", async (context) => {
        const octokit = await context.octokit();
        const { data } = await octokit.rest.repos.get({ owner: "acme", repo: "shop" });
        const probotContext = await context.probotContext();
        seen.push([data.full_name, data.default_branch, probotContext.repo()]);
      });
      await record("push-github", "push", {
        ref: "refs/heads/main",
        installation: { id: 7 },
        repository: { name: "shop", owner: { login: "acme" } },
      });
      await processDelivery({ ...deps(registry), probot: createProbot(env, silent) }, "push-github", "job-8");
      expect(seen).toEqual([["acme/shop", "main", { owner: "acme", repo: "shop" }]]);
      expect(gh.unexpectedViolations()).toEqual([]);
    } finally {
      await gh.close();
      git.cleanup();
    }
  });
});
