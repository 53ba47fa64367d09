/**
 * `check --format html`: one self-contained page that works offline — the verdict and the
 * counts per stream, the findings, the component graph as inline SVG (laid out here, in
 * rows by dependency depth, violating edges red), and the suppressions with their expiry.
 * No script, no external style, font or image; a Content-Security-Policy forbids loading
 * anything. Every piece of user-controlled text goes through `escapeHtml`.
 */
import type { AnalysisResult } from "../analysis-result.ts";
import type { ReportedFinding } from "../findings.ts";
import { STREAMS } from "../gate.ts";
import type { Suppression } from "../suppress/index.ts";
import { findingExtras, location, plural, STREAM_TITLES, truncateChars } from "./common.ts";
import { buildGraphView, type Collapse, type GraphView, violatingPairs } from "./graph-view.ts";

export interface HtmlOptions {
  /** The config's ACC components; without them the graph collapses to folders two levels deep. */
  readonly components?: Readonly<Record<string, readonly string[]>>;
  /** Findings listed in the table (the rest are counted); default MAX_HTML_FINDINGS. */
  readonly maxFindings?: number;
}

export const MAX_HTML_FINDINGS = 1_000;
const MAX_SUPPRESSIONS = 200;
const MAX_NOTICES = 200;
const MAX_TEXT = 2_000;
const MAX_MEMBERS = 20;

