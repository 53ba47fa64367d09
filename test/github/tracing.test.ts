/**
 * Tracing end to end: the running app, with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a local
 * OTLP/HTTP receiver, takes a signed pull_request delivery; the receiver gets one trace for it
 * — webhook → queue send → queue process → job → analysis stages and engine phases → one span
 * per GitHub request — with every parent link inside that trace and no secret in any attribute.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeEachDatabase } from "../harness/db.ts";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../harness/otlp-receiver.ts";
import { type AppHarness, pullRequestEvent, SECRET, startAppHarness } from "./app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION, LAYER_VIOLATION } from "./fixture-repo.ts";

describeEachDatabase("tracing", (getDb) => {
  let receiver: OtlpReceiver;
  let h: AppHarness;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    h = await startAppHarness(getDb(), {
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: "maestro-hive-test" },
    });
    h.gh.addInstallation({ id: INSTALLATION, account: "acme" });
    // Adoption of peer configs (acc.adopt) asks for files the fixture does not have: GitHub answers 404.
    h.gh.expectRefusal("GET /repos/{owner}/{repo}/contents/{path}", 404);
  });
  afterAll(async () => {
    await h?.stop();
    await receiver?.close();
  });

  it("exports one trace per delivery, from the webhook through the queue to each GitHub request", async () => {
    const repo = fixtureRepo(h.gh, "traced");
    const head = commitOnBranch(repo, "feature", LAYER_VIOLATION);
    h.gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 9, head: "feature", base: "main" });
    h.gh.resetRecording();
    const delivered = await h.deliver(
      pullRequestEvent("opened", {
        owner: repo.owner,
        repo: repo.name,
        repoId: repo.id,
        number: 9,
        headSha: head,
        headRef: "feature",
        baseSha: repo.baseSha,
        installationId: INSTALLATION,
      }),
    );
    expect(delivered.jobState).toBe("completed");
    // The archive download is the redirect fetch follows inside the tarball request's span.
    const githubRequests = h.gh.requests
      .filter((r) => r.operation !== "codeload")
      .map((r) => `GitHub ${r.method} ${r.path}`)
      .sort();
    expect(githubRequests.length).toBeGreaterThan(5);
    await h.app.stop(); // flushes the batch of spans

    expect(receiver.rejected).toEqual([]);
    const webhook = receiver.spans.find(
      (s) => s.name === "webhook pull_request" && s.attributes["github.delivery"] === delivered.deliveryId,
    );
    if (!webhook) throw new Error(`no webhook span among ${receiver.spans.map((s) => s.name).join(", ")}`);
    const spans = receiver.spans.filter((s) => s.traceId === webhook.traceId);
    expect(new Set(spans.map((s) => s.service))).toEqual(new Set(["maestro-hive-test"]));

    // One root, every other span's parent in the same trace.
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    expect(spans.filter((s) => s.parentSpanId === "")).toEqual([webhook]);
    for (const span of spans) if (span !== webhook) expect(byId.has(span.parentSpanId), span.name).toBe(true);
    const one = (name: string): ReceivedSpan => {
      const found = spans.filter((s) => s.name === name);
      expect(
        found.map((s) => s.name),
        name,
      ).toEqual([name]);
      return found[0]!;
    };
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId)?.name;
    const ancestors = (span: ReceivedSpan): string[] => {
      const names: string[] = [];
      for (let p = byId.get(span.parentSpanId); p; p = byId.get(p.parentSpanId)) names.push(p.name);
      return names;
    };

    expect(webhook.attributes).toMatchObject({
      "github.event": "pull_request",
      "http.response.status_code": 202,
      "messaging.message.id": delivered.deliveryId,
    });
    // The queue (pg-boss's own spans): sent inside the webhook, processed by the worker in the same trace.
    const send = one("send github-delivery");
    expect(parentOf(send)).toBe("webhook pull_request");
    const process = one("process github-delivery");
    expect(ancestors(process)).toContain("send github-delivery");
    const job = one("job pull_request.opened");
    expect(parentOf(job)).toBe("process github-delivery");
    expect(job.attributes).toMatchObject({
      "github.delivery": delivered.deliveryId,
      "github.repository": "acme/traced",
    });
    expect(parentOf(one("handler analysis"))).toBe("job pull_request.opened");
    for (const stage of [
      "analysis config",
      "snapshot",
      "analysis inputs",
      "engine",
      "publish check-runs",
      "publish comment",
    ])
      expect(ancestors(one(stage)), stage).toContain("handler analysis");
    // The engine runs in the analysis sandbox's child process (as deployed): one "engine" span, its
    // phases are not traced there. Run in-process (MAESTRO_ANALYSIS_SANDBOX=off) they are its children.
    for (const phase of spans.filter((s) => s.name.startsWith("engine ")))
      expect(parentOf(phase), phase.name).toBe("engine");

    // Each GitHub request is a client span under the job; the four check runs are completed inside
    // "publish check-runs" (created completed, or updated when the analysis was slow enough to show
    // them in progress first), the tarball is fetched inside the snapshot.
    const github = spans.filter((s) => s.name.startsWith("GitHub "));
    expect(github.map((s) => `${s.name} ${s.attributes["url.path"]}`).sort()).toEqual(githubRequests);
    for (const span of github) {
      expect(ancestors(span)).toContain("job pull_request.opened");
      expect(span.attributes["http.response.status_code"]).toBeGreaterThanOrEqual(200);
      expect(String(span.attributes["url.path"])).toMatch(/^\//);
    }
    const published = github.filter(
      (s) =>
        /\/check-runs(\/\d+)?$/.test(String(s.attributes["url.path"])) &&
        ancestors(s).includes("publish check-runs"),
    );
    expect(published.length).toBeGreaterThanOrEqual(4);
    expect(
      github.some(
        (s) => String(s.attributes["url.path"]).includes("tarball") && ancestors(s).includes("snapshot"),
      ),
    ).toBe(true);

    // No secret, token or credential in any attribute or status.
    const exported = JSON.stringify(spans);
    expect(exported).not.toContain(SECRET);
    expect(exported).not.toMatch(/token=|Bearer|BEGIN [A-Z ]*PRIVATE KEY|authorization/i);
  });
});
