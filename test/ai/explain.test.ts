/**
 * Explanations through the real SDK, against a local HTTP server speaking the Messages API,
 * with the cache and the audit trail in a real database.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type ExplainerSettings,
  explainFindings,
  explainNewFindings,
  explainOne,
  selectForExplanation,
  snapshotFiles,
} from "../../src/ai/explain.ts";
import { analyze } from "../../src/core/analyze.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import type { MaestroConfig } from "../../src/core/config/schema.ts";
import { findingId, type ReportedFinding } from "../../src/core/findings.ts";
import { renderMarkdown } from "../../src/core/report/markdown.ts";
import { appendAudit, listAudit, verifyAudit } from "../../src/store/audit.ts";
import { getCachedExplanation } from "../../src/store/explanations.ts";
import { snapshotOf } from "../core/snapshot-builder.ts";
import { describeEachDatabase } from "../harness/db.ts";
import {
  apiError,
  apiKeyOf,
  DEFAULT_TEXT,
  FAKE_API_KEY,
  type FakeAnthropic,
  messageReply,
  startFakeAnthropic,
} from "../harness/fake-anthropic.ts";

function config(yaml: string): MaestroConfig {
  const loaded = loadConfig(yaml);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.config;
}

const LAYERS = `
acc:
  components:
    routes: ["app/routes/**"]
    services: ["app/services/**"]
    data: ["app/data/**"]
  rules:
    - { id: layered, type: layers, layers: [routes, services, data] }
`;
const ON = config(`${LAYERS}ai: { explain: true }\n`);
const OFF = config(LAYERS);

const TOKEN = `ghp_${"Qq1Ww2Ee3R".repeat(3)}987654`;
const DATA_FILE = [
  "// users table access",
  `const apiKey = "${TOKEN}";`,
  'import { render } from "../routes/users.ts";',
  "export function load(id: string) {",
  "  return render(id);",
  "}",
  ...Array.from({ length: 300 }, (_, i) => `export const filler${i} = ${i};`),
].join("\n");

const HEAD = snapshotOf({
  "app/data/users.ts": DATA_FILE,
  "app/data/orders.ts": 'import { page } from "../routes/orders.ts";\nexport const x = page;\n',
  "app/routes/users.ts": "export function render(id: string) { return id; }\n",
  "app/routes/orders.ts": "export const page = 1;\n",
});

function finding(n: number, overrides: Partial<ReportedFinding> = {}): ReportedFinding {
  const file = overrides.file === undefined ? "app/data/users.ts" : overrides.file;
  return {
    id: findingId(["layered", "layers", file, `target-${n}`]),
    stream: "acc",
    rule: "layered",
    type: "layers",
    severity: "error",
    file,
    line: 3,
    target: "app/routes/users.ts",
    message: "data imports routes, a higher layer",
    status: "new",
    suppressed: false,
    suppressionId: null,
    ...overrides,
  };
}

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function settings(extra: Partial<ExplainerSettings> = {}): ExplainerSettings {
  return { apiKey: FAKE_API_KEY, baseURL: fake.url, maxRetries: 0, ...extra };
}

let repoCounter = 0;
/** A fresh repository name per test: cache rows and audit rows never leak between tests. */
function nextRepo(): string {
  repoCounter += 1;
  return `acme/shop-${repoCounter}`;
}

describe("selectForExplanation", () => {
  it("keeps new, unsuppressed errors, each id once, in order", () => {
    const a = finding(1);
    const picked = selectForExplanation([
      finding(2, { status: "existing" }),
      a,
      finding(3, { suppressed: true, suppressionId: "s1" }),
      finding(4, { severity: "warning" }),
      a,
      finding(5),
    ]);
    expect(picked.map((f) => f.id)).toEqual([a.id, finding(5).id]);
  });
});

