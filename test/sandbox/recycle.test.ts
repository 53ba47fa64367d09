/**
 * The analysis sandbox's bounds on its long-lived children (src/sandbox/pool.ts), with real
 * child processes: a child is replaced by a fresh one after `jobsPerProcess` analyses, or when
 * it goes idle holding more than `idleResidentMb`; idle children beyond one end after `idleMs`;
 * results stay the same throughout.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { ExtractResult } from "../../src/core/acc/model.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import { AnalysisSandbox, type SandboxCache } from "../../src/sandbox/pool.ts";
import { snapshotOf } from "../core/snapshot-builder.ts";

const CONFIG = `
acc:
  components:
    ui: ["src/ui/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, data] }
`;

function input(tag: number) {
  const loaded = loadConfig(CONFIG, ".github/maestro-hive.yml");
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const head = snapshotOf({
    "src/ui/page.ts": `import { row } from "../data/repo.ts";\nexport const page = row + ${tag};\n`,
    "src/data/repo.ts": 'import { page } from "../ui/page.ts";\nexport const row = 1;\nvoid page;\n',
  });
  return { head, config: loaded.config, now: new Date("2026-12-01T00:00:00Z") };
}

function emptyCache(): SandboxCache {
  const entries = new Map<string, ExtractResult>();
  return { entries, set: (key, value) => entries.set(key, value) };
}

let sandbox: AnalysisSandbox | undefined;
afterEach(() => sandbox?.stop());

describe("analysis sandbox: recycling children", () => {
  it("replaces a child after jobsPerProcess analyses, with the same results", async () => {
    sandbox = new AnalysisSandbox({ processes: 1, jobsPerProcess: 3 });
    const pids: number[] = [];
    const findings: string[] = [];
    for (let i = 0; i < 7; i++) {
      const result = await sandbox.analyze(input(i), emptyCache());
      findings.push(result.streams.acc.findings.map((f) => f.id).join(","));
      pids.push(...sandbox.stats().alive);
    }
    // Analyses 1-3 in the first child, 4-6 in the second, 7 in the third.
    expect(new Set(pids.slice(0, 2)).size).toBe(1);
    const distinct = [...new Set(pids)];
    expect(distinct.length).toBeGreaterThanOrEqual(3);
    expect(sandbox.stats()).toMatchObject({ started: 3, recycled: 2 });
    // Every analysis found the layering violation, in whichever child ran it.
    for (const ids of findings) expect(ids).not.toBe("");
    expect(new Set(findings.map((ids) => ids.split(",").length)).size).toBe(1);
  });

  it("keeps a child below idleResidentMb warm, and replaces one above it", async () => {
    sandbox = new AnalysisSandbox({ processes: 1 });
    await sandbox.analyze(input(0), emptyCache());
    const [warm] = sandbox.stats().alive;
    await sandbox.analyze(input(1), emptyCache());
    expect(sandbox.stats().alive).toEqual([warm]);
    expect(sandbox.stats().recycled).toBe(0);
    sandbox.stop();

    // A bound below what any Node process holds: every child is replaced after its analysis.
    sandbox = new AnalysisSandbox({ processes: 1, idleResidentMb: 1 });
    await sandbox.analyze(input(0), emptyCache());
    const first = sandbox.stats();
    expect(first.recycled).toBe(1);
    await sandbox.analyze(input(1), emptyCache());
    const second = sandbox.stats();
    expect(second.recycled).toBe(2);
    expect(second.started).toBe(3); // two used and recycled, one warming for the next analysis
    expect(second.alive).toHaveLength(1);
    expect(first.alive).not.toContain(second.alive[0]);
  });

  it("ends idle children beyond one after idleMs, keeping one warm", async () => {
    sandbox = new AnalysisSandbox({ processes: 2, idleMs: 300 });
    await Promise.all([sandbox.analyze(input(0), emptyCache()), sandbox.analyze(input(1), emptyCache())]);
    const both = sandbox.stats().alive;
    expect(both).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const left = sandbox.stats().alive;
    expect(left).toHaveLength(1);
    expect(both).toContain(left[0]);
    // The warm one still analyses, without a new start.
    await sandbox.analyze(input(2), emptyCache());
    expect(sandbox.stats()).toMatchObject({ started: 2, alive: left });
  });
});