/** Text content and double-quoted attribute values: nothing in `text` can open a tag or close a quote. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const esc = (text: string, max = MAX_TEXT) => escapeHtml(truncateChars(text, max));

export function renderHtml(result: AnalysisResult, options: HtmlOptions = {}): string {
  const { gate } = result;
  const commit = result.head.commit ? ` · ${esc(result.head.commit.slice(0, 7))}` : "";
  const body = [
    `<header class="${gate.passed ? "pass" : "fail"}">`,
    `<h1><span class="badge ${gate.passed ? "ok" : "bad"}">${gate.passed ? "PASS" : "FAIL"}</span> Maestro Hive: ${esc(gate.verdict)}</h1>`,
    `<p>${esc(gate.row)}${commit}</p>`,
    ...overrideLines(result),
    "</header>",
    ...countsSection(result),
    ...findingsSection(result, options.maxFindings ?? MAX_HTML_FINDINGS),
    ...graphSection(result, options.components),
    ...suppressionsSection(result),
    ...noticesSection(result),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Maestro Hive: ${esc(gate.verdict)}</title>
<style>${STYLE}</style>
</head>
<body>
${body.join("\n")}
</body>
</html>
`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:0 auto;max-width:1160px;padding:16px 20px;color:#1f2328;background:#fff}
header{border-radius:6px;padding:8px 16px;margin-bottom:16px}
header.pass{background:#dafbe1;border:1px solid #4ac26b}header.fail{background:#ffebe9;border:1px solid #ff8182}
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f6f8fa;padding:1px 4px;border-radius:4px;overflow-wrap:anywhere}
.sev-error{color:#cf222e;font-weight:600}.sev-warning{color:#9a6700;font-weight:600}.sev-info{color:#0969da}
tr.muted td{color:#656d76}.extra{color:#656d76;font-size:12px;overflow-wrap:anywhere}
.note{color:#656d76;font-style:italic}
.badge{display:inline-block;font-size:12px;font-weight:600;line-height:18px;padding:0 8px;border-radius:9px;white-space:nowrap;vertical-align:middle}
h1 .badge{font-size:14px;line-height:24px;border-radius:12px}
.badge.ok{background:#1a7f37;color:#fff}.badge.bad{background:#cf222e;color:#fff}.badge.warn{background:#bf8700;color:#fff}.badge.off{background:#eaeef2;color:#57606a}
.graph{overflow:auto;border:1px solid #d0d7de;border-radius:6px;background:#fcfcfd}
svg text{font:12px system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
`;

function overrideLines(result: AnalysisResult): string[] {
  const { override, overrideRejected } = result.gate;
  if (override)
    return [
      `<p>Passes by override of <b>@${esc(override.actor)}</b> for <code>${esc(override.headSha.slice(0, 7))}</code>: ${esc(override.reason)}</p>`,
    ];
  if (overrideRejected) return [`<p>Override not applied: ${esc(overrideRejected)}</p>`];
  return [];
}

function countsSection(result: AnalysisResult): string[] {
  const rows = STREAMS.map((name) => {
    const s = result.streams[name];
    const status = !s.configured
      ? '<span class="badge off">not configured</span>'
      : !s.ran
        ? `<span class="badge bad">could not run</span> ${esc(s.error ?? "unknown error")}`
        : s.passed
          ? '<span class="badge ok">pass</span>'
          : '<span class="badge bad">fail</span>';
    const c = s.counts;
    const cells = (s.configured ? [c.new, c.existing, c.fixed, c.suppressed] : ["", "", "", ""]).map(
      (v) => `<td class="n">${v}</td>`,
    );
    return `<tr><th>${esc(STREAM_TITLES[name])}</th><td>${status}</td>${cells.join("")}</tr>`;
  });
  return [
    "<h2>Streams</h2>",
    "<table><thead><tr><th>Stream</th><th>Status</th><th>New</th><th>Existing</th><th>Fixed</th><th>Suppressed</th></tr></thead>",
    `<tbody>${rows.join("\n")}</tbody></table>`,
  ];
}

function findingsSection(result: AnalysisResult, max: number): string[] {
  const all = STREAMS.flatMap((name) => result.streams[name].findings);
  // Blocking first: new unsuppressed, then existing, then suppressed.
  const ordered = [...all].sort(
    (a, b) =>
      Number(a.suppressed) - Number(b.suppressed) || Number(a.status !== "new") - Number(b.status !== "new"),
  );
  const fixed = STREAMS.reduce((sum, name) => sum + result.streams[name].fixed.length, 0);
  const lines = [`<h2>Findings (${all.length})</h2>`];
  if (all.length === 0) {
    lines.push(`<p class="note">No findings.${fixed > 0 ? ` ${plural(fixed, "finding")} fixed.` : ""}</p>`);
    return lines;
  }
  lines.push(
    '<table id="findings"><thead><tr><th>Severity</th><th>Stream</th><th>Status</th><th>Rule</th><th>Location</th><th>Message</th><th>Id</th></tr></thead><tbody>',
    ...ordered.slice(0, max).map(findingRow),
    "</tbody></table>",
  );
  if (ordered.length > max)
    lines.push(`<p class="note">… and ${ordered.length - max} more findings not shown.</p>`);
  if (fixed > 0) lines.push(`<p class="note">${plural(fixed, "finding")} of the base fixed.</p>`);
  return lines;
}

function findingRow(f: ReportedFinding): string {
  const status = f.suppressed
    ? `suppressed${f.suppressionId ? ` by <code>${esc(f.suppressionId)}</code>` : ""}`
    : f.status;
  const extras = findingExtras(f, MAX_MEMBERS).map((line) => `<div class="extra">${esc(line)}</div>`);
  return [
    `<tr${f.suppressed || f.status !== "new" ? ' class="muted"' : ""}>`,
    `<td class="sev-${f.severity}">${f.severity}</td>`,
    `<td>${f.stream.toUpperCase()}</td>`,
    `<td>${status}</td>`,
    `<td><code>${esc(f.rule)}</code></td>`,
    `<td>${f.file === null ? "—" : `<code>${esc(location(f))}</code>`}</td>`,
    `<td>${esc(f.message)}${extras.join("")}</td>`,
    `<td><code>${esc(f.id)}</code></td>`,
    "</tr>",
  ].join("");
}

// ---- the component graph ----------------------------------------------------------------------

const NODE_WIDTH = 180;
const NODE_HEIGHT = 34;
/** Between two boxes of a layer. */
const NODE_GAP = 28;
/** Between two layers: room for the curves and for the turns of routed edges. */
const LAYER_GAP = 64;
const MARGIN = 24;
const MAX_LABEL = 21;
/** Routed edges (skipping a layer, or going up) run in vertical lanes beside the layers. */
const LANES = 10;
const LANE_GAP = 8;

function graphSection(
  result: AnalysisResult,
  components: Readonly<Record<string, readonly string[]>> | undefined,
): string[] {
  const lines = ["<h2>Component graph</h2>"];
  if (result.graph === null) {
    lines.push('<p class="note">No import graph: ACC is not configured or could not run.</p>');
    return lines;
  }
  const byComponents = components !== undefined && Object.keys(components).length > 0;
  const collapse: Collapse = byComponents ? { kind: "components", components } : { kind: "depth", depth: 2 };
  const view = buildGraphView(result.graph, {
    collapse,
    violating: violatingPairs(result.streams.acc.findings),
  });
  lines.push(
    `<p class="note">${byComponents ? "One box per component of the config" : "No components in the config: one box per folder two levels deep"}; an arrow points from the importer to what it imports, the number on it counts file imports; imports that break a rule are red.</p>`,
  );
  if (view.nodes.length === 0) {
    lines.push('<p class="note">The import graph is empty.</p>');
    return lines;
  }
  lines.push(`<div class="graph">${renderGraphSvg(view)}</div>`);
  for (const note of view.notes) lines.push(`<p class="note">${esc(note)}</p>`);
  return lines;
}

