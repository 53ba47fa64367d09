/**
 * Webhook deliveries, keyed by GitHub's X-GitHub-Delivery id. The payload is stored as the
 * zlib-compressed JSON body (migration 0007); large ones are compressed and decompressed on libuv's
 * thread pool, so the thread that answers webhooks never spends long on one.
 */
import { promisify } from "node:util";
import { deflate, deflateSync, inflate, constants as zlib } from "node:zlib";
import type { Kysely, Transaction } from "kysely";
import type { Database, Delivery } from "./schema.ts";

const deflateAsync = promisify(deflate);
const inflateAsync = promisify(inflate);

type Executor = Kysely<Database> | Transaction<Database>;

export interface DeliveryRecord {
  deliveryId: string;
  event: string;
  action: string | null;
  installationId: number | null;
  repository: string | null;
  payload: unknown;
  /**
   * The body as received, when the payload was parsed from it (the webhook): stored as is, so the
   * payload reads back as exactly these bytes. Otherwise the payload is stored as JSON.stringify.
   */
  body?: Uint8Array | undefined;
  /** That body (or JSON) already compressed by `compressPayload`, so a transaction need not wait for it. */
  compressed?: Uint8Array | undefined;
  /** The payload's sender.login, when already read (`readyToRecord`); else read from `payload`. */
  sender?: string | null | undefined;
}

/**
 * What recordDeliveries needs of a delivery, and no more: its payload compressed and its sender
 * read, without the parsed payload and the body. A delivery waits for its shared transaction for
 * tens of milliseconds; holding its parsed payload (a few hundred objects per webhook) that long
 * made the young generation copy and promote them instead of dropping them.
 */
export async function readyToRecord(delivery: DeliveryRecord): Promise<DeliveryRecord> {
  return {
    deliveryId: delivery.deliveryId,
    event: delivery.event,
    action: delivery.action,
    installationId: delivery.installationId,
    repository: delivery.repository,
    payload: undefined,
    compressed: await compressPayload(delivery),
    sender: senderOf(delivery),
  };
}

/**
 * Bodies up to this size are compressed on the calling thread. Sending one to the thread pool
 * cost that thread more than compressing it (a 30 KB webhook: 0.07 ms of stream set-up against
 * 0.05 ms for deflateSync), and on a busy machine the woken pool thread took the core from it.
 */
export const COMPRESS_INLINE_BYTES = 256 * 1024;

/** The stored form of a delivery's payload: zlib of its body, or of JSON.stringify(payload). */
export function compressPayload(delivery: DeliveryRecord): Promise<Uint8Array> {
  if (delivery.compressed) return Promise.resolve(delivery.compressed);
  const input = delivery.body ?? JSON.stringify(delivery.payload);
  const options = { level: zlib.Z_BEST_SPEED };
  if (Buffer.byteLength(input) <= COMPRESS_INLINE_BYTES) return Promise.resolve(deflateSync(input, options));
  return deflateAsync(input, options);
}

/** A recorded delivery, its payload decompressed and parsed (whichever column holds it). */
export type RecordedDelivery = Omit<Delivery, "payload" | "payload_deflated"> & { payload: unknown };

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
  const deflated = await Promise.all(deliveries.map(compressPayload));
  const rows = await db
    .insertInto("deliveries")
    .values(
      deliveries.map((delivery, i) => ({
        delivery_id: delivery.deliveryId,
        event: delivery.event,
        action: delivery.action,
        installation_id: delivery.installationId,
        repository: delivery.repository,
        payload: null,
        payload_deflated: deflated[i]!,
        sender: senderOf(delivery),
        audit_pending: true,
      })),
    )
    .onConflict((oc) => oc.column("delivery_id").doNothing())
    .returning("delivery_id")
    .execute();
  return new Set(rows.map((row) => row.delivery_id));
}

export async function getDelivery(db: Executor, deliveryId: string): Promise<RecordedDelivery | undefined> {
  const row = await db
    .selectFrom("deliveries")
    .selectAll()
    .where("delivery_id", "=", deliveryId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { payload_deflated: deflated, payload, ...rest } = row;
  return {
    ...rest,
    payload: deflated ? JSON.parse((await inflateAsync(deflated)).toString("utf8")) : payload,
  };
}

/** The delivery's sender: as read by readyToRecord, or from its payload. */
function senderOf(delivery: DeliveryRecord): string | null {
  return delivery.sender !== undefined ? delivery.sender : senderLogin(delivery.payload);
}

/** The payload's sender.login, when it is a string. */
function senderLogin(payload: unknown): string | null {
  const sender = (payload as { sender?: { login?: unknown } } | null)?.sender;
  return typeof sender?.login === "string" ? sender.login : null;
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
