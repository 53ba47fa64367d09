import { sql } from "kysely";
import { expect, it } from "vitest";
import { migrateToLatest, pendingMigrations } from "../../src/store/migrate.ts";
import { MIGRATIONS } from "../../src/store/migrations/index.ts";
import { describeEachDatabase } from "../harness/db.ts";

describeEachDatabase("migrations", (getDb) => {
  it("applies every migration and leaves none pending", async () => {
    const { db } = getDb().store;
    expect(await pendingMigrations(db)).toEqual([]);
    const again = await migrateToLatest(db);
    expect(again.applied).toEqual([]);
    const applied = await sql<{ name: string }>`select name from maestro_migrations order by name`.execute(
      db,
    );
    expect(applied.rows.map((r) => r.name)).toEqual(Object.keys(MIGRATIONS));
  });

  it("creates every table with time-zone-aware timestamps", async () => {
    const { db } = getDb().store;
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() order by table_name`.execute(
      db,
    );
    const names = tables.rows.map((r) => r.table_name);
    for (const table of [
      "installations",
      "repositories",
      "deliveries",
      "analysis_runs",
      "findings",
      "suppressions",
      "audit_events",
      "extraction_cache",
      "blob_cache",
      "pr_comments",
      "check_runs",
      "overrides",
    ]) {
      expect(names).toContain(table);
    }
    const naive = await sql<{ table_name: string; column_name: string }>`
      select table_name, column_name from information_schema.columns
      where table_schema = current_schema() and data_type = 'timestamp without time zone'`.execute(db);
    expect(naive.rows).toEqual([]);
  });

  it("keeps delivery ids unique and suppression repositories lowercased", async () => {
    const { db } = getDb().store;
    await db
      .insertInto("deliveries")
      .values({ delivery_id: "mig-1", event: "ping", payload: "{}" })
      .execute();
    await expect(
      db.insertInto("deliveries").values({ delivery_id: "mig-1", event: "ping", payload: "{}" }).execute(),
    ).rejects.toThrow(/duplicate key|unique/i);
    await expect(
      db
        .insertInto("suppressions")
        .values({
          repository: "Owner/Repo",
          id: "s1",
          level: "rule",
          pattern: "x",
          pattern_type: "glob",
          justification: "j",
          source: "cli",
        })
        .execute(),
    ).rejects.toThrow(/check constraint/i);
  });
});