/**
 * Layers by dependency depth: a node that imports nothing shown is in layer 0, any other one
 * layer above the deepest node it imports (an edge closing a cycle is ignored). Importers
 * are drawn above what they import.
 */
export function layerNodes(view: GraphView): Map<string, number> {
  const imports = new Map<string, string[]>();
  for (const edge of view.edges) imports.set(edge.from, [...(imports.get(edge.from) ?? []), edge.to]);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return -1;
    visiting.add(id);
    let depth = 0;
    for (const target of imports.get(id) ?? []) depth = Math.max(depth, visit(target) + 1);
    visiting.delete(id);
    layer.set(id, depth);
    return depth;
  };
  for (const node of view.nodes) visit(node.id);
  return layer;
}

interface Box {
  readonly x: number;
  readonly y: number;
}

interface EdgePath {
  readonly d: string;
  readonly labelX: number;
  readonly labelY: number;
}

/**
 * Layers as rows, importers on top. An edge to the next layer is a curve from the bottom of
 * one box to the top of the other; an edge that skips layers runs down a lane right of the
 * drawing, one going up (closing a cycle) or within a layer up a lane on the left, so no
 * edge crosses a box.
 */
export function renderGraphSvg(view: GraphView): string {
  const layer = layerNodes(view);
  const top = Math.max(0, ...layer.values());
  const rows: string[][] = Array.from({ length: top + 1 }, () => []);
  for (const node of view.nodes) rows[top - (layer.get(node.id) ?? 0)]!.push(node.id);
  const rowOf = new Map<string, number>();
  rows.forEach((ids, row) => {
    for (const id of ids) rowOf.set(id, row);
  });
  const widest = Math.max(...rows.map((ids) => ids.length));
  const drawnWidth = widest * NODE_WIDTH + (widest - 1) * NODE_GAP;
  const span = (e: { from: string; to: string }) => rowOf.get(e.to)! - rowOf.get(e.from)!;
  const right = view.edges.filter((e) => span(e) > 1);
  const left = view.edges.filter((e) => span(e) <= 0);
  const laneRoom = (count: number) => (count === 0 ? 0 : 12 + Math.min(count, LANES) * LANE_GAP);
  const leftRoom = laneRoom(left.length);
  const width = MARGIN * 2 + leftRoom + drawnWidth + laneRoom(right.length);
  const height = MARGIN * 2 + rows.length * NODE_HEIGHT + (rows.length - 1) * LAYER_GAP;

  const position = new Map<string, Box>();
  rows.forEach((ids, row) => {
    const used = ids.length * NODE_WIDTH + (ids.length - 1) * NODE_GAP;
    const offset = MARGIN + leftRoom + (drawnWidth - used) / 2;
    ids.forEach((id, index) => {
      position.set(id, {
        x: offset + index * (NODE_WIDTH + NODE_GAP),
        y: MARGIN + row * (NODE_HEIGHT + LAYER_GAP),
      });
    });
  });
  const laneX = new Map<object, number>();
  right.forEach((e, i) => {
    laneX.set(e, MARGIN + leftRoom + drawnWidth + 12 + (i % LANES) * LANE_GAP);
  });
  left.forEach((e, i) => {
    laneX.set(e, MARGIN + leftRoom - 12 - (i % LANES) * LANE_GAP);
  });
  const turn = new Map<object, number>();
  [...right, ...left].forEach((e, i) => {
    turn.set(e, 10 + (i % 5) * 6);
  });

  const edges = [...view.edges]
    .sort((a, b) => Number(a.violating) - Number(b.violating))
    .map((edge) => {
      const from = position.get(edge.from)!;
      const to = position.get(edge.to)!;
      const lane = laneX.get(edge);
      const path = lane === undefined ? curvedEdge(from, to) : routedEdge(from, to, lane, turn.get(edge)!);
      const cls = edge.violating ? "edge bad" : "edge";
      const marker = edge.violating ? "url(#arrow-bad)" : "url(#arrow)";
      const label =
        edge.count > 1
          ? `<text x="${path.labelX.toFixed(1)}" y="${path.labelY.toFixed(1)}" text-anchor="middle" class="count">${edge.count}</text>`
          : "";
      return `<g class="${cls}"><title>${esc(edge.from)} → ${esc(edge.to)} (${plural(edge.count, "import")}${edge.violating ? ", breaks a rule" : ""})</title><path d="${path.d}" marker-end="${marker}"/>${label}</g>`;
    });

  const nodes = view.nodes.map((node) => {
    const { x, y } = position.get(node.id)!;
    return `<g class="node" data-node="${esc(node.id)}"><title>${esc(node.id)} (${plural(node.files, "file")})</title><rect x="${x}" y="${y}" width="${NODE_WIDTH}" height="${NODE_HEIGHT}" rx="6"/><text x="${x + NODE_WIDTH / 2}" y="${y + NODE_HEIGHT / 2 + 4}" text-anchor="middle">${esc(truncateChars(node.id, MAX_LABEL))} <tspan class="files">(${node.files})</tspan></text></g>`;
  });

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Component graph">`,
    "<defs>",
    '<marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#57606a"/></marker>',
    '<marker id="arrow-bad" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#cf222e"/></marker>',
    "</defs>",
    "<style>.edge path{fill:none;stroke:#8c959f;stroke-width:1.5}.edge.bad path{stroke:#cf222e;stroke-width:2.5}.edge .count{fill:#57606a;font-size:11px;paint-order:stroke;stroke:#fcfcfd;stroke-width:3px}.edge.bad .count{fill:#cf222e;font-weight:600}.node rect{fill:#ddf4ff;stroke:#0969da;stroke-width:1.2}.node text{fill:#1f2328}.node .files{fill:#656d76}</style>",
    ...edges,
    ...nodes,
    "</svg>",
  ].join("\n");
}

