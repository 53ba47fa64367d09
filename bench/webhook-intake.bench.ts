/**
 * Webhook intake under concurrency: 32 senders (in a worker thread of their own, standing in for
 * GitHub) post signed deliveries of ONE installation over HTTP to the running app
 * (test/github/app-harness.ts: fake GitHub, pg-boss, two in-process workers running the jobs
 * meanwhile, as deployed; BENCH_INTAKE_WORKERS=0 measures the intake alone). PGlite by default;
 * the PostgreSQL server of DATABASE_URL when set. Deliveries are the `npm run load` mix
 * (pull_request opened / synchronize / reopened and push) over 10 pull requests, each analysed
 * once before the clock starts, so the rounds' jobs are the quick duplicates.
 *
 * The app's intake records the deliveries arriving together in shared transactions (group commit,
 * src/server/delivery-intake.ts) and appends their audit rows afterwards.
 *
 * After one unmeasured warm-up round per side, each round sends BENCH_INTAKE_DELIVERIES (default
 * 1,000) deliveries and measures the time to each acknowledgement; rounds alternate with the
 * intake as it was before (record + audit row + job in one transaction,
 * bench/lib/in-transaction-intake.ts) on the same database, so the ratio is same-run. Then it checks that nothing was lost: every delivery recorded with its job, every
 * delivery audited exactly once (after the appender drains; redeliveries add nothing), and the
 * installation's chain verifies.
 *
 * Target: p99 acknowledgement ≤ 100 ms (median of the rounds' p99).
 */
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { DELIVERY_QUEUE } from "../src/jobs/queue.ts";
import { verifyAudit } from "../src/store/audit.ts";
import { countPendingDeliveries } from "../src/store/delivery-audit.ts";
import { SECRET, startAppHarness } from "../test/github/app-harness.ts";
import { deliveryMix, interleaved } from "../test/github/delivery-mix.ts";
import { INSTALLATION } from "../test/github/fixture-repo.ts";
import { createTestDatabase } from "../test/harness/db.ts";
import { buildWebhookPayload, type SendWebhookOptions, sendWebhook } from "../test/harness/webhooks.ts";
import { startInTransactionIntake } from "./lib/in-transaction-intake.ts";
import { finish, machine, rounds, spread, verdict } from "./lib/measure.ts";
import { sendConcurrently } from "./lib/webhook-senders.ts";

const DELIVERIES = Number(process.env.BENCH_INTAKE_DELIVERIES ?? 1000);
const CONCURRENCY = 32;
const REPOS = 10;
/** In-process workers running the jobs meanwhile (as deployed: 2); 0 measures the intake alone. */
const WORKERS = Number(process.env.BENCH_INTAKE_WORKERS ?? 2);
const TARGET_P99_MS = 100;

