/**
 * The Grafana dashboard and the Prometheus alert rules under deploy/ query only metrics the app
 * really exports: a delivery runs through the app (real database, queue, fake GitHub), then every
 * metric name in the dashboard's and the rules' expressions must be a sample of its /metrics.
 * The rules also pass `promtool check rules` where Prometheus's promtool is installed.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AppMetrics } from "../../src/server/metrics.ts";
import { type AppHarness, pullRequestEvent, startAppHarness } from "../github/app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION, LAYER_VIOLATION } from "../github/fixture-repo.ts";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";

const ROOT = new URL("../../", import.meta.url);
const ALERTS_FILE = new URL("deploy/prometheus/alerts.yaml", ROOT);

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const rules = (
  parse(readFileSync(ALERTS_FILE, "utf8")) as { groups: Array<{ rules: Rule[] }> }
).groups.flatMap((g) => g.rules);
const dashboard = JSON.parse(readFileSync(new URL("deploy/grafana/maestro-hive.json", ROOT), "utf8")) as {
  panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
};
const dashboardExprs = dashboard.panels.flatMap((p) =>
  p.targets.map((t) => ({ where: p.title, expr: t.expr })),
);
const alertExprs = rules.map((r) => ({ where: r.alert, expr: r.expr }));

function metricNames(expr: string): string[] {
  return [...new Set(expr.match(/\bmaestro_[a-z_]+\b/g) ?? [])];
}

const PROMTOOL = ["/usr/bin/promtool", "/usr/local/bin/promtool"].find((p) => existsSync(p));

describe("dashboards and alerts", () => {
  let database: TestDatabase;
  let h: AppHarness;
  let exported: Set<string>;

  beforeAll(async () => {
    database = await createTestDatabase("pglite");
    h = await startAppHarness(database);
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
    // Adoption of peer configs (acc.adopt) asks for files the fixture does not have: GitHub answers 404.
    h.gh.expectRefusal("GET /repos/{owner}/{repo}/contents/{path}", 404);
    const repo = fixtureRepo(h.gh, "watched");
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 1, head: "feature", base: "main" });
    const delivered = await h.deliver(
      pullRequestEvent("opened", {
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        number: 1,
        headSha: head,
        headRef: "feature",
        baseSha: repo.baseSha,
        installationId: INSTALLATION,
      }),
    );
    expect(delivered.jobState).toBe("completed");
    expect((await fetch(`${h.app.url}/readyz`)).status).toBe(200);
    const text = await (await fetch(`${h.app.url}/metrics`)).text();
    exported = new Set(
      text
        .split("\n")
        .filter((line) => line !== "" && !line.startsWith("#"))
        .map((line) => line.split(/[{ ]/)[0]!),
    );
  });
  afterAll(async () => {
    await h?.stop();
    await database?.close();
  });

  it.each([...dashboardExprs, ...alertExprs])("$where queries exported metrics: $expr", ({ expr }) => {
    const names = metricNames(expr);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect([...exported], name).toContain(name);
  });

  it("alerts on the queue backing up, failing jobs, dead letters, the rate limit and readiness", () => {
    const byName = new Map(rules.map((r) => [r.alert, r]));
    for (const [alert, metric] of [
      ["MaestroQueueBackingUp", "maestro_jobs"],
      ["MaestroJobsFailing", "maestro_job_duration_seconds_count"],
      ["MaestroDeadLetters", "maestro_dead_letters"],
      ["MaestroGitHubRateLimitNearlySpent", "maestro_github_rate_limit_remaining"],
      ["MaestroReadinessFlapping", "maestro_readiness_transitions_total"],
    ] as const) {
      expect(metricNames(byName.get(alert)?.expr ?? ""), alert).toContain(metric);
    }
    for (const rule of rules) {
      expect(rule.labels?.severity, rule.alert).toMatch(/^(warning|critical)$/);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
    }
  });

  it.skipIf(PROMTOOL === undefined)("passes promtool check rules", () => {
    const out = execFileSync(PROMTOOL!, ["check", "rules", ALERTS_FILE.pathname], { encoding: "utf8" });
    expect(out).toContain(`SUCCESS: ${rules.length} rules found`);
  });

  it("counts readiness changes, not readiness checks", async () => {
    const metrics = new AppMetrics();
    for (const ready of [true, true, false, false, true, true]) metrics.observeReadiness(ready);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/^maestro_readiness_transitions_total 2$/m);
    expect(text).toMatch(/^maestro_ready 1$/m);
  });
});
