/**
 * One running app wired to a fake GitHub and a real database, for the GitHub app's end-to-end
 * tests and bench: webhooks are real example payloads, signed, sent over HTTP; the app's
 * workers process them and talk to the fake GitHub, which validates every request.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { pino } from "pino";
import { loadEnv } from "../../src/env/app-env.ts";
import { analysisOptionsFromEnv } from "../../src/jobs/analysis-env.ts";
import type { AnalysisOptions } from "../../src/jobs/analysis-job.ts";
import { HandlerRegistry, registerDefaultHandlers } from "../../src/jobs/handlers.ts";
import { DELIVERY_QUEUE, jobIdForDelivery } from "../../src/jobs/queue.ts";
import { type RunningApp, type StartOptions, startApp } from "../../src/server/app.ts";
import type { TestDatabase } from "../harness/db.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { FastOctokit } from "../harness/fast-octokit.ts";
import type { GitRepo } from "../harness/git-repo.ts";
import { type SendWebhookOptions, sendWebhook, type WebhookResponse } from "../harness/webhooks.ts";

export const SECRET = "maestro-webhook-secret";

/** What an app needs to talk to the fake GitHub as its App, and to listen on a free local port. */
export function fakeGitHubAppEnv(gh: FakeGitHub): Record<string, string> {
  return {
    APP_ID: String(gh.app.id),
    PRIVATE_KEY: gh.app.privateKey,
    WEBHOOK_SECRET: SECRET,
    GITHUB_API_URL: gh.url,
    PORT: "0",
    HOST: "127.0.0.1",
  };
}

export { FastOctokit };

