/**
 * A delivery's payload is stored zlib-compressed (migration 0007) and reads back as recorded:
 * the webhook's body byte for byte, or the payload of a row recorded before as jsonb.
 */
import { inflateSync } from "node:zlib";
import { expect, it } from "vitest";
import { listAudit } from "../../src/store/audit.ts";
import { getDelivery, readyToRecord, recordDelivery } from "../../src/store/deliveries.ts";
import { auditPendingDeliveries } from "../../src/store/delivery-audit.ts";
import { describeEachDatabase } from "../harness/db.ts";

describeEachDatabase("delivery payloads", (getDb) => {
  it("keeps the webhook's body byte for byte (spacing, key order, escapes) and names its sender", async () => {
    const { db } = getDb().store;
    const body = Buffer.from('{ "zeta":1,"sender":{"login":"octo\\u0063at"},\n "title":"nul \\u0000 é" }');
    const payload = JSON.parse(body.toString("utf8"));
    await recordDelivery(db, {
      deliveryId: "p-1",
      event: "push",
      action: null,
      installationId: 61,
      repository: "acme/web",
      payload,
      body,
    });
    const row = await db
      .selectFrom("deliveries")
      .select(["payload", "payload_deflated", "sender"])
      .where("delivery_id", "=", "p-1")
      .executeTakeFirstOrThrow();
    expect(row.payload).toBeNull();
    expect(Buffer.compare(inflateSync(row.payload_deflated!), body)).toBe(0);
    expect(row.sender).toBe("octocat");
    const read = await getDelivery(db, "p-1");
    expect(read?.payload).toEqual(payload);
    expect(Object.keys(read?.payload as object)).toEqual(["zeta", "sender", "title"]);
    expect(read).not.toHaveProperty("payload_deflated");
  });

  it("records a delivery made ready (compressed, sender read) without its payload or body, the same way", async () => {
    const { db } = getDb().store;
    const body = Buffer.from('{"sender":{"login":"hubot"},"n":[1,2]}');
    const ready = await readyToRecord({
      deliveryId: "p-3",
      event: "push",
      action: null,
      installationId: 61,
      repository: "acme/web",
      payload: JSON.parse(body.toString("utf8")),
      body,
    });
    expect(ready.payload).toBeUndefined();
    expect(ready.body).toBeUndefined();
    expect(ready.sender).toBe("hubot");
    await recordDelivery(db, ready);
    const row = await db
      .selectFrom("deliveries")
      .select(["payload_deflated", "sender"])
      .where("delivery_id", "=", "p-3")
      .executeTakeFirstOrThrow();
    expect(Buffer.compare(inflateSync(row.payload_deflated!), body)).toBe(0);
    expect(row.sender).toBe("hubot");
  });

  it("stores JSON.stringify of a payload given without its body", async () => {
    const { db } = getDb().store;
    const payload = { action: "opened", sender: { login: "hubot" }, list: [1, "two", null] };
    await recordDelivery(db, {
      deliveryId: "p-2",
      event: "pull_request",
      action: "opened",
      installationId: 61,
      repository: "acme/web",
      payload,
    });
    const row = await db
      .selectFrom("deliveries")
      .select("payload_deflated")
      .where("delivery_id", "=", "p-2")
      .executeTakeFirstOrThrow();
    expect(inflateSync(row.payload_deflated!).toString("utf8")).toBe(JSON.stringify(payload));
    expect((await getDelivery(db, "p-2"))?.payload).toEqual(payload);
  });

  it("reads a row recorded before as jsonb, its sender taken from the payload for its audit row", async () => {
    const { db } = getDb().store;
    const payload = { ref: "refs/heads/main", sender: { login: "legacy-user" } };
    await db
      .insertInto("deliveries")
      .values({
        delivery_id: "p-old",
        event: "push",
        installation_id: 62,
        repository: "acme/old",
        payload: JSON.stringify(payload),
      })
      .execute();
    expect((await getDelivery(db, "p-old"))?.payload).toEqual(payload);
    expect(await auditPendingDeliveries(db, 62)).toBe(1);
    expect((await listAudit(db, { chain: 62 }))[0]).toMatchObject({
      kind: "delivery.received",
      actor: "legacy-user",
      subject: "delivery:p-old",
    });
  });

  it("refuses a row with both payload columns, or neither", async () => {
    const { db } = getDb().store;
    const base = { event: "ping", payload_deflated: Buffer.from("x") };
    await expect(
      db
        .insertInto("deliveries")
        .values({ ...base, delivery_id: "p-both", payload: "{}" })
        .execute(),
    ).rejects.toThrow(/deliveries_one_payload/);
    await expect(
      db.insertInto("deliveries").values({ delivery_id: "p-none", event: "ping", payload: null }).execute(),
    ).rejects.toThrow(/deliveries_one_payload/);
  });
});