/** To the next layer: from the bottom of `from` to the top of `to`. */
function curvedEdge(from: Box, to: Box): EdgePath {
  const x1 = from.x + NODE_WIDTH / 2;
  const y1 = from.y + NODE_HEIGHT;
  const x2 = to.x + NODE_WIDTH / 2;
  const y2 = to.y;
  const bend = (y2 - y1) / 2;
  return {
    d: `M${x1},${y1} C${x1},${y1 + bend} ${x2},${y2 - bend} ${x2},${y2}`,
    labelX: x1 + (x2 - x1) * 0.7 + 8,
    labelY: y1 + (y2 - y1) * 0.7,
  };
}

/**
 * Through the gaps between layers and a lane beside them: out of `from` into the gap next to
 * it, along the gap to the lane, along the lane to the gap next to `to`, and into `to`. Within
 * one layer, along the gap above it. No segment crosses a box.
 */
function routedEdge(from: Box, to: Box, lane: number, turn: number): EdgePath {
  // Leave and arrive off-centre, on the lane's side, apart from the curves that use the centres.
  const shift = ((lane > from.x ? 1 : -1) * NODE_WIDTH) / 4;
  const x1 = from.x + NODE_WIDTH / 2 + shift;
  const x2 = to.x + NODE_WIDTH / 2 + shift;
  if (from.y === to.y) {
    const gap = from.y - Math.min(turn, MARGIN - 6);
    return {
      d: `M${x1},${from.y} L${x1},${gap} L${x2},${gap} L${x2},${to.y}`,
      labelX: (x1 + x2) / 2,
      labelY: gap - 3,
    };
  }
  const down = to.y > from.y;
  const y1 = down ? from.y + NODE_HEIGHT : from.y;
  const gap1 = down ? y1 + turn : y1 - turn;
  const y2 = down ? to.y : to.y + NODE_HEIGHT;
  const gap2 = down ? y2 - turn : y2 + turn;
  return {
    d: `M${x1},${y1} L${x1},${gap1} L${lane},${gap1} L${lane},${gap2} L${x2},${gap2} L${x2},${y2}`,
    labelX: lane + (lane > x1 ? 10 : -10),
    labelY: (gap1 + gap2) / 2,
  };
}

// ---- suppressions and notices ------------------------------------------------------------------