export interface AppHarness {
  readonly gh: FakeGitHub;
  readonly app: RunningApp;
  readonly database: TestDatabase;
  /** Signs and posts a webhook; resolves once its job has settled (completed or failed). */
  deliver(options: Omit<SendWebhookOptions, "url" | "secret">): Promise<DeliveryResult>;
  /** Posts without waiting for the job. */
  send(options: Omit<SendWebhookOptions, "url" | "secret">): Promise<WebhookResponse>;
  waitForJob(deliveryId: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface DeliveryResult extends WebhookResponse {
  readonly jobState: string;
}

export interface HarnessOptions {
  readonly workers?: number;
  readonly analysis?: AnalysisOptions;
  /**
   * "fast" (default): FastOctokit, no throttling, millisecond retries. "production": the app's own
   * Octokit, as deployed — Probot's throttling (writes ≥ 1 s apart, notifications ≥ 3 s) and retries (1 s, 4 s, 9 s).
   */
  readonly octokit?: "fast" | "production";
  /**
   * Reach the fake as a GitHub Enterprise Server with Probot's variables (GHE_HOST,
   * GHE_PROTOCOL: http://HOST:PORT/api/v3) instead of GITHUB_API_URL.
   */
  readonly enterprise?: boolean;
  /** Register the onboarding handler (installation events; off by default in tests). */
  readonly onboarding?: boolean;
  /**
   * The workers' poll interval: 0.5 s by default (a retried job's backoff ends without a wake-up);
   * "production" leaves the app's own (startWorkers' default), as deployed.
   */
  readonly pollingIntervalSeconds?: number | "production";
  /** More environment variables (WEBHOOK_PATH, LOG_FORMAT, MAESTRO_ANALYSIS_TIME_BUDGET_MS, OTEL_EXPORTER_OTLP_ENDPOINT…). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Fast retries for tests: two attempts, 10 ms apart. */
export const TEST_ANALYSIS_OPTIONS: AnalysisOptions = {
  retry: { attempts: 2, baseDelayMs: 10, maxRateLimitWaitMs: 5_000 },
};

export async function startAppHarness(
  database: TestDatabase,
  options: HarnessOptions = {},
): Promise<AppHarness> {
  const gh = await startFakeGitHub();
  const env = loadEnv({
    APP_ID: String(gh.app.id),
    PRIVATE_KEY: gh.app.privateKey,
    WEBHOOK_SECRET: SECRET,
    ...(options.enterprise
      ? { GHE_HOST: new URL(gh.url).host, GHE_PROTOCOL: "http" }
      : { GITHUB_API_URL: gh.url }),
    PORT: "0",
    HOST: "127.0.0.1",
    MAESTRO_WORKERS: String(options.workers ?? 1),
    MAESTRO_QUEUE_SCHEMA: database.bossSchema,
    LOG_LEVEL: "silent",
    ...options.env,
  });
  const log = pino({ level: process.env.MAESTRO_TEST_LOG ?? "silent" });
  // As deployed: the engine runs in the analysis sandbox's child processes (unless the env turns it off).
  const setup = analysisOptionsFromEnv(env, log);
  const registry = registerDefaultHandlers(new HandlerRegistry(), {
    analysis: { ...setup.options, ...(options.analysis ?? TEST_ANALYSIS_OPTIONS) },
    onboarding: options.onboarding ?? false,
  });
  const app = await startApp(env, {
    store: database.store,
    boss: await database.queue(),
    log,
    registry,
    probot: options.octokit === "production" ? {} : { Octokit: FastOctokit },
    pollingIntervalSeconds:
      options.pollingIntervalSeconds === "production" ? undefined : (options.pollingIntervalSeconds ?? 0.5),
  });
  const url = `${app.url}${env.webhookPath}`;

  const waitForJob = async (deliveryId: string, timeoutMs = 60_000): Promise<string> => {
    const boss = await database.queue();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await boss.getJobById(DELIVERY_QUEUE, jobIdForDelivery(deliveryId));
      if (job && (job.state === "completed" || job.state === "failed")) return job.state;
      if (Date.now() > deadline)
        throw new Error(`job of delivery ${deliveryId} still ${job?.state ?? "missing"}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const send = async (o: Omit<SendWebhookOptions, "url" | "secret">): Promise<WebhookResponse> => {
    const deliveryId = o.deliveryId ?? randomUUID();
    try {
      return await sendWebhook({ ...o, deliveryId, url, secret: SECRET });
    } catch {
      // A keep-alive connection the server closed while the test blocked the event loop
      // (synchronous git): send again; a delivery that did arrive answers "duplicate".
      return sendWebhook({ ...o, deliveryId, url, secret: SECRET });
    }
  };
  return {
    gh,
    app,
    database,
    send,
    waitForJob,
    async deliver(o) {
      const response = await send(o);
      if (response.status !== 202 && response.status !== 200) {
        throw new Error(`webhook answered ${response.status}: ${response.body}`);
      }
      return { ...response, jobState: await waitForJob(response.deliveryId) };
    },
    async stop() {
      await app.stop();
      setup.stop();
      await gh.close();
    },
  };
}

export interface BareAppOptions {
  /** The webhook secret the test signs its deliveries with. */
  readonly secret: string;
  readonly workers: number;
  /** Only the handlers the test is about; none by default (a job then completes at once). */
  readonly registry?: HandlerRegistry;
  /** 0.5 s by default. */
  readonly pollingIntervalSeconds?: number;
  readonly deliveryAudit?: StartOptions["deliveryAudit"];
}

let bareAppKey: string | undefined;

/**
 * The app alone, with no fake GitHub: for the server's own tests (intake, queue, audit), whose
 * handlers never call GitHub. The private key is generated once per test file.
 */
export async function startBareApp(database: TestDatabase, options: BareAppOptions): Promise<RunningApp> {
  bareAppKey ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  const env = loadEnv({
    APP_ID: "4242",
    PRIVATE_KEY: bareAppKey,
    WEBHOOK_SECRET: options.secret,
    PORT: "0",
    HOST: "127.0.0.1",
    MAESTRO_WORKERS: String(options.workers),
    MAESTRO_QUEUE_SCHEMA: database.bossSchema,
    LOG_LEVEL: "silent",
  });
  return startApp(env, {
    store: database.store,
    boss: await database.queue(),
    log: pino({ level: "silent" }),
    pollingIntervalSeconds: options.pollingIntervalSeconds ?? 0.5,
    registry: options.registry ?? new HandlerRegistry(),
    deliveryAudit: options.deliveryAudit,
  });
}

export interface PullRequestEventOptions {
  readonly owner: string;
  readonly repo: string;
  readonly repoId: number;
  readonly number: number;
  readonly headSha: string;
  readonly headRef: string;
  readonly baseSha: string;
  readonly baseRef?: string;
  readonly draft?: boolean;
  /** Full name of a fork holding the head. */
  readonly headRepo?: string;
  readonly changedFiles?: number;
  readonly installationId: number;
}

/** webhook options for a pull_request event of one of the fake's pull requests. */
export function pullRequestEvent(
  action: string,
  o: PullRequestEventOptions,
  extra: Record<string, unknown> = {},
): Omit<SendWebhookOptions, "url" | "secret"> {
  const [forkOwner, forkName] = (o.headRepo ?? "").split("/");
  return {
    event: "pull_request",
    action,
    installationId: o.installationId,
    repository: { owner: o.owner, name: o.repo, id: o.repoId, defaultBranch: "main" },
    patch: {
      number: o.number,
      pull_request: {
        number: o.number,
        state: "open",
        draft: o.draft ?? false,
        ...(o.changedFiles !== undefined ? { changed_files: o.changedFiles } : {}),
        head: {
          sha: o.headSha,
          ref: o.headRef,
          ...(o.headRepo
            ? {
                repo: {
                  full_name: o.headRepo,
                  name: forkName,
                  owner: { login: forkOwner },
                  fork: true,
                },
              }
            : {}),
        },
        base: { sha: o.baseSha, ref: o.baseRef ?? "main" },
      },
      ...extra,
    },
  };
}

export function pushEvent(o: {
  owner: string;
  repo: string;
  repoId: number;
  installationId: number;
  ref: string;
  before: string;
  after: string;
}): Omit<SendWebhookOptions, "url" | "secret"> {
  return {
    event: "push",
    installationId: o.installationId,
    repository: { owner: o.owner, name: o.repo, id: o.repoId, defaultBranch: "main" },
    patch: { ref: `refs/heads/${o.ref}`, before: o.before, after: o.after, deleted: false, created: false },
  };
}

/** Writes a repository (files → contents) as the first commit of `main`. */
export function commitFiles(git: GitRepo, message: string, files: Record<string, string | null>): string {
  return git.commit(message, files);
}

/** webhook options for an `issue_comment` on a pull request, for a comment already on the fake GitHub. */
export function commentEvent(o: {
  readonly repo: {
    readonly owner: string;
    readonly name: string;
    readonly fullName: string;
    readonly id: number;
  };
  readonly number: number;
  readonly comment: {
    readonly id: number;
    readonly body: string;
    readonly author: string;
    readonly createdAt: string;
  };
  readonly installationId: number;
}): Omit<SendWebhookOptions, "url" | "secret"> {
  const pull = `${o.repo.fullName}/pull/${o.number}`;
  return {
    event: "issue_comment",
    action: "created",
    installationId: o.installationId,
    repository: { owner: o.repo.owner, name: o.repo.name, id: o.repo.id, defaultBranch: "main" },
    patch: {
      issue: {
        number: o.number,
        pull_request: {
          url: `https://api.github.com/repos/${o.repo.fullName}/pulls/${o.number}`,
          html_url: `https://github.com/${pull}`,
          diff_url: `https://github.com/${pull}.diff`,
          patch_url: `https://github.com/${pull}.patch`,
          merged_at: null,
        },
      },
      comment: {
        id: o.comment.id,
        body: o.comment.body,
        user: { login: o.comment.author, type: "User" },
        created_at: o.comment.createdAt,
      },
      sender: { login: o.comment.author, type: "User" },
    },
  };
}
