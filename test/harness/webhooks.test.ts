import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "./fake-github/index.ts";
import { GitRepo } from "./git-repo.ts";
import {
  buildWebhookPayload,
  sendConcurrentlyHere,
  sendWebhook,
  signWebhook,
  validateWebhookPayload,
  type WebhookEvent,
} from "./webhooks.ts";

const SECRET = "webhook-secret";
const OWNER = "acme";
const REPO = "shop";
const INSTALLATION = 31;

const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

interface Received {
  name: string;
  id: string;
  action: unknown;
  installationId: unknown;
  repository: unknown;
}

let gh: FakeGitHub;
let git: GitRepo;
let probot: Probot;
let server: Server;
let webhookUrl: string;
let headSha: string;
const received: Received[] = [];
const checkRunsByDelivery = new Map<string, number>();

beforeAll(async () => {
  gh = await startFakeGitHub();
  git = GitRepo.create({ worktree: false });
  git.commit("init", { "src/a.ts": "export const a = 1;\n" });
  git.branch("feature");
  headSha = git.commit("change", { "src/a.ts": "export const a = 2;\n" });
  gh.addInstallation({ id: INSTALLATION, account: OWNER });
  gh.addRepo({ owner: OWNER, name: REPO, git, installationId: INSTALLATION });
  gh.addPullRequest({ owner: OWNER, repo: REPO, number: 9, head: "feature", base: "main" });

  probot = new Probot({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    secret: SECRET,
    baseUrl: gh.url,
    Octokit: TestOctokit,
    logLevel: "fatal",
  });
  const middleware = await createNodeMiddleware(
    (app) => {
      app.onAny(async (context) => {
        const payload = context.payload as {
          action?: unknown;
          installation?: { id?: unknown };
          repository?: { full_name?: unknown };
        };
        received.push({
          name: context.name,
          id: context.id,
          action: payload.action,
          installationId: payload.installation?.id,
          repository: payload.repository?.full_name,
        });
      });
      app.on("pull_request.opened", async (context) => {
        // Prove the whole loop: Probot authenticates as the installation against the fake GitHub.
        const { data } = await context.octokit.rest.checks.create(
          context.repo({
            name: "Maestro gate",
            head_sha: context.payload.pull_request.head.sha,
            status: "in_progress" as const,
          }),
        );
        checkRunsByDelivery.set(context.id, data.id);
      });
    },
    { probot },
  );
  server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await gh.close();
  git.cleanup();
});

describe("webhook payloads", () => {
  const events: Array<[WebhookEvent, string | undefined]> = [
    ["push", undefined],
    ["pull_request", "opened"],
    ["pull_request", "synchronize"],
    ["pull_request", "reopened"],
    ["pull_request", "ready_for_review"],
    ["pull_request", "edited"],
    ["check_suite", "requested"],
    ["check_suite", "rerequested"],
    ["check_run", "rerequested"],
    ["check_run", "requested_action"],
    ["issue_comment", "created"],
    ["installation", "created"],
    ["installation", "deleted"],
    ["installation_repositories", "added"],
    ["installation_repositories", "removed"],
  ];

  it.each(events)("builds a %s %s payload GitHub's schema accepts, for our repository", (event, action) => {
    const payload = buildWebhookPayload({
      event,
      action,
      installationId: INSTALLATION,
      repository: { owner: OWNER, name: REPO },
    });
    expect(validateWebhookPayload(event, payload)).toEqual({ valid: true, errors: [] });
    expect(payload.action).toBe(action);
    expect((payload.installation as { id: number }).id).toBe(INSTALLATION);
    const names = JSON.stringify(payload);
    expect(names).toContain(`${OWNER}/${REPO}`);
  });

  it("applies the test's fields and refuses payloads GitHub would never send", () => {
    const payload = buildWebhookPayload({
      event: "pull_request",
      action: "opened",
      patch: { number: 9, pull_request: { number: 9, head: { sha: headSha, ref: "feature" }, draft: true } },
    });
    expect(payload).toMatchObject({
      number: 9,
      pull_request: { number: 9, draft: true, head: { sha: headSha, ref: "feature" } },
    });
    const edited = buildWebhookPayload({
      event: "pull_request",
      action: "edited",
      patch: { changes: { base: { ref: { from: "develop" }, sha: { from: headSha } } } },
    });
    expect(edited).toMatchObject({ action: "edited", changes: { base: { ref: { from: "develop" } } } });
    expect(() =>
      buildWebhookPayload({ event: "pull_request", action: "opened", patch: { number: "nine" } }),
    ).toThrow(/not one GitHub would send[\s\S]*\/number must be integer/);
    expect(() => buildWebhookPayload({ event: "pull_request", action: "exploded" })).toThrow(
      /GitHub sends no "pull_request" webhook/,
    );
    expect(() =>
      buildWebhookPayload({
        event: "check_run",
        action: "rerequested",
        patch: { check_run: { conclusion: "great" } },
      }),
    ).toThrow(/conclusion/);
  });

  it("signs like GitHub: Probot's verifier accepts the signature, and rejects a tampered body", async () => {
    const body = JSON.stringify(buildWebhookPayload({ event: "push", installationId: INSTALLATION }));
    const signature = signWebhook(SECRET, body);
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(await probot.webhooks.verify(body, signature)).toBe(true);
    expect(await probot.webhooks.verify(`${body} `, signature)).toBe(false);
  });
});

