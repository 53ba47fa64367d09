/** `maestro-hive audit …` and `maestro-hive db …` against real databases. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { runWithStore } from "../../../src/cli/commands/audit.ts";
import { memoryIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { appendAudit } from "../../../src/store/audit.ts";
import { recordDeliveries } from "../../../src/store/deliveries.ts";
import { auditPendingDeliveries } from "../../../src/store/delivery-audit.ts";
import { describeEachDatabase } from "../../harness/db.ts";

const NOW = new Date("2026-11-24T12:00:00Z");

describeEachDatabase("maestro-hive audit", (getDb) => {
  async function cli(...args: string[]) {
    const io = memoryIo(tmpdir());
    const code = await runWithStore(args, io, getDb().store, NOW);
    return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
  }

  it("lists with filters, exports JSON lines, and verifies the chains", async () => {
    const { db } = getDb().store;
    await appendAudit(db, {
      chain: 5,
      kind: "suppression.created",
      actor: "ann",
      repository: "acme/web",
      prNumber: 2,
      at: new Date("2026-11-01T00:00:00Z"),
    });
    await appendAudit(db, {
      chain: 5,
      kind: "command",
      actor: "ben",
      repository: "acme/web",
      prNumber: 2,
      at: new Date("2026-11-24T11:00:00Z"),
    });
    await appendAudit(db, {
      chain: 0,
      kind: "suppression.removed",
      actor: "ann",
      repository: "acme/api",
      at: new Date("2026-11-24T11:30:00Z"),
    });

    const byRepo = await cli("list", "--repo", "acme/web", "--pr", "2");
    expect(byRepo.code).toBe(0);
    expect(byRepo.stdout.split("\n")).toHaveLength(2);
    expect(byRepo.stdout).toContain("suppression.created  ann  acme/web#2");
    const family = await cli("list", "--kind", "suppression", "--actor", "ann");
    expect(family.stdout.split("\n").map((l) => l.split("  ")[3])).toEqual([
      "suppression.created",
      "suppression.removed",
    ]);
    const recent = await cli("list", "--since", "2d", "--format", "json");
    expect((JSON.parse(recent.stdout) as Array<{ kind: string }>).map((r) => r.kind)).toEqual([
      "command",
      "suppression.removed",
    ]);
    const exported = await cli("export", "--chain", "5");
    const lines = exported.stdout
      .split("\n")
      .map((l) => JSON.parse(l) as { chain: number; hash: string; prev_hash: string });
    expect(lines).toHaveLength(2);
    expect(lines[1]?.prev_hash).toBe(lines[0]?.hash);

    const ok = await cli("verify");
    expect(ok).toMatchObject({ code: 0 });
    expect(ok.stdout).toMatch(/audit trail intact: 3 events in 2 chain\(s\)/);

    await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
    try {
      await db.updateTable("audit_events").set({ actor: "mallory" }).where("actor", "=", "ben").execute();
    } finally {
      await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
    }
    const broken = await cli("verify");
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/chain 5: row seq \d+ — its hash is [0-9a-f]{64}, expected [0-9a-f]{64}/);
  });

  it("counts the deliveries whose audit row is still pending, without calling the trail broken", async () => {
    const { db } = getDb().store;
    const delivery = (id: string, installationId: number) => ({
      deliveryId: id,
      event: "ping",
      action: null,
      installationId,
      repository: "acme/web",
      payload: { zen: "pending" },
    });
    await recordDeliveries(db, [
      delivery("pending-1", 41),
      delivery("pending-2", 41),
      delivery("pending-3", 42),
    ]);
    // Per chain: the first test left chain 5 broken on purpose.
    const some = await cli("verify", "--chain", "41");
    expect(some.code).toBe(0);
    expect(some.stdout).toContain("2 received deliveries are not in the trail yet");
    const one = await cli("verify", "--chain", "42", "--format", "json");
    expect(JSON.parse(one.stdout)).toMatchObject({ ok: true, pendingDeliveries: 1 });
    await auditPendingDeliveries(db, 41);
    await auditPendingDeliveries(db, 42);
    const flushed = await cli("verify", "--chain", "41");
    expect(flushed.stdout).not.toContain("not in the trail yet");
    expect(flushed.stdout).toMatch(/audit trail intact: 2 events in 1 chain/);
  });

  it("exports the chains' anchor with every export and verifies a deleted tail against it", async () => {
    const { db } = getDb().store;
    for (const subject of ["a", "b", "c"]) await appendAudit(db, { chain: 8, kind: "command", subject });
    const dir = mkdtempSync(join(tmpdir(), "maestro-anchor-"));
    try {
      const exported = await cli("export", "--chain", "8", "--anchor-out", join(dir, "anchor.json"));
      expect(exported.code).toBe(0);
      const rows = exported.stdout.split("\n").map((l) => JSON.parse(l) as { seq: number; hash: string });
      const head = rows.at(-1);
      expect(exported.stderr).toBe(
        `audit anchor: ${JSON.stringify({
          format: "maestro-hive audit anchor",
          version: 1,
          takenAt: NOW.toISOString(),
          chains: [{ chain: 8, events: 3, headSeq: head?.seq, headHash: head?.hash }],
        })}`,
      );
      const printed = await cli("anchor", "--chain", "8");
      expect(JSON.parse(printed.stdout)).toEqual(JSON.parse(exported.stderr.replace("audit anchor: ", "")));
      expect(await cli("verify", "--chain", "8", "--anchor", join(dir, "anchor.json"))).toMatchObject({
        code: 0,
        stdout: "audit trail intact: 3 events in 1 chain(s), consistent with the anchor",
      });

      await sql`alter table audit_events disable trigger audit_events_append_only`.execute(db);
      try {
        await db
          .deleteFrom("audit_events")
          .where("seq", "=", head?.seq ?? -1)
          .execute();
      } finally {
        await sql`alter table audit_events enable trigger audit_events_append_only`.execute(db);
      }
      expect((await cli("verify", "--chain", "8")).code).toBe(0);
      for (const anchor of [join(dir, "anchor.json"), head?.hash ?? ""]) {
        const broken = await cli("verify", "--chain", "8", "--anchor", anchor);
        expect(broken.code).toBe(1);
        expect(broken.stdout).toMatch(/deleted/);
      }
      await expect(cli("verify", "--anchor", join(dir, "nothing-here"))).rejects.toThrow(
        /neither a row hash \(64 hex digits\) nor a readable file/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses bad arguments with exit 2 through the dispatcher", async () => {
    const io = memoryIo(tmpdir(), { MAESTRO_DATA_DIR: "/proc/not-a-dir/db" });
    expect(await main(["audit", "list", "--pr", "two"], io)).toBe(2);
    expect(io.stderr.join("\n")).toContain('--pr must be a whole number, not "two"');
    expect(await main(["audit", "rewrite"], io)).toBe(2);
    expect(await main(["audit", "list", "--since", "yesterday"], io)).toBe(2);
  });
});

describe("maestro-hive db and audit on the embedded database directory", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "maestro-cli-db-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("migrates and verifies an empty trail", async () => {
    const io = memoryIo(tmpdir(), { MAESTRO_DATA_DIR: dataDir });
    expect(await main(["db", "migrate"], io)).toBe(0);
    expect(io.stdout.join("\n")).toContain("applied:\n  0001_foundation");
    expect(await main(["audit", "verify"], io)).toBe(0);
    expect(io.stdout.at(-1)).toBe("audit trail intact: 0 events in 0 chain(s)");
    expect(await main(["db", "rollback"], io)).toBe(2);
  });
});
