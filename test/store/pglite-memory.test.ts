/**
 * The embedded database's memory: PostgreSQL's shared memory lives in the app process (all of it
 * resident), so the app's database on disk keeps it small (8 MB of buffers, 5 connections) (src/store/connect.ts), and so does PGlite in memory, as
 * tests run it. It also starts WAL segments without zero-filling them (a stall of the event loop).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openPglite } from "../../src/store/connect.ts";

describe("embedded database", () => {
  it("runs with 8 MB of shared buffers and 12 MB of shared memory, created and reopened", async () => {
    const dir = mkdtempSync(join(tmpdir(), "maestro-pglite-"));
    try {
      for (let open = 0; open < 2; open++) {
        const pglite = openPglite(join(dir, "data"));
        const { rows } = await pglite.query<{ shared_buffers: string }>("show shared_buffers");
        expect(rows).toEqual([{ shared_buffers: "8MB" }]);
        const size = await pglite.query<{ shared_memory_size: string }>("show shared_memory_size");
        expect(size.rows).toEqual([{ shared_memory_size: "12MB" }]);
        // Still PGlite's own settings (single user, no parallel workers).
        const workers = await pglite.query<{ max_worker_processes: string }>("show max_worker_processes");
        expect(workers.rows[0]?.max_worker_processes).toBe("0");
        await pglite.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("starts a new WAL segment without writing 16 MB of zeros into it first", async () => {
    const dir = mkdtempSync(join(tmpdir(), "maestro-pglite-"));
    try {
      const pglite = openPglite(join(dir, "data"));
      const { rows } = await pglite.query<{ wal_init_zero: string }>("show wal_init_zero");
      expect(rows).toEqual([{ wal_init_zero: "off" }]);
      await pglite.exec("create table t (n int); insert into t values (1)");
      await pglite.query("select pg_switch_wal()");
      // The next record goes into a segment created now.
      await pglite.exec("insert into t values (2)");
      const segments = readdirSync(join(dir, "data", "pg_wal")).filter((name) => /^[0-9A-F]{24}$/.test(name));
      const newest = segments.toSorted().at(-1)!;
      const stats = statSync(join(dir, "data", "pg_wal", newest));
      expect(stats.size).toBe(16 * 1024 * 1024);
      // Zero-filled, all 16 MB would be allocated; sized by one write at its end, a few blocks are.
      expect(stats.blocks * 512).toBeLessThan(1024 * 1024);
      await pglite.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the same settings in memory", async () => {
    const pglite = openPglite();
    try {
      const { rows } = await pglite.query<{ shared_buffers: string }>("show shared_buffers");
      expect(rows).toEqual([{ shared_buffers: "8MB" }]);
      const connections = await pglite.query<{ max_connections: string }>("show max_connections");
      expect(connections.rows).toEqual([{ max_connections: "5" }]);
      // The bigint parser: a count is a number, not a string or a BigInt.
      const count = await pglite.query<{ n: unknown }>("select count(*) as n from pg_class where false");
      expect(count.rows).toEqual([{ n: 0 }]);
    } finally {
      await pglite.close();
    }
  });
});
