/**
 * A fresh, migrated database per test file: embedded PGlite in memory always, and, when
 * DATABASE_URL is set, the real PostgreSQL server too, in a schema of its own that is dropped
 * afterwards. `describeEachDatabase` runs a block of tests once per backend.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe } from "vitest";
import { startQueue } from "../../src/jobs/queue.ts";
import { type Backend, openPglite, openStore, quoteIdentifier, type Store } from "../../src/store/connect.ts";
import { migrateToLatest } from "../../src/store/migrate.ts";

export interface TestDatabase {
  readonly store: Store;
  readonly backend: Backend;
  /** Schema for pg-boss, private to this test database. */
  readonly bossSchema: string;
  /** Starts pg-boss on this database (once; later calls return the same instance). */
  queue(): Promise<PgBoss>;
  close(): Promise<void>;
}

/** The backends the suite runs on here: always pglite, plus postgres when DATABASE_URL is set. */
export function testBackends(): Backend[] {
  return process.env.DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

export async function createTestDatabase(backend: Backend = "pglite"): Promise<TestDatabase> {
  const suffix = randomBytes(6).toString("hex");
  if (backend === "pglite") {
    const pglite = openPglite(undefined, { loadDataDir: await pgliteTemplate() });
    const store = openStore({ pglite });
    await migrateToLatest(store.db);
    return withQueue(store, backend, "pgboss", async () => {
      await store.db.destroy();
    });
  }
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("createTestDatabase('postgres') needs DATABASE_URL");
  const schema = `test_${suffix}`;
  const bossSchema = `test_${suffix}_boss`;
  await adminQuery(databaseUrl, `create schema ${quoteIdentifier(schema)}`);
  const store = openStore({ databaseUrl, schema, poolSize: 5 });
  await migrateToLatest(store.db);
  return withQueue(store, backend, bossSchema, async () => {
    await store.close();
    await adminQuery(
      databaseUrl,
      `drop schema if exists ${quoteIdentifier(schema)} cascade; drop schema if exists ${quoteIdentifier(bossSchema)} cascade`,
    );
  });
}

function withQueue(
  store: Store,
  backend: Backend,
  bossSchema: string,
  closeStore: () => Promise<void>,
): TestDatabase {
  let boss: Promise<PgBoss> | undefined;
  return {
    store,
    backend,
    bossSchema,
    queue() {
      boss ??= startQueue(store, { schema: bossSchema });
      return boss;
    },
    async close() {
      if (boss) await (await boss).stop({ graceful: false, close: true, timeout: 2000 });
      await closeStore();
    },
  };
}

const MIGRATIONS_DIR = fileURLToPath(new URL("../../src/store/migrations/", import.meta.url));

/**
 * A dump of a PGlite database with every migration and the pg-boss schema installed. initdb in
 * WASM takes seconds (tens on a busy machine); starting from the dump takes a fraction of
 * that. Cached in the temp dir under a key covering the migrations and both libraries' versions,
 * so any change to them builds a new template.
 */
async function pgliteTemplate(): Promise<Blob> {
  const key = createHash("sha256").update("template-v1");
  for (const name of readdirSync(MIGRATIONS_DIR).sort())
    key.update(name).update(readFileSync(join(MIGRATIONS_DIR, name)));
  for (const pkg of ["@electric-sql/pglite", "pg-boss", "kysely"]) {
    const manifest = fileURLToPath(new URL(`../../node_modules/${pkg}/package.json`, import.meta.url));
    key
      .update(pkg)
      .update(String((JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version));
  }
  const file = join(tmpdir(), `maestro-hive-pglite-${key.digest("hex").slice(0, 16)}.tar`);
  if (!existsSync(file)) {
    const pglite = openPglite();
    const store = openStore({ pglite });
    await migrateToLatest(store.db);
    const boss = await startQueue(store, { schema: "pgboss", supervise: false });
    await boss.stop({ graceful: false, close: true, timeout: 2000 });
    const dump = await pglite.dumpDataDir("none");
    await store.db.destroy();
    // Written aside then renamed: parallel test files never read a half-written template.
    const partial = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
    writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
    renameSync(partial, file);
  }
  return new Blob([readFileSync(file)]);
}

/** Runs SQL on the server as DATABASE_URL's (super)user, on a connection of its own. */
export async function adminQuery(databaseUrl: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/**
 * Declares `name` once per backend; each gets its own database for the whole block
 * (opened in beforeAll, closed in afterAll). Call `getDb()` inside tests and hooks.
 */
export function describeEachDatabase(name: string, body: (getDb: () => TestDatabase) => void): void {
  for (const backend of testBackends()) {
    describe(`${name} [${backend}]`, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await createTestDatabase(backend);
      });
      afterAll(async () => {
        await database?.close();
      });
      body(() => {
        if (!database)
          throw new Error("the test database is not open yet (use getDb() inside tests or hooks)");
        return database;
      });
    });
  }
}
