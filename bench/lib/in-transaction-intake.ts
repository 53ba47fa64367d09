/**
 * The webhook intake as it was before the delivery audit appender, for a same-run comparison
 * only: signature, record, hash-chained `delivery.received` row and job in ONE transaction, so
 * every delivery of an installation waits for the previous one's chain lock. It serves on its own
 * port, on the running app's database and queue, with the app's own store and queue functions.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PgBoss } from "pg-boss";
import { enqueueDelivery } from "../../src/jobs/queue.ts";
import { readBody, sendJson } from "../../src/server/http.ts";
import { verifySignature } from "../../src/server/signature.ts";
import { parseDelivery } from "../../src/server/webhook-input.ts";
import { appendAudit } from "../../src/store/audit.ts";
import { type Db, inTransaction } from "../../src/store/db.ts";
import { recordDelivery } from "../../src/store/deliveries.ts";

export async function startInTransactionIntake(
  db: Db,
  boss: PgBoss,
  secret: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const header = (name: string) => String(req.headers[name] ?? "");
      const body = await readBody(req, { maxBytes: 25 * 1024 * 1024, idleMs: 5_000 });
      if (!Buffer.isBuffer(body) || !verifySignature(secret, body, header("x-hub-signature-256"))) {
        return sendJson(res, 400, { error: "bad body or signature" });
      }
      const deliveryId = header("x-github-delivery");
      const event = header("x-github-event");
      const delivery = parseDelivery(deliveryId, event, body);
      const sender = (delivery.payload as { sender?: { login?: unknown } }).sender?.login;
      const recorded = await inTransaction(db, async (trx) => {
        if (!(await recordDelivery(trx, delivery))) return false;
        await appendAudit(trx, {
          chain: delivery.installationId ?? 0,
          kind: "delivery.received",
          actor: typeof sender === "string" ? sender : null,
          repository: delivery.repository,
          subject: `delivery:${deliveryId}`,
          data: { event, action: delivery.action },
        });
        // Audited here, so the app's appender must not append it again.
        await trx
          .updateTable("deliveries")
          .set({ audit_pending: false })
          .where("delivery_id", "=", deliveryId)
          .execute();
        await enqueueDelivery(boss, trx, deliveryId);
        return true;
      });
      sendJson(res, recorded ? 202 : 200, { status: recorded ? "queued" : "duplicate" });
    })().catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 503, { error: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