describe("sending over HTTP to a Probot app", () => {
  it("delivers a signed pull_request.opened that Probot verifies, and the app calls the fake GitHub", async () => {
    const response = await sendWebhook({
      url: webhookUrl,
      secret: SECRET,
      event: "pull_request",
      action: "opened",
      installationId: INSTALLATION,
      repository: { owner: OWNER, name: REPO },
      patch: { number: 9, pull_request: { number: 9, head: { sha: headSha, ref: "feature" } } },
      deliveryId: "delivery-1",
    });
    expect(response.status).toBe(200);
    const entry = received.find((r) => r.id === "delivery-1");
    expect(entry).toMatchObject({
      name: "pull_request",
      action: "opened",
      installationId: INSTALLATION,
      repository: `${OWNER}/${REPO}`,
    });
    expect(gh.checkRuns({ headSha })).toEqual([
      expect.objectContaining({
        id: checkRunsByDelivery.get("delivery-1"),
        name: "Maestro gate",
        status: "in_progress",
      }),
    ]);
    expect(gh.unexpectedViolations()).toEqual([]);
  });

  it("uses a fresh delivery id unless one is given, and keeps a given one for redeliveries", async () => {
    const first = await sendWebhook({
      url: webhookUrl,
      secret: SECRET,
      event: "push",
      installationId: INSTALLATION,
    });
    expect(first.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await sendWebhook({
      url: webhookUrl,
      secret: SECRET,
      event: "push",
      installationId: INSTALLATION,
      deliveryId: first.deliveryId,
    });
    expect(again.status).toBe(200);
    expect(received.filter((r) => r.id === first.deliveryId)).toHaveLength(2);
  });

  it("lets a test send a bad signature or a body that is not JSON", async () => {
    const before = received.length;
    const badSignature = await sendWebhook({
      url: webhookUrl,
      secret: SECRET,
      event: "push",
      installationId: INSTALLATION,
      signature: signWebhook("wrong-secret", "{}"),
    });
    expect(badSignature.status).toBe(400);
    const notJson = await sendWebhook({
      url: webhookUrl,
      secret: SECRET,
      event: "push",
      rawBody: "not json",
    });
    expect(notJson.status).toBeGreaterThanOrEqual(400);
    expect(notJson.status).toBeLessThan(500);
    expect(received).toHaveLength(before);
  });

  it("posts every prepared delivery once, signed, from concurrent senders, and reports the answers other than 202", async () => {
    const before = received.length;
    const deliveries = Array.from({ length: 7 }, (_, i) => ({
      event: "push" as const,
      rawBody: JSON.stringify(buildWebhookPayload({ event: "push", installationId: INSTALLATION + i })),
      deliveryId: `concurrent-${i}`,
    }));
    const outcome = await sendConcurrentlyHere({
      url: webhookUrl,
      secret: SECRET,
      concurrency: 3,
      deliveries,
    });
    expect(outcome.errors).toEqual([]);
    expect(outcome.latencies).toHaveLength(7);
    expect(outcome.statuses).toEqual(Array(7).fill(200));
    // Probot answers 200 where the app answers 202: each answer is reported with its body.
    expect(outcome.refused).toHaveLength(7);
    expect(outcome.refused[0]).toMatch(/^200 /);
    const ids = received.slice(before).map((r) => r.id);
    expect(ids.toSorted()).toEqual(deliveries.map((d) => d.deliveryId).toSorted());
  });
});
