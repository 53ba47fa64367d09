/**
 * The embedded database's memory: PGlite's shared buffers live in the app process, so the app's
 * database on disk keeps them small (src/store/connect.ts), and so does PGlite in memory, as
 * tests run it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openPglite } from "../../src/store/connect.ts";

describe("embedded database", () => {
  it("runs with 16 MB of shared buffers, created and reopened", async () => {
    const dir = mkdtempSync(join(tmpdir(), "maestro-pglite-"));
    try {
      for (let open = 0; open < 2; open++) {
        const pglite = openPglite(join(dir, "data"));
        const { rows } = await pglite.query<{ shared_buffers: string }>("show shared_buffers");
        expect(rows).toEqual([{ shared_buffers: "16MB" }]);
        // Still PGlite's own settings (single user, no parallel workers).
        const workers = await pglite.query<{ max_worker_processes: string }>("show max_worker_processes");
        expect(workers.rows[0]?.max_worker_processes).toBe("0");
        await pglite.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("takes the same settings in memory", async () => {
    const pglite = openPglite();
    try {
      const { rows } = await pglite.query<{ shared_buffers: string }>("show shared_buffers");
      expect(rows).toEqual([{ shared_buffers: "16MB" }]);
      // The bigint parser: a count is a number, not a string or a BigInt.
      const count = await pglite.query<{ n: unknown }>("select count(*) as n from pg_class where false");
      expect(count.rows).toEqual([{ n: 0 }]);
    } finally {
      await pglite.close();
    }
  });
});
