import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import { loadBlobs, saveBlobs } from "../../src/store/caches.ts";
import { describeEachDatabase } from "../harness/db.ts";

describeEachDatabase("blob cache", (getDb) => {
  it("gives back every byte it stored (bytea in and out, empty and large included)", async () => {
    const { db } = getDb().store;
    const blobs = [
      { sha: "a".repeat(40), content: randomBytes(300_000) },
      { sha: "b".repeat(40), content: new Uint8Array([0, 1, 92, 120, 255]) },
      { sha: "c".repeat(40), content: new Uint8Array() },
    ];
    await saveBlobs(db, blobs);
    const loaded = await loadBlobs(
      db,
      blobs.map((b) => b.sha),
    );
    for (const blob of blobs) {
      const found = loaded.get(blob.sha);
      expect(
        found && "content" in found && Buffer.from(found.content).equals(Buffer.from(blob.content)),
      ).toBe(true);
    }
  });
});
