import { expect, it } from "vitest";
import { runWithStore } from "../../src/cli/commands/quarantine.ts";
import { memoryIo, UsageError } from "../../src/cli/io.ts";
import { listAudit } from "../../src/store/audit.ts";
import { listQuarantines } from "../../src/store/bdv-results.ts";
import { describeEachDatabase } from "../harness/db.ts";

describeEachDatabase("maestro-hive quarantine", (getDb) => {
  it("adds, lists and removes a quarantine, audited with the CLI's actor", async () => {
    const io = memoryIo("/tmp", { MAESTRO_ACTOR: "release-bot" });
    const store = getDb().store;
    const add = [
      "add",
      "5d15ce973aa9",
      "--repo",
      "Acme/Shop",
      "--reason",
      "gateway outage",
      "--expires",
      "3d",
    ];
    expect(await runWithStore(add, io, store)).toBe(0);
    expect(io.stdout[0]).toMatch(/^Quarantined 5d15ce973aa9 until .* by release-bot: gateway outage$/);
    expect((await listQuarantines(store.db, "acme/shop")).map((q) => q.scope)).toEqual(["5d15ce973aa9"]);
    expect(await runWithStore(["list", "--repo", "acme/shop", "--format", "json"], io, store)).toBe(0);
    expect(JSON.parse(io.stdout[1]!)).toEqual([
      expect.objectContaining({ scope: "5d15ce973aa9", author: "release-bot" }),
    ]);
    expect(await runWithStore(["remove", "5d15ce973aa9", "--repo", "acme/shop"], io, store)).toBe(0);
    expect(await runWithStore(["remove", "5d15ce973aa9", "--repo", "acme/shop"], io, store)).toBe(2);
    expect(io.stderr).toEqual(["error: 5d15ce973aa9 is not quarantined in acme/shop"]);
    const rows = await listAudit(store.db, { repository: "acme/shop" });
    expect(rows.map((r) => [r.kind, r.actor])).toEqual([
      ["quarantine.created", "release-bot"],
      ["quarantine.removed", "release-bot"],
    ]);
  });

  it("refuses a quarantine without a reason or with a scope that is no scenario", async () => {
    const io = memoryIo("/tmp", {});
    const store = getDb().store;
    expect(await runWithStore(["add", "5d15ce973aa9", "--repo", "a/b"], io, store)).toBe(2);
    expect(await runWithStore(["add", "Pay by card", "--repo", "a/b", "--reason", "x"], io, store)).toBe(2);
    expect(io.stderr[0]).toContain("needs a reason");
    expect(io.stderr[1]).toContain("is not a scenario id");
    await expect(runWithStore(["add", "5d15ce973aa9"], io, store)).rejects.toThrow(UsageError);
  });
});
