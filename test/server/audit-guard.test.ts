/**
 * The anchors the app keeps outside the database: the `audit anchor` log line (at start, when a
 * chain grew, at stop) and the chain gauges on /metrics; and what it says about its role at start.
 */
import { Writable } from "node:stream";
import { pino } from "pino";
import { expect, it } from "vitest";
import { AuditAnchorLog, logSchemaPreparation } from "../../src/server/audit-guard.ts";
import { AppMetrics } from "../../src/server/metrics.ts";
import { appendAudit, type ChainHead } from "../../src/store/audit.ts";
import { describeEachDatabase } from "../harness/db.ts";

function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "info" }, stream), lines };
}

describeEachDatabase("audit anchors outside the database", (getDb) => {
  it("logs the heads of the chains that moved, and exports them as gauges", async () => {
    const { db } = getDb().store;
    const first = await appendAudit(db, { chain: 901, kind: "command" });
    const { log, lines } = memoryLogger();
    const anchors = new AuditAnchorLog(db, log);
    const logged = () =>
      lines
        .filter((l) => l.msg === "audit anchor")
        .map((l) => (l.auditAnchor as ChainHead[]).filter((h) => h.chain >= 900));

    await anchors.logNow();
    expect(logged()).toEqual([[{ chain: 901, events: 1, headSeq: first.seq, headHash: first.hash }]]);
    await anchors.logNow();
    expect(logged()).toHaveLength(1);

    const second = await appendAudit(db, { chain: 901, kind: "command" });
    const other = await appendAudit(db, { chain: 902, kind: "command" });
    await anchors.stop();
    expect(logged().at(-1)).toEqual([
      { chain: 901, events: 2, headSeq: second.seq, headHash: second.hash },
      { chain: 902, events: 1, headSeq: other.seq, headHash: other.hash },
    ]);

    const text = await new AppMetrics().render(db, undefined, getDb().bossSchema);
    expect(text).toContain('maestro_audit_chain_events{chain="901"} 2');
    expect(text).toContain(`maestro_audit_chain_head_seq{chain="902"} ${other.seq}`);
  });

  it("warns when the app's role could rewrite the trail, and names migrations it may not apply", () => {
    const { log, lines } = memoryLogger();
    logSchemaPreparation(
      log,
      {
        applied: [],
        pending: ["0003_next"],
        access: { role: "maestro_app", canMigrate: false, ownsAuditTrail: false },
      },
      "postgres",
    );
    logSchemaPreparation(
      log,
      {
        applied: ["0001_foundation"],
        pending: [],
        access: { role: "postgres", canMigrate: true, ownsAuditTrail: true },
      },
      "postgres",
    );
    expect(lines.map((l) => [l.level, String(l.msg).slice(0, 50)])).toEqual([
      [50, "the database schema is not current (pending: 0003_"],
      [30, "migrations applied"],
      [40, "the app's database role owns the audit table (or i"],
    ]);
  });
});
