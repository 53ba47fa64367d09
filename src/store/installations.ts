/** Installations of the app and the repositories each one can see. */
import type { Kysely, Transaction } from "kysely";
import { inTransaction } from "./db.ts";
import type { Database, Installation, Repository } from "./schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface RepositoryRef {
  id: number;
  fullName: string;
  defaultBranch?: string | null | undefined;
}

export async function upsertInstallation(
  db: Executor,
  id: number,
  accountLogin: string,
  at: Date,
): Promise<void> {
  await db
    .insertInto("installations")
    .values({ id, account_login: accountLogin, created_at: at, updated_at: at, deleted_at: null })
    .onConflict((oc) =>
      oc.column("id").doUpdateSet({ account_login: accountLogin, updated_at: at, deleted_at: null }),
    )
    .execute();
}

/** Marks an installation deleted and detaches its repositories; rows stay for the audit trail. */
export async function markInstallationDeleted(db: Executor, id: number, at: Date): Promise<void> {
  await db
    .updateTable("installations")
    .set({ deleted_at: at, updated_at: at })
    .where("id", "=", id)
    .execute();
  await db
    .updateTable("repositories")
    .set({ removed_at: at, updated_at: at })
    .where("installation_id", "=", id)
    .where("removed_at", "is", null)
    .execute();
}

export async function upsertRepositories(
  db: Executor,
  installationId: number,
  repositories: readonly RepositoryRef[],
  at: Date,
): Promise<void> {
  for (const repo of repositories) {
    const base = {
      installation_id: installationId,
      full_name: repo.fullName,
      updated_at: at,
      removed_at: null,
    };
    const withBranch = repo.defaultBranch ? { ...base, default_branch: repo.defaultBranch } : base;
    // A repository renamed or transferred keeps its id; a new one may take an old name.
    await db
      .deleteFrom("repositories")
      .where("full_name", "=", repo.fullName)
      .where("id", "<>", repo.id)
      .execute();
    await db
      .insertInto("repositories")
      .values({ id: repo.id, ...withBranch, created_at: at })
      .onConflict((oc) => oc.column("id").doUpdateSet(withBranch))
      .execute();
  }
}

export async function removeRepositories(db: Executor, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable("repositories")
    .set({ removed_at: at, updated_at: at })
    .where("id", "in", ids)
    .execute();
}

export async function getInstallation(db: Executor, id: number): Promise<Installation | undefined> {
  return db.selectFrom("installations").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Repositories the installation currently covers (removed ones excluded). */
export async function listRepositories(db: Executor, installationId: number): Promise<Repository[]> {
  return db
    .selectFrom("repositories")
    .selectAll()
    .where("installation_id", "=", installationId)
    .where("removed_at", "is", null)
    .orderBy("full_name")
    .execute();
}

export async function getRepositoryByName(db: Executor, fullName: string): Promise<Repository | undefined> {
  return db.selectFrom("repositories").selectAll().where("full_name", "=", fullName).executeTakeFirst();
}

export interface RepositoryOfInstallation extends RepositoryRef {
  /** The installation account's login. */
  readonly owner: string;
}

/**
 * The installation and repository rows exist (and the default branch is current) even when
 * their installation event was missed. Without an installation id nothing is written.
 */
export async function ensureRepository(
  db: Kysely<Database>,
  installationId: number | null,
  repository: RepositoryOfInstallation,
  at: Date,
): Promise<void> {
  const existing = await getRepositoryByName(db, repository.fullName);
  if (existing && existing.default_branch === repository.defaultBranch) return;
  if (installationId === null) return;
  const { id, fullName, defaultBranch } = repository;
  await inTransaction(db, async (trx) => {
    if (!existing) await upsertInstallation(trx, installationId, repository.owner, at);
    await upsertRepositories(
      trx,
      existing?.installation_id ?? installationId,
      [{ id, fullName, defaultBranch }],
      at,
    );
  });
}