interface Prepared {
  readonly event: SendWebhookOptions["event"];
  readonly rawBody: string;
}
interface Round {
  readonly latencies: number[];
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly errors: string[];
  readonly ids: string[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

/** Posts every body once (fresh delivery ids) from CONCURRENCY senders; times each answer. */
async function sendRound(url: string, bodies: readonly Prepared[]): Promise<Round> {
  const ids = bodies.map(() => randomUUID());
  const cpu = process.cpuUsage();
  const outcome = await sendConcurrently({
    url,
    secret: SECRET,
    concurrency: CONCURRENCY,
    deliveries: bodies.map((body, i) => ({ ...body, deliveryId: ids[i]! })),
  });
  const used = process.cpuUsage(cpu);
  const errors = [...outcome.errors, ...outcome.refused.map((answer) => `answered ${answer}`)];
  return { ...outcome, errors, cpuMs: (used.user + used.system) / 1000, ids };
}

function describeRound(label: string, round: Round): string {
  const sorted = [...round.latencies].sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  return (
    `    ${label.padEnd(15)} p50 ${ms(percentile(sorted, 50))}, p95 ${ms(percentile(sorted, 95))}, ` +
    `p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted.at(-1) ?? Number.NaN)}; ` +
    `${((round.latencies.length / round.wallMs) * 1000).toFixed(0)} deliveries/s; ` +
    `process CPU (app and senders) ${(round.cpuMs / round.latencies.length).toFixed(2)} ms/delivery` +
    (round.errors.length > 0 ? `; ${round.errors.length} errors (first: ${round.errors[0]})` : "")
  );
}

const p99 = (round: Round) =>
  percentile(
    [...round.latencies].sort((a, b) => a - b),
    99,
  );

async function main(): Promise<void> {
  const backend = process.env.DATABASE_URL ? "postgres" : "pglite";
  const count = rounds(3);
  console.log(`machine: ${machine()}`);
  console.log(
    `webhook intake: ${DELIVERIES} deliveries per round, ${CONCURRENCY} concurrent senders, one installation, ` +
      `${REPOS} pull requests, ${WORKERS} workers running the jobs, ${backend}, ${count} rounds per side`,
  );
  const database = await createTestDatabase(backend);
  const h = await startAppHarness(database, { workers: WORKERS });
  const legacy = await startInTransactionIntake(database.store.db, await database.queue(), SECRET);
  try {
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
    const mix = deliveryMix(h.gh, {
      prefix: "intake",
      repositories: REPOS,
      perRepository: Math.ceil(DELIVERIES / REPOS),
    });
    const warmUp = mix.opened;
    // Interleave the repositories, as concurrent pull requests would.
    const bodies: Prepared[] = interleaved(mix.byRepository)
      .slice(0, DELIVERIES)
      .map((t) => ({ event: t.event, rawBody: JSON.stringify(buildWebhookPayload(t)) }));
    // Each head analysed once before the clock starts: the rounds' jobs are the quick duplicates.
    if (WORKERS > 0) await Promise.all(warmUp.map((t) => h.deliver(t)));
    else await Promise.all(warmUp.map((t) => h.send(t)));

    const ours: Round[] = [];
    const before: Round[] = [];
    const intakeUrl = `${h.app.url}/api/github/webhooks`;
    // One unmeasured round per side first: the target is the intake of a running app, not the
    // minutes in which V8 and PGlite's WebAssembly first compile its code (the first round's p99
    // ran 1.2–2× the later ones'). Its deliveries count in the loss check below all the same.
    const warmUps: Round[] = [];
    for (const url of [legacy.url, intakeUrl]) warmUps.push(await sendRound(url, bodies));
    console.log(
      `    warm-up: one round per side, not measured (${warmUps.map((r) => r.latencies.length).join(" + ")} deliveries)`,
    );
    for (let round = 0; round < count; round++) {
      const order = round % 2 === 0 ? ["before", "ours"] : ["ours", "before"];
      for (const side of order) {
        const result = await sendRound(side === "ours" ? intakeUrl : legacy.url, bodies);
        (side === "ours" ? ours : before).push(result);
        console.log(describeRound(side === "ours" ? "appender" : "in-transaction", result));
      }
    }

    // Nothing lost: recorded, queued, audited once, chain intact — also after redeliveries.
    const { db } = database.store;
    await h.app.deliveryAudit.drain();
    const redelivered = ours.flatMap((r) => r.ids.slice(0, CONCURRENCY / ours.length + 1));
    const again = await Promise.all(
      redelivered.map((id, i) =>
        sendWebhook({ ...bodies[i % bodies.length]!, url: intakeUrl, secret: SECRET, deliveryId: id }),
      ),
    );
    await h.app.deliveryAudit.drain();
    const sentIds = [...warmUps, ...ours, ...before].flatMap((r) => r.ids);
    const audited = await sql<{ subject: string; n: number }>`
      select subject, count(*)::int as n from audit_events
      where chain = ${INSTALLATION} and kind = 'delivery.received' group by subject`.execute(db);
    const auditCount = new Map(audited.rows.map((row) => [row.subject, Number(row.n)]));
    const recorded = await sql<{ n: number }>`select count(*)::int as n from deliveries`.execute(db);
    const jobs = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id(database.bossSchema, "job")} where name = ${DELIVERY_QUEUE}`.execute(
      db,
    );
    const notAuditedOnce = sentIds.filter((id) => auditCount.get(`delivery:${id}`) !== 1);
    const pending = await countPendingDeliveries(db);
    const verification = await verifyAudit(db, { chain: INSTALLATION });
    const errors = [...warmUps, ...ours, ...before].flatMap((r) => r.errors);
    const expected = sentIds.length + warmUp.length;
    const lossDetail =
      `${sentIds.length} deliveries sent (+${warmUp.length} warm-up), ${errors.length} errors; ` +
      `${recorded.rows[0]?.n} recorded, ${jobs.rows[0]?.n} jobs, ${pending} still pending audit, ` +
      `${notAuditedOnce.length} not audited exactly once; ${redelivered.length} redeliveries answered ` +
      `${[...new Set(again.map((r) => r.status))].join("/")}; chain ${INSTALLATION}: ${verification.events} rows, ` +
      `verify ${verification.ok ? "ok" : `BROKEN ${JSON.stringify(verification.breaks[0])}`}`;

    const oursP99 = spread(ours.map(p99));
    const beforeP99 = spread(before.map(p99));
    const oursRate = spread(ours.map((r) => (r.latencies.length / r.wallMs) * 1000));
    const beforeRate = spread(before.map((r) => (r.latencies.length / r.wallMs) * 1000));
    const ms = (s: ReturnType<typeof spread>) =>
      `${s.median.toFixed(1)} ms (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
    console.log(
      `    p99 medians (spread) over ${count} rounds: appender ${ms(oursP99)}, in-transaction ${ms(beforeP99)}; ` +
        `ratio in-transaction / appender ${(beforeP99.median / oursP99.median).toFixed(1)}× (this run); ` +
        `throughput ${oursRate.median.toFixed(0)} against ${beforeRate.median.toFixed(0)} deliveries/s`,
    );
    verdict(
      `webhook intake p99 ≤ ${TARGET_P99_MS} ms (${CONCURRENCY} concurrent senders, one installation, ${backend})`,
      oursP99.median <= TARGET_P99_MS,
      `p99 ${ms(oursP99)} against the in-transaction intake's ${ms(beforeP99)} in the same run`,
    );
    verdict(
      "nothing lost, audited once, chain verifies",
      errors.length === 0 &&
        Number(recorded.rows[0]?.n) === expected &&
        Number(jobs.rows[0]?.n) === expected &&
        pending === 0 &&
        notAuditedOnce.length === 0 &&
        again.every((r) => r.status === 200) &&
        verification.ok,
      lossDetail,
    );
  } finally {
    await legacy.close();
    await h.stop();
    await database.close();
  }
  finish();
}

await main();
