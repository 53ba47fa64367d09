/**
 * The PostgreSQL server goes away and comes back while deliveries arrive and jobs run: /readyz
 * says 503 during the outage and 200 after it, the app reconnects by itself, and every delivery
 * ends recorded with its job completed — those accepted before (202) without anyone's help,
 * those refused during the outage (5xx, as GitHub then shows them failed) once redelivered
 * with the same id, as GitHub's "Redeliver" does.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SECRET } from "../github/app-harness.ts";
import { deliveryMix } from "../github/delivery-mix.ts";
import { INSTALLATION } from "../github/fixture-repo.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { type PostgresServer, startPostgresServer } from "../harness/postgres-server.ts";
import { sendWebhook } from "../harness/webhooks.ts";
import { BOUNDS, expectWithin } from "./bounds.ts";
import { type AppProcess, jobStates, killApp, query, sleep, spawnApp, until } from "./helpers.ts";

const CHECKS = ["Maestro ACC", "Maestro BDV", "Maestro DDE", "Maestro gate"];

describe("PostgreSQL restarted under load", () => {
  let server: PostgresServer;
  let databaseUrl: string;
  let gh: FakeGitHub;
  let app: AppProcess | undefined;
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    server = await startPostgresServer();
    databaseUrl = await server.createDatabase("restart");
    gh = await startFakeGitHub();
    gh.addInstallation({ id: INSTALLATION, account: "acme" });
  });
  afterAll(async () => {
    if (app && app.child.exitCode !== null)
      console.log(
        `[app stderr]\n${app
          .stderr()
          .split("\n")
          .filter((l) => /Error|error:|at /.test(l))
          .slice(0, 40)
          .join("\n")}`,
      );
    await killApp(app);
    await gh?.close();
    server?.destroy();
    console.log(`[figures] ${JSON.stringify(figures)}`);
  });

  async function readyz(): Promise<number> {
    if (!app) return 0;
    try {
      return (await fetch(`${app.url}/readyz`, { signal: AbortSignal.timeout(5_000) })).status;
    } catch {
      return 0;
    }
  }

  it("reports the outage and the recovery on /readyz and loses no delivery or job", async () => {
    app = await spawnApp({ databaseUrl, gh, workers: 2 });
    expect(await readyz()).toBe(200);

    const mix = deliveryMix(gh, { prefix: "restart", repositories: 8, perRepository: 0 });
    const events = mix.opened;
    const prs = mix.heads;
    // Slow GitHub answers keep the analyses in flight while the database goes away.
    gh.inject({ method: "GET", path: /\/tarball\//, delayMs: 400 });

    const outcomes = new Map<string, { options: (typeof events)[number]; status: number }>();
    const send = async (options: (typeof events)[number], deliveryId?: string) => {
      let status = 0;
      let id = deliveryId;
      try {
        const result = await sendWebhook({ ...options, url: app!.hook, secret: SECRET, deliveryId });
        status = result.status;
        id = result.deliveryId;
      } catch {
        status = 0;
      }
      if (id) outcomes.set(id, { options, status });
      return { id, status };
    };

    // Half the deliveries before the outage, the rest during it.
    for (const event of events.slice(0, 4)) await send(event, crypto.randomUUID());
    await until(
      "an analysis in flight",
      async () => gh.requestCount("codeload") + gh.checkRuns().length,
      (n) => n > 0,
      60_000,
      50,
    );

    const stoppedAt = Date.now();
    server.stop("fast");
    const unready = await until("/readyz to report the outage", readyz, (s) => s === 503, 30_000, 100);
    expect(unready).toBe(503);
    figures.outageDetectedSeconds = (Date.now() - stoppedAt) / 1000;
    expectWithin(BOUNDS.outageDetected, figures.outageDetectedSeconds);
    const body = (await (await fetch(`${app.url}/readyz`)).json()) as {
      checks: { database: { ok: boolean } };
    };
    expect(body.checks.database.ok).toBe(false);
    for (const event of events.slice(4)) await send(event, crypto.randomUUID());
    const refused = [...outcomes].filter(([, o]) => o.status !== 202);
    expect(refused.length).toBeGreaterThan(0);
    for (const [, o] of refused) expect([0, 503]).toContain(o.status);
    await sleep(2_000);
    // Still alive after the connections were cut.
    expect(app.child.exitCode).toBeNull();

    const startedAt = Date.now();
    server.start();
    await until("/readyz to report the recovery", readyz, (s) => s === 200, 60_000, 100);
    figures.readyAfterRestartSeconds = (Date.now() - startedAt) / 1000;
    expectWithin(BOUNDS.readyAfterRestart, figures.readyAfterRestartSeconds);
    figures.outageSeconds = (Date.now() - stoppedAt) / 1000;

    // Redeliver what the app refused, as an operator (or a reconciler) does from GitHub.
    for (const [id, o] of refused) {
      const again = await send(o.options, id);
      expect(again.status).toBe(202);
    }
    const ids = [...outcomes.keys()];
    expect(ids).toHaveLength(8);
    const states = await until(
      "every job to complete",
      () => jobStates(databaseUrl, ids),
      (s) => [...s.values()].every((state) => state === "completed"),
      240_000,
      500,
    );
    figures.allJobsDoneAfterRestartSeconds = (Date.now() - startedAt) / 1000;
    expectWithin(BOUNDS.allJobsDoneAfterRestart, figures.allJobsDoneAfterRestartSeconds);
    expect([...states.values()].every((s) => s === "completed")).toBe(true);
    const recorded = await query<{ n: number }>(
      databaseUrl,
      "select count(*)::int as n from deliveries where delivery_id = any($1)",
      [ids],
    );
    expect(recorded[0]?.n).toBe(8);
    for (const pr of prs) {
      const runs = gh.checkRuns({ owner: pr.owner, repo: pr.name, headSha: pr.head });
      const summary = runs.map((r) => `${r.id} ${r.name} ${r.status} ${r.conclusion} ${r.output.title}`);
      for (const run of runs) expect(run.status, `${pr.fullName}: ${summary.join(" | ")}`).toBe("completed");
      expect(
        runs
          .filter((r) => r.output.title !== "Superseded")
          .map((r) => r.name)
          .sort(),
      ).toEqual([...CHECKS].sort());
      expect(gh.issueComments({ owner: pr.owner, repo: pr.name, issueNumber: 1 })).toHaveLength(1);
    }
    const runs = await query<{ status: string; n: number }>(
      databaseUrl,
      "select status, count(*)::int as n from analysis_runs group by status",
    );
    expect(runs).toEqual([{ status: "completed", n: 8 }]);
    expect(gh.unexpectedViolations()).toEqual([]);
  });
});