function suppressionsSection(result: AnalysisResult): string[] {
  const { considered, review, errors } = result.suppressions;
  const hid = new Map<string, number>();
  for (const name of STREAMS)
    for (const f of result.streams[name].findings)
      if (f.suppressed && f.suppressionId !== null)
        hid.set(f.suppressionId, (hid.get(f.suppressionId) ?? 0) + 1);
  const expiring = new Set(review.expiringSoon.map((s) => s.id));
  const stale = new Set(review.stale.map((s) => s.id));
  const expired = new Set(review.expired.map((s) => s.id));
  const lines = [`<h2>Suppressions (${considered.length})</h2>`];
  if (considered.length === 0 && errors.length === 0) {
    lines.push('<p class="note">No suppressions.</p>');
    return lines;
  }
  if (considered.length > 0) {
    const hiddenTotal = [...hid.values()].reduce((sum, n) => sum + n, 0);
    const summary = [
      `${plural(hid.size, "suppression")} applied, hiding ${plural(hiddenTotal, "finding")}`,
      expiring.size > 0 ? `<span class="badge warn">${expiring.size} expiring within 7 days</span>` : null,
      stale.size > 0 ? `<span class="badge off">${stale.size} stale (matched nothing)</span>` : null,
    ].filter((part) => part !== null);
    lines.push(
      `<p>${summary.join(" · ")}</p>`,
      '<table id="suppressions"><thead><tr><th></th><th>Suppression</th><th>Scope</th><th>Reason</th><th>Author</th><th>Expires</th><th>Hid</th></tr></thead><tbody>',
    );
    for (const s of considered.slice(0, MAX_SUPPRESSIONS)) {
      const flag = [
        expired.has(s.id) ? '<span class="badge bad" title="expired">expired</span>' : "",
        expiring.has(s.id) ? '<span class="badge warn" title="expires within 7 days">expiring</span>' : "",
        stale.has(s.id)
          ? '<span class="badge off" title="matched nothing in this analysis">stale</span>'
          : "",
      ]
        .filter((badge) => badge !== "")
        .join(" ");
      lines.push(
        `<tr><td>${flag}</td><td><code>${esc(s.id)}</code></td><td>${suppressionScope(s)}</td><td>${esc(s.justification)}</td><td>${s.author ? esc(s.author) : "—"}</td><td>${suppressionExpiry(s)}</td><td class="n">${hid.get(s.id) ?? 0}</td></tr>`,
      );
    }
    lines.push("</tbody></table>");
    if (considered.length > MAX_SUPPRESSIONS)
      lines.push(`<p class="note">… and ${considered.length - MAX_SUPPRESSIONS} more.</p>`);
    if (stale.size > 0)
      lines.push(
        '<p class="note">Stale: matched nothing in this analysis; remove it, or check its pattern.</p>',
      );
    if (expiring.size > 0)
      lines.push(
        '<p class="note">Expiring: expires within 7 days; renew it with a reason, or fix what it hides.</p>',
      );
  }
  if (errors.length > 0) {
    lines.push(
      "<p>Not applied:</p><ul>",
      ...errors.slice(0, MAX_SUPPRESSIONS).map((issue) => `<li>${esc(issue.message)}</li>`),
      "</ul>",
    );
  }
  return lines;
}

function suppressionScope(s: Suppression): string {
  const parts = [`${esc(s.level)} <code>${esc(s.pattern)}</code>`];
  if (s.patternType !== "glob") parts.push(`(${esc(s.patternType)})`);
  if (s.rule) parts.push(`rule <code>${esc(s.rule)}</code>`);
  if (s.threshold !== null) parts.push(`≤ ${s.threshold}`);
  parts.push(`· ${esc(s.source)}`);
  return parts.join(" ");
}

function suppressionExpiry(s: Suppression): string {
  if (s.permanent || s.expires === null) return "permanent";
  return s.expires.toISOString().slice(0, 10);
}

function noticesSection(result: AnalysisResult): string[] {
  if (result.notices.length === 0) return [];
  const items = result.notices.slice(0, MAX_NOTICES).map((n) => {
    const where = n.file ? `<code>${esc(n.line ? `${n.file}:${n.line}` : n.file)}</code>: ` : "";
    return `<li>${where}${esc(n.message)}</li>`;
  });
  if (result.notices.length > MAX_NOTICES)
    items.push(`<li>… and ${plural(result.notices.length - MAX_NOTICES, "more notice")}</li>`);
  return [`<h2>Notices (${result.notices.length})</h2>`, "<ul>", ...items, "</ul>"];
}
