/**
 * Keeps the installations and repositories tables in step with GitHub: `installation`
 * (created, deleted, suspend, unsuspend, new_permissions_accepted) and
 * `installation_repositories` (added, removed).
 */
import { z } from "zod";
import type { DeliveryContext } from "../github/delivery.ts";
import { onboardRepository } from "../github/onboarding.ts";
import { inTransaction } from "../store/db.ts";
import {
  markInstallationDeleted,
  removeRepositories,
  upsertInstallation,
  upsertRepositories,
} from "../store/installations.ts";

const RepoRef = z.object({ id: z.number().int(), full_name: z.string().min(1) });

const InstallationPayload = z.object({
  action: z.string(),
  installation: z.object({ id: z.number().int(), account: z.object({ login: z.string() }).nullable() }),
  repositories: z.array(RepoRef).optional(),
  sender: z.object({ login: z.string() }).optional(),
});

const InstallationRepositoriesPayload = z.object({
  action: z.string(),
  installation: z.object({ id: z.number().int(), account: z.object({ login: z.string() }).nullable() }),
  repositories_added: z.array(RepoRef),
  repositories_removed: z.array(RepoRef.partial({ full_name: true })),
  sender: z.object({ login: z.string() }).optional(),
});

function refs(list: ReadonlyArray<z.infer<typeof RepoRef>>) {
  return list.map((r) => ({ id: r.id, fullName: r.full_name }));
}

export async function handleInstallation(context: DeliveryContext): Promise<void> {
  const payload = InstallationPayload.parse(context.payload);
  const { id } = payload.installation;
  const login = payload.installation.account?.login ?? "";
  const at = context.now();
  await inTransaction(context.db, async (trx) => {
    if (payload.action === "deleted") {
      await markInstallationDeleted(trx, id, at);
      return;
    }
    await upsertInstallation(trx, id, login, at);
    if (payload.action === "created" && payload.repositories) {
      await upsertRepositories(trx, id, refs(payload.repositories), at);
    }
  });
  await context.audit({
    kind: "installation.changed",
    actor: payload.sender?.login ?? null,
    subject: `installation:${id}`,
    data: {
      action: payload.action,
      account: login,
      repositories: payload.repositories?.map((r) => r.full_name) ?? [],
    },
  });
}

export async function handleInstallationRepositories(context: DeliveryContext): Promise<void> {
  const payload = InstallationRepositoriesPayload.parse(context.payload);
  const { id } = payload.installation;
  const at = context.now();
  await inTransaction(context.db, async (trx) => {
    await upsertInstallation(trx, id, payload.installation.account?.login ?? "", at);
    await upsertRepositories(trx, id, refs(payload.repositories_added), at);
    await removeRepositories(
      trx,
      payload.repositories_removed.map((r) => r.id),
      at,
    );
  });
  await context.audit({
    kind: "installation.changed",
    actor: payload.sender?.login ?? null,
    subject: `installation:${id}`,
    data: {
      action: payload.action,
      added: payload.repositories_added.map((r) => r.full_name),
      removed: payload.repositories_removed.map((r) => r.full_name ?? String(r.id)),
    },
  });
}

const OnboardingPayload = z.object({
  action: z.string(),
  installation: z.object({
    id: z.number().int(),
    permissions: z.record(z.string(), z.string()).optional(),
  }),
  repositories: z.array(RepoRef).optional(),
  repositories_added: z.array(RepoRef).optional(),
});

/**
 * `installation.created` and `installation_repositories.added`: an onboarding pull request for
 * each repository without a config (src/github/onboarding.ts). Needs contents and pull_requests
 * write; without them, or when a repository's onboarding fails, it is logged and audited and the
 * others go on.
 */
export async function handleOnboarding(context: DeliveryContext): Promise<void> {
  const payload = OnboardingPayload.parse(context.payload);
  const repositories = payload.action === "created" ? payload.repositories : payload.repositories_added;
  if (!repositories || repositories.length === 0) return;
  const permissions = payload.installation.permissions ?? {};
  if (permissions.contents !== "write" || permissions.pull_requests !== "write") {
    context.log.info(
      { permissions },
      "onboarding pull requests need contents: write and pull_requests: write; not offered",
    );
    return;
  }
  const octokit = await context.octokit();
  for (const repository of repositories) {
    try {
      const result = await onboardRepository({
        octokit,
        db: context.db,
        fullName: repository.full_name,
        log: context.log,
        now: context.now(),
      });
      await context.audit({
        kind: "onboarding",
        actor: null,
        subject: repository.full_name,
        data: { ...result },
      });
    } catch (error) {
      context.log.warn({ err: error, repository: repository.full_name }, "onboarding failed");
      await context.audit({
        kind: "onboarding",
        actor: null,
        subject: repository.full_name,
        data: { outcome: "failed", reason: error instanceof Error ? error.message : String(error) },
      });
    }
  }
}
