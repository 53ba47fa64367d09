/** Webhook deliveries, keyed by GitHub's X-GitHub-Delivery id. */
import type { Kysely, Transaction } from "kysely";
import type { Database, Delivery } from "./schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repository: string | null;
  payload: unknown;
}

/**
 * Records a delivery, its `delivery.received` audit row pending (delivery-audit.ts appends it);
 * false when that delivery id was already recorded (a redelivery). The mark is explicit, not the
 * column default: on a schema without it (migration 0005 pending) recording fails — the webhook
 * answers 503 and is redelivered — rather than recording a delivery nothing would ever audit.
 */
export async function recordDelivery(db: Executor, delivery: DeliveryRecord): Promise<boolean> {
  return (await recordDeliveries(db, [delivery])).has(delivery.deliveryId);
}

/**
 * Records several deliveries in one statement (recordDelivery's rules for each); returns the ids
 * it recorded — a redelivered id, or one repeated in `deliveries`, is recorded once, the first time.
 */
export async function recordDeliveries(
  db: Executor,
  deliveries: readonly DeliveryRecord[],
): Promise<Set<string>> {
  if (deliveries.length === 0) return new Set();
  const rows = await db
    .insertInto("deliveries")
    .values(
      deliveries.map((delivery) => ({
        delivery_id: delivery.deliveryId,
        event: delivery.event,
        action: delivery.action,
        installation_id: delivery.installationId,
        repository: delivery.repository,
        payload: JSON.stringify(delivery.payload),
        audit_pending: true,
      })),
    )
    .onConflict((oc) => oc.column("delivery_id").doNothing())
    .returning("delivery_id")
    .execute();
  return new Set(rows.map((row) => row.delivery_id));
}

export async function getDelivery(db: Executor, deliveryId: string): Promise<Delivery | undefined> {
  return db.selectFrom("deliveries").selectAll().where("delivery_id", "=", deliveryId).executeTakeFirst();
}

export async function countDeliveries(db: Executor): Promise<number> {
  const row = await db
    .selectFrom("deliveries")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Delivery counts per event name, for /metrics. */
export async function deliveriesByEvent(db: Executor): Promise<Array<{ event: string; count: number }>> {
  const rows = await db
    .selectFrom("deliveries")
    .select(["event", (eb) => eb.fn.countAll<number>().as("count")])
    .groupBy("event")
    .orderBy("event")
    .execute();
  return rows.map((r) => ({ event: r.event, count: Number(r.count) }));
}

/** The audit chain (installation id, 0 without one) of a recorded delivery; 0 when it cannot be read. */
export async function deliveryChain(db: Executor, deliveryId: string): Promise<number> {
  const row = await db
    .selectFrom("deliveries")
    .select("installation_id")
    .where("delivery_id", "=", deliveryId)
    .executeTakeFirst()
    .catch(() => undefined);
  return row?.installation_id ?? 0;
}
