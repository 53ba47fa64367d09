/**
 * `check --format html`: hostile names stay text, the page loads nothing, and the component
 * graph is laid out by dependency depth with violating edges red. The golden file is in
 * golden.test.ts; the real-browser test in html-browser.test.ts.
 */
import { describe, expect, it } from "vitest";
import { escapeHtml, layerNodes, renderHtml } from "../../../src/core/report/html.ts";
import { goldenConfig, goldenResult } from "./golden-fixture.ts";
import {
  HOSTILE_CHECK,
  HOSTILE_DOMAIN,
  HOSTILE_REASON,
  HOSTILE_UI,
  hostileConfig,
  hostileResult,
} from "./hostile-fixture.ts";

describe("renderHtml escapes everything user-controlled", async () => {
  const result = await hostileResult();
  const html = renderHtml(result, { components: hostileConfig().acc?.components });

  it("the analysis really carries the hostile values into findings, graph and suppressions", () => {
    const rules = STREAM_FINDINGS(result).map((f) => f.rule);
    expect(rules).toContain(`required-check:${HOSTILE_CHECK}`);
    expect(result.graph?.files.some((f) => f.path.includes("<script>"))).toBe(true);
    expect(result.suppressions.considered.map((s) => s.justification)).toContain(HOSTILE_REASON);
  });

  it("opens no script, closes the svg once, and never lets a quote end an attribute", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html.match(/<\/svg>/g)).toHaveLength(1);
    expect(html).not.toMatch(/"\s*onload=/i);
    // Every attribute value is free of raw quotes: a tag's attributes are name="…" pairs only.
    for (const tag of html.match(/<[a-z][^>]*>/gi) ?? [])
      expect(tag).toMatch(/^<[a-z][\w-]*(\s+[\w:-]+="[^"<>]*")*\s*\/?>$/i);
  });

  it("shows each hostile value as text: rule id, component names, paths, reason", () => {
    for (const value of [
      HOSTILE_CHECK,
      HOSTILE_UI,
      HOSTILE_DOMAIN,
      HOSTILE_REASON,
      "src/ui/<script>alert(4)",
    ])
      expect(html).toContain(escapeHtml(value));
    expect(html).toContain(`data-node="${escapeHtml(HOSTILE_DOMAIN)}"`);
  });

  it("escapeHtml turns markup and both quotes into entities", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;",
    );
  });
});

const STREAM_FINDINGS = (result: Awaited<ReturnType<typeof hostileResult>>) => [
  ...result.streams.acc.findings,
  ...result.streams.bdv.findings,
  ...result.streams.dde.findings,
];

describe("renderHtml on the golden analysis", async () => {
  const result = await goldenResult();
  const html = renderHtml(result, { components: goldenConfig().acc?.components });

  it("loads nothing: a CSP that forbids every fetch, no src or href attribute, no url()", () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/\s(src|href)=/i);
    expect(html).not.toMatch(/url\((?!#)/);
    expect(html).not.toMatch(/@import|<link/i);
  });

  it("lists every finding and counts per stream", () => {
    const findings = STREAM_FINDINGS(result);
    for (const f of findings) expect(html).toContain(`<code>${f.id}</code>`);
    expect(html).toContain(`Findings (${findings.length})`);
    expect(html).toContain(result.gate.verdict);
  });

  it("draws one box per component and the violating edges red", () => {
    const nodes = [...html.matchAll(/data-node="([^"]*)"/g)].map((m) => m[1]);
    expect(nodes.sort()).toEqual(["(other)", "data", "domain", "ui"]);
    expect(html).toContain('<g class="edge bad"><title>data → domain');
    expect(html).toContain('<g class="edge bad"><title>domain → ui');
    expect(html).toContain('<g class="edge"><title>data → ui');
  });

  it("without components, one box per folder two levels deep", () => {
    const plain = renderHtml(result);
    const nodes = [...plain.matchAll(/data-node="([^"]*)"/g)].map((m) => m[1]);
    expect(nodes.sort()).toEqual(["features/steps", "src", "src/data", "src/domain", "src/ui"]);
    expect(plain).toContain("No components in the config");
  });

  it("flags the expiring and the stale suppression", () => {
    expect(html).toMatch(/legacy-data<\/code><\/td>/);
    expect(html).toMatch(
      /<tr><td><span class="badge warn"[^>]*>expiring<\/span>[^<]*<\/td><td><code>legacy-data/,
    );
    expect(html).toMatch(/<tr><td><span class="badge off"[^>]*>stale<\/span><\/td><td><code>never-matches/);
  });
});

describe("layerNodes", () => {
  const node = (id: string) => ({ id, cluster: null, files: 1 });
  const edge = (from: string, to: string) => ({ from, to, count: 1, violating: false });

  it("puts a node one layer above the deepest node it imports", () => {
    const layers = layerNodes({
      nodes: ["app", "ui", "domain", "util"].map(node),
      edges: [edge("app", "ui"), edge("ui", "domain"), edge("app", "util"), edge("domain", "util")],
      notes: [],
    });
    expect(Object.fromEntries(layers)).toEqual({ util: 0, domain: 1, ui: 2, app: 3 });
  });

  it("terminates on a cycle", () => {
    const layers = layerNodes({
      nodes: ["a", "b"].map(node),
      edges: [edge("a", "b"), edge("b", "a")],
      notes: [],
    });
    expect(layers.size).toBe(2);
    expect(layers.get("a")).not.toBe(layers.get("b"));
  });
});
