/**
 * Keeps the installations and repositories tables in step with GitHub: `installation`
 * (created, deleted, suspend, unsuspend, new_permissions_accepted) and
 * `installation_repositories` (added, removed).
 */
import { z } from "zod";
import type { DeliveryContext } from "../github/delivery.ts";
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