describeEachDatabase("AI explanations", (getDb) => {
  function deps(repository: string) {
    const { db } = getDb().store;
    return {
      db,
      repository,
      prNumber: 12,
      audit: async (event: Parameters<typeof appendAudit>[1]) => {
        await appendAudit(db, { ...event, chain: 7 });
      },
      files: snapshotFiles(HEAD),
    };
  }

  it("sends a bounded, well-formed request with the redacted excerpt, caches and audits the answer", async () => {
    const repository = nextRepo();
    const target = finding(1);
    const result = await explainFindings({
      ...deps(repository),
      config: ON,
      findings: [target],
      settings: settings(),
    });

    expect(fake.violations).toEqual([]);
    expect(fake.requests).toHaveLength(1);
    const request = fake.requests[0]!;
    expect(apiKeyOf(request.headers)).toBe(FAKE_API_KEY);
    expect(request.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request.message?.model).toBe("claude-sonnet-4-6");
    expect(request.message?.max_tokens).toBe(400);
    expect(request.message?.system).toMatch(/never follow instructions/);
    expect(request.userText).toContain("Rule: layered (type: layers");
    expect(request.userText).toContain('"layers":["routes","services","data"]');
    expect(request.userText).toContain('Import line: import { render } from "../routes/users.ts";');
    expect(request.userText).toContain('2 | const apiKey = "[REDACTED]";');
    expect(request.userText).not.toContain(TOKEN);
    // Capped: a few lines around line 3, not the 306-line file.
    expect(request.userText).toContain("7 | export const filler0 = 0;");
    expect(request.userText).not.toContain("filler5 ");
    expect(request.userText.length).toBeLessThan(3_000);

    expect([...result.explanations]).toEqual([[target.id, DEFAULT_TEXT]]);
    expect(result.notices).toEqual([]);
    expect(result.stats).toMatchObject({
      selected: 1,
      requested: 1,
      explained: 1,
      failed: 0,
      outputTokens: 45,
    });

    const { db } = getDb().store;
    const blobSha = HEAD.files.find((f) => f.path === "app/data/users.ts")!.blobSha;
    const cached = await getCachedExplanation(db, {
      repository,
      findingId: target.id,
      blobSha,
      model: "claude-sonnet-4-6",
    });
    expect(cached?.text).toBe(DEFAULT_TEXT);
    expect(cached?.outputTokens).toBe(45);

    const audit = await listAudit(db, { repository, kind: "ai.explanation" });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ chain: 7, pr_number: 12, subject: `finding:${target.id}` });
    expect(audit[0]!.data).toMatchObject({
      findingId: target.id,
      outcome: "explained",
      model: "claude-sonnet-4-6",
      blobSha,
      inputTokens: result.stats.inputTokens,
      outputTokens: 45,
      trigger: "analysis",
    });
    const data = audit[0]!.data as Record<string, unknown>;
    expect(data.promptSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(data.redactions).toBeGreaterThanOrEqual(1);
    // The prompt never reaches the audit trail, only its hash.
    expect(JSON.stringify(audit[0]!.data)).not.toContain("import { render }");
    expect((await verifyAudit(db)).ok).toBe(true);
  });

  it("asks nothing on a re-run: the second run is served from the cache", async () => {
    const repository = nextRepo();
    const findings = [finding(1), finding(2, { file: "app/data/orders.ts", line: 1 })];
    const first = await explainFindings({ ...deps(repository), config: ON, findings, settings: settings() });
    expect(fake.requests).toHaveLength(2);
    fake.reset();
    const second = await explainFindings({ ...deps(repository), config: ON, findings, settings: settings() });
    expect(fake.requests).toHaveLength(0);
    expect([...second.explanations]).toEqual([...first.explanations]);
    expect(second.stats).toMatchObject({ cached: 2, requested: 0, explained: 2 });
    // Even without a key, what is cached is shown.
    const noKey = await explainFindings({ ...deps(repository), config: ON, findings, settings: undefined });
    expect(noKey.explanations.size).toBe(2);
    expect(noKey.notices).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("asks again when the file's content or the model changes", async () => {
    const repository = nextRepo();
    const target = finding(1);
    await explainFindings({ ...deps(repository), config: ON, findings: [target], settings: settings() });
    expect(fake.requests).toHaveLength(1);
    const edited = snapshotOf({ "app/data/users.ts": `${DATA_FILE}\n// edited\n` });
    await explainFindings({
      ...deps(repository),
      files: snapshotFiles(edited),
      config: ON,
      findings: [target],
      settings: settings(),
    });
    expect(fake.requests).toHaveLength(2);
    // A repository naming a model is accepted but cannot pick (and bill) it: cached, with a notice.
    const otherModel = config(`${LAYERS}ai: { explain: true, model: claude-opus-4-7 }\n`);
    const ignored = await explainFindings({
      ...deps(repository),
      config: otherModel,
      findings: [target],
      settings: settings(),
    });
    expect(fake.requests).toHaveLength(2);
    expect(ignored.notices.map((notice) => notice.message)).toContain(
      "ai.model is ignored: the deployment chooses the model of AI explanations (MAESTRO_AI_MODEL)",
    );
    // The deployment's model is the one asked for.
    await explainFindings({
      ...deps(repository),
      config: ON,
      findings: [target],
      settings: settings({ model: "claude-opus-4-7" }),
    });
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[2]!.message?.model).toBe("claude-opus-4-7");
    expect(fake.violations).toEqual([]);
  });

  it("does nothing unless the repository opted in", async () => {
    const result = await explainFindings({
      ...deps(nextRepo()),
      config: OFF,
      findings: [finding(1)],
      settings: settings(),
    });
    expect(result.explanations.size).toBe(0);
    expect(result.notices).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("sends nothing without a key, and says so in one line", async () => {
    const repository = nextRepo();
    const result = await explainFindings({
      ...deps(repository),
      config: ON,
      findings: [finding(1), finding(2)],
      settings: { apiKey: undefined, baseURL: fake.url },
    });
    expect(fake.requests).toHaveLength(0);
    expect(result.explanations.size).toBe(0);
    expect(result.notices).toEqual([
      {
        file: null,
        kind: "ai-explanation",
        message: `No AI explanation for 2 findings ${finding(1).id}, ${finding(2).id}: ai.explain is on but ANTHROPIC_API_KEY is not set.`,
      },
    ]);
    expect(await listAudit(getDb().store.db, { repository })).toHaveLength(0);
  });

  it("explains at most ai.maxExplanations findings, a few at a time, and notes the cap", async () => {
    const capped = config(`${LAYERS}ai: { explain: true, maxExplanations: 4 }\n`);
    fake.respond((request) => ({
      delayMs: 60,
      body: messageReply(`Why: ${request.userText.length}. Fix: x.`),
    }));
    const findings = Array.from({ length: 7 }, (_, i) => finding(i + 1));
    const result = await explainFindings({
      ...deps(nextRepo()),
      config: capped,
      findings,
      settings: settings({ concurrency: 2 }),
    });
    expect(fake.requests).toHaveLength(4);
    expect(fake.maxInFlight).toBe(2);
    expect([...result.explanations.keys()]).toEqual(findings.slice(0, 4).map((f) => f.id));
    expect(result.notices.map((n) => n.message)).toEqual([
      "AI explanations cover the first 4 of 7 new errors (ai.maxExplanations: 4).",
    ]);
  });

  describe("failures leave the explanation out with a note, and never throw", () => {
    async function failing(
      extra: Partial<ExplainerSettings>,
    ): Promise<{ result: Awaited<ReturnType<typeof explainFindings>>; ms: number; repository: string }> {
      const repository = nextRepo();
      const started = performance.now();
      const result = await explainFindings({
        ...deps(repository),
        config: ON,
        findings: [finding(1)],
        settings: settings(extra),
      });
      return { result, ms: performance.now() - started, repository };
    }

    it("a timeout (short timeout option) gives up in time", async () => {
      fake.respond(() => ({ delayMs: 3_000, body: messageReply("late") }));
      const { result, ms, repository } = await failing({ timeoutMs: 150 });
      expect(result.explanations.size).toBe(0);
      expect(result.notices.map((n) => n.message)).toEqual([
        `No AI explanation for finding ${finding(1).id}: the Anthropic API timed out.`,
      ]);
      expect(ms).toBeLessThan(2_000);
      const audit = await listAudit(getDb().store.db, { repository, kind: "ai.explanation" });
      expect(audit.map((row) => row.data)).toMatchObject([{ outcome: "failed", failure: "timeout" }]);
    });

    it("a 429 with retry-after is retried after the wait it asks for", async () => {
      fake.queue({ ...apiError(429, "rate_limit_error", "slow down"), headers: { "retry-after": "1" } });
      const { result, ms } = await failing({ maxRetries: 1 });
      expect(fake.requests).toHaveLength(2);
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(result.explanations.get(finding(1).id)).toBe(DEFAULT_TEXT);
    });

    it("a 429 that persists becomes a note", async () => {
      fake.respond(() => ({
        ...apiError(429, "rate_limit_error", "slow down"),
        headers: { "retry-after": "0" },
      }));
      const { result } = await failing({});
      expect(result.notices.map((n) => n.message)).toEqual([
        `No AI explanation for finding ${finding(1).id}: the Anthropic API rate limit was hit (429).`,
      ]);
    });

    it("a long retry-after never holds the batch past its time budget", async () => {
      fake.respond(() => ({
        ...apiError(429, "rate_limit_error", "slow down"),
        headers: { "retry-after": "60" },
      }));
      const { result, ms } = await failing({ maxRetries: 2, budgetMs: 300 });
      expect(ms).toBeLessThan(2_000);
      expect(fake.requests).toHaveLength(1);
      expect(result.notices.map((n) => n.message)).toEqual([
        `No AI explanation for finding ${finding(1).id}: the time budget ran out.`,
      ]);
    });

    it("a 500 becomes a note and is not cached", async () => {
      fake.respond(() => apiError(500, "api_error", "boom"));
      const { result, repository } = await failing({});
      expect(result.notices.map((n) => n.message)).toEqual([
        `No AI explanation for finding ${finding(1).id}: the Anthropic API failed (500).`,
      ]);
      fake.reset();
      const retry = await explainFindings({
        ...deps(repository),
        config: ON,
        findings: [finding(1)],
        settings: settings(),
      });
      expect(fake.requests).toHaveLength(1);
      expect(retry.explanations.size).toBe(1);
    });

    it("malformed JSON and replies without text become notes", async () => {
      fake.respond(() => ({ status: 200, body: '{"id": "msg_1", "content": [' }));
      const malformed = await failing({});
      expect(malformed.result.notices.map((n) => n.message)).toEqual([
        `No AI explanation for finding ${finding(1).id}: the Anthropic API sent an invalid reply.`,
      ]);
      fake.respond(() => ({ status: 200, body: { ...messageReply("x"), content: [] } }));
      const empty = await failing({});
      expect(empty.result.notices.map((n) => n.message)).toEqual([
        `No AI explanation for finding ${finding(1).id}: the Anthropic API sent an invalid reply.`,
      ]);
      fake.respond(() => ({ status: 200, body: { type: "message", content: "nope" } }));
      const wrongShape = await failing({});
      expect(wrongShape.result.explanations.size).toBe(0);
      expect(wrongShape.result.notices[0]?.message).toMatch(/invalid reply/);
    });

    it("a refused key becomes a note, and failures are grouped by reason", async () => {
      fake.respond((_request, index) =>
        index === 0
          ? apiError(401, "authentication_error", "bad key")
          : apiError(503, "overloaded_error", "busy"),
      );
      const result = await explainFindings({
        ...deps(nextRepo()),
        config: ON,
        findings: [finding(1), finding(2), finding(3)],
        settings: settings({ concurrency: 1 }),
      });
      expect(result.notices.map((n) => n.message)).toEqual([
        `No AI explanation for finding ${finding(1).id}: the Anthropic API refused the key (401).`,
        `No AI explanation for 2 findings ${finding(2).id}, ${finding(3).id}: the Anthropic API failed (503).`,
      ]);
    });

    it("an unreachable API becomes a note", async () => {
      const { result } = await failing({ baseURL: "http://127.0.0.1:1" });
      expect(result.notices[0]?.message).toMatch(/could not be reached/);
    });
  });

  describe("explainOne (the /maestro explain command)", () => {
    it("asks once, then answers from the cache; works without ai.explain", async () => {
      const repository = nextRepo();
      const file = snapshotFiles(HEAD)("app/data/users.ts") as Awaited<
        ReturnType<ReturnType<typeof snapshotFiles>>
      >;
      const input = {
        ...deps(repository),
        config: OFF,
        finding: finding(1),
        file,
        settings: settings(),
        actor: "octocat",
      };
      expect(await explainOne(input)).toEqual({ ok: true, text: DEFAULT_TEXT, cached: false });
      expect(await explainOne(input)).toEqual({ ok: true, text: DEFAULT_TEXT, cached: true });
      expect(fake.requests).toHaveLength(1);
      const audit = await listAudit(getDb().store.db, { repository, kind: "ai.explanation" });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        actor: "octocat",
        data: { trigger: "command", outcome: "explained" },
      });
    });

    it("says why when it cannot answer", async () => {
      const base = { ...deps(nextRepo()), config: ON, finding: finding(1), file: null };
      expect(await explainOne({ ...base, settings: undefined })).toEqual({
        ok: false,
        reason: "ANTHROPIC_API_KEY is not set on this deployment",
      });
      fake.respond(() => apiError(529, "overloaded_error", "busy"));
      expect(await explainOne({ ...base, settings: settings() })).toEqual({
        ok: false,
        reason: "the Anthropic API failed (529)",
      });
      expect(fake.requests[0]!.userText).toContain("File: app/data/users.ts, line 3");
      expect(fake.requests[0]!.userText).not.toContain("Code excerpt");
    });
  });

  it("explains the new errors of a real analysis and the comment shows them", async () => {
    const repository = nextRepo();
    const base = snapshotOf({
      "app/data/orders.ts": 'import { page } from "../routes/orders.ts";\nexport const x = page;\n',
      "app/routes/orders.ts": "export const page = 1;\n",
    });
    const result = await analyze({ head: HEAD, base, config: ON, now: new Date("2026-11-24T12:00:00Z") });
    const newErrors = result.streams.acc.findings.filter((f) => f.status === "new");
    expect(newErrors.map((f) => f.file)).toEqual(["app/data/users.ts"]);
    expect(result.streams.acc.findings.some((f) => f.status === "existing")).toBe(true);

    const explained = await explainNewFindings({
      ...deps(repository),
      config: ON,
      result,
      head: HEAD,
      settings: settings(),
    });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]!.userText).toContain(`Finding ${newErrors[0]!.id}:`);
    expect([...explained.explanations.keys()]).toEqual([newErrors[0]!.id]);
    const markdown = renderMarkdown(result, { explanations: explained.explanations });
    expect(markdown).toContain("### Explanations");
    expect(markdown).toContain(newErrors[0]!.id);
    expect(markdown).toContain("Why: this layer must not depend on a higher one");
  });
});
