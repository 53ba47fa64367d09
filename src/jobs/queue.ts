/**
 * The pg-boss job queue, on the same database as everything else: the embedded PGlite
 * instance, or the PostgreSQL server (in its own schema, so tests can isolate it).
 */
import { createHash } from "node:crypto";
import { fromKysely, fromPglite, PgBoss } from "pg-boss";
import type { Store } from "../store/connect.ts";
import type { Tx } from "../store/db.ts";
import { schemaExists } from "../store/migrate.ts";

/** The queue that carries one job per recorded webhook delivery. */
export const DELIVERY_QUEUE = "github-delivery";

export interface QueueOptions {
  /** pg-boss schema; default "pgboss". */
  schema?: string | undefined;
  /** Run maintenance (expiry, retention) in this instance. */
  supervise?: boolean | undefined;
  /**
   * A running job's worker refreshes its claim this often (half of it, in fact); a job whose
   * worker died (SIGKILL, lost machine) is retried once its claim is this old. Default 60 s,
   * not pg-boss's 15-minute expiry, so a crashed job re-runs within about two minutes.
   */
  heartbeatSeconds?: number | undefined;
  /** How often maintenance looks for dead claims and expired jobs; default 30 s. */
  superviseIntervalSeconds?: number | undefined;
}

export const DEFAULT_HEARTBEAT_SECONDS = 60;
export const DEFAULT_SUPERVISE_INTERVAL_SECONDS = 30;

export interface DeliveryJobData {
  deliveryId: string;
}

export async function startQueue(store: Store, options: QueueOptions = {}): Promise<PgBoss> {
  const schema = options.schema ?? "pgboss";
  const common = {
    schema,
    supervise: options.supervise ?? true,
    schedule: false,
    registerInstance: false,
    monitorVacuum: false,
    reindex: false,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? DEFAULT_SUPERVISE_INTERVAL_SECONDS,
    monitorIntervalSeconds: options.superviseIntervalSeconds ?? DEFAULT_SUPERVISE_INTERVAL_SECONDS,
    // Each job stores the trace context of its send (the webhook's span), and its worker's span
    // continues that trace: one trace per delivery. Without a tracing SDK nothing is stored.
    openTelemetry: { propagateContext: true },
    // No LISTEN/NOTIFY: pg-boss 12's listener client drops its 'error' handler when the
    // connection ends, so a server restart's late FATAL (57P01) became an uncaught 'error' that
    // killed the app (test/reliability/postgres-restart). The intake wakes its own workers
    // (wakeWorkers, worker.ts); other replicas pick a job up at their next poll.
    useListenNotify: false,
  } as const;
  const notify = false;
  const heartbeatSeconds = options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS;
  // A restricted app role may not CREATE SCHEMA (even IF NOT EXISTS): skip it when the schema,
  // made for the role beforehand (`maestro-hive db roles`), is there.
  const createSchema = !(await schemaExists(store.db, schema));
  const boss = store.pglite
    ? new PgBoss({ ...common, createSchema, db: fromPglite(store.pglite), backend: "pglite" })
    : new PgBoss({ ...common, createSchema, connectionString: store.databaseUrl, max: 4 });
  // Errors from background maintenance are reported through this event; without a listener
  // EventEmitter would throw them.
  boss.on("error", () => {});
  await boss.start().catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = /permission denied/.test(reason)
      ? " — the app's database role must own that schema (see `maestro-hive db roles`)"
      : "";
    throw new Error(`could not start the job queue in schema "${schema}": ${reason}${hint}`, {
      cause: error,
    });
  });
  const queue = await boss.getQueue(DELIVERY_QUEUE);
  if (!queue) {
    await boss.createQueue(DELIVERY_QUEUE, {
      retryLimit: 3,
      retryDelay: 5,
      retryBackoff: true,
      expireInSeconds: 900,
      heartbeatSeconds,
      notify,
    });
  } else if (queue.heartbeatSeconds !== heartbeatSeconds || queue.notify !== notify) {
    // Queues created before the heartbeat or the NOTIFY opt-in (or with other settings) take the current ones.
    await boss.updateQueue(DELIVERY_QUEUE, { heartbeatSeconds, notify });
  }
  // start() and createQueue() both fill pg-boss's queue cache, which matters on PGlite: a
  // cache miss inside a transaction would query the (locked) instance and wait forever.
  return boss;
}

/**
 * Enqueues the job for a delivery inside the caller's transaction: the job exists exactly
 * when the transaction commits. The job id is derived from the delivery id, so even a
 * second enqueue of the same delivery could never create a second job.
 */
export async function enqueueDelivery(boss: PgBoss, trx: Tx, deliveryId: string): Promise<string | null> {
  const data: DeliveryJobData = { deliveryId };
  return boss.send(DELIVERY_QUEUE, data, { id: jobIdForDelivery(deliveryId), db: fromKysely(trx) });
}

/**
 * Enqueues the jobs of several deliveries in one statement, inside the caller's transaction (as
 * enqueueDelivery does for one); returns their job ids, in the order given. A job that could not
 * be created (its id already taken) throws, so the caller's transaction rolls back.
 */
export async function enqueueDeliveries(
  boss: PgBoss,
  trx: Tx,
  deliveryIds: readonly string[],
): Promise<string[]> {
  if (deliveryIds.length === 0) return [];
  const jobs = deliveryIds.map((deliveryId) => ({
    id: jobIdForDelivery(deliveryId),
    data: { deliveryId } satisfies DeliveryJobData,
  }));
  const created = new Set(
    (await boss.insert(DELIVERY_QUEUE, jobs, { db: fromKysely(trx), returnId: true })) ?? [],
  );
  const missing = jobs.filter((job) => !created.has(job.id));
  if (missing.length > 0) {
    throw new Error(
      `the queue refused jobs for new deliveries ${missing.map((j) => j.data.deliveryId).join(", ")}`,
    );
  }
  return jobs.map((job) => job.id);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GitHub delivery ids are UUIDs; anything else maps to a stable UUID-shaped hash. */
export function jobIdForDelivery(deliveryId: string): string {
  if (UUID.test(deliveryId)) return deliveryId.toLowerCase();
  const hex = createHashHex(deliveryId);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function createHashHex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
