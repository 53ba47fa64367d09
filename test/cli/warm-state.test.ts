import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cacheDirectory } from "../../src/cli/disk-cache.ts";
import { GitError, listWorkingTree, workingTreeSnapshot } from "../../src/cli/git-snapshot.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import {
  EMPTY_STAT_TABLE,
  RACY_MS,
  StatCache,
  type StatRecord,
  StatTable,
} from "../../src/cli/stat-cache.ts";
import { loadWarmState, saveWarmState, type WarmState, warmStateFile } from "../../src/cli/warm-state.ts";
import { runAcc } from "../../src/core/acc/index.ts";
import type { ExtractResult, GraphFile } from "../../src/core/acc/model.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import { gitBlobSha } from "../../src/core/snapshot.ts";
import { GitRepo } from "../harness/git-repo.ts";
import { writeFiles } from "./worktree.ts";

const CONFIG = `acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
    - { id: no-cycles, type: no-cycles }
`;

const FILES = {
  ".github/maestro-hive.yml": CONFIG,
  "tsconfig.json": JSON.stringify({ compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["src/data/*"] } } }),
  "package.json": JSON.stringify({ name: "warm", dependencies: { lodash: "4" } }),
  "src/ui/page.ts": 'import { rule } from "../domain/rule";\nexport const page = rule;\n',
  "src/domain/rule.ts":
    'import { row } from "@lib/repo";\nimport _ from "lodash";\nexport const rule = [row, _];\n',
  "src/data/repo.ts": 'import { rule } from "../domain/rule";\nexport const row = 1;\nvoid rule;\n',
  "src/data/util.ts": "export const util = 1;\n",
  "README.md": "# warm\n",
  "pkg/__init__.py": "",
  "pkg/a.py": "from . import b\nfrom .b import x, y\nimport os\n",
  "pkg/b.py": "x = 1\ny = 2\n",
};

async function check(
  dir: string,
  cache: string,
  extra: string[] = [],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = memoryIo(tmpdir(), { MAESTRO_CACHE_DIR: cache });
  const code = await main(["check", dir, "--format", "json", ...extra], io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("\n") };
}

/** The ACC result of the head as a cold engine computes it (no memo, no cache). */
async function coldAcc(dir: string) {
  const config = loadConfig(readFileSync(join(dir, ".github/maestro-hive.yml"), "utf8"));
  if (!config.ok || !config.config.acc) throw new Error("bad test config");
  return runAcc(await workingTreeSnapshot(dir), config.config.acc);
}

describe("check's warm state: a warm run reports exactly what a cold run does", () => {
  let repo: GitRepo;
  let cache: string;
  beforeAll(() => {
    repo = GitRepo.create();
    repo.commit("base", FILES);
    cache = mkdtempSync(join(tmpdir(), "maestro-warm-"));
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(cache, { recursive: true, force: true });
  });

  /** Runs check warm (the shared cache) and cold (a fresh one); both must agree, graph included. */
  async function expectWarmEqualsCold(extra: string[] = []): Promise<string> {
    const warm = await check(repo.dir, cache, extra);
    const fresh = mkdtempSync(join(tmpdir(), "maestro-cold-"));
    try {
      const cold = await check(repo.dir, fresh, extra);
      expect(warm).toEqual(cold);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
    const state = loadWarmState(warmStateFile(cache, repo.dir), repo.dir);
    expect(state.memo).not.toBeNull();
    const byPath = (a: { path: string }, b: { path: string }) => (a.path < b.path ? -1 : 1);
    const memoGraph = [...state.memo!.files.values()].map((entry) => entry.file).sort(byPath);
    const cold = await coldAcc(repo.dir);
    expect(memoGraph).toEqual(cold.graph.files);
    // The raw imports too, though kept packed until read.
    const raws = (memo: { files: ReadonlyMap<string, { extracted: { imports: unknown } }> }) =>
      [...memo.files].map(([path, entry]) => ({ path, imports: entry.extracted.imports })).sort(byPath);
    expect(raws(state.memo!)).toEqual(raws(cold.memo));
    return warm.stdout;
  }

  it("after changes, additions, deletions and tsconfig/package.json changes", async () => {
    const first = await expectWarmEqualsCold();
    expect(JSON.parse(first).acc.violations.length).toBeGreaterThan(0);
    expect(loadWarmState(warmStateFile(cache, repo.dir), repo.dir).acc?.findings.length).toBeGreaterThan(0);
    // Older than the racy window: the next runs take unchanged files from the stat records.
    await new Promise((resolve) => setTimeout(resolve, RACY_MS + 100));
    expect(await expectWarmEqualsCold()).toBe(first);
    expect(loadWarmState(warmStateFile(cache, repo.dir), repo.dir).stats.size).toBeGreaterThan(5);

    // An edit that removes the upward import data → domain (and the cycle).
    writeFiles(repo.dir, { "src/data/repo.ts": "export const row = 1;\n" });
    const edited = await expectWarmEqualsCold();
    expect(edited).not.toBe(first);

    // A new file (the set of paths changes: memoised resolutions no longer hold) imported upwards.
    writeFiles(repo.dir, {
      "src/data/new.ts": 'import { page } from "../ui/page";\nexport const n = page;\n',
      "src/data/util.ts": 'import { n } from "./new";\nexport const util = n;\n',
    });
    expect(await expectWarmEqualsCold()).toContain("src/data/new.ts");

    // A deletion: the import of ./new no longer resolves.
    writeFiles(repo.dir, { "src/data/new.ts": null });
    expect(await expectWarmEqualsCold()).not.toContain('"src/data/new.ts"');

    // The config changes (findings must follow), then the files do not (the stored result serves).
    writeFiles(repo.dir, {
      ".github/maestro-hive.yml": CONFIG.replace("layers: [ui, domain, data]", "layers: [data, domain, ui]"),
    });
    const reordered = await expectWarmEqualsCold();
    expect(await expectWarmEqualsCold()).toBe(reordered);
    // An invalid config is reported, never taken from the stored one.
    writeFiles(repo.dir, { ".github/maestro-hive.yml": `${CONFIG}  bogus: 1\n` });
    expect((await check(repo.dir, cache)).code).toBe(2);
    writeFiles(repo.dir, { ".github/maestro-hive.yml": CONFIG });
    await expectWarmEqualsCold();
    expect(loadWarmState(warmStateFile(cache, repo.dir), repo.dir).config?.key).toContain(CONFIG);

    // tsconfig paths now point elsewhere: @lib/repo no longer resolves to src/data/repo.ts.
    writeFiles(repo.dir, {
      "tsconfig.json": JSON.stringify({
        compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["src/ui/*"] } },
      }),
    });
    await expectWarmEqualsCold();
    writeFiles(repo.dir, {
      "tsconfig.json": JSON.stringify({
        compilerOptions: { baseUrl: ".", paths: { "@lib/*": ["src/data/*"] } },
      }),
      "package.json": JSON.stringify({ name: "warm", dependencies: {} }),
    });
    await expectWarmEqualsCold();
  }, 30_000);

  it("with --base: the head's stored result serves the head, and the base derives from it", async () => {
    await expectWarmEqualsCold();
    repo.commit("second", {
      "src/data/util.ts": 'import { page } from "../ui/page";\nexport const util = page;\n',
    });
    writeFiles(repo.dir, {
      "src/data/repo.ts": 'import { rule } from "../domain/rule";\nexport const row = 2;\nvoid rule;\n',
    });
    const report = JSON.parse(await expectWarmEqualsCold(["--base", "HEAD~1"]));
    expect(report.acc.violations.length + report.acc.fixed.length).toBeGreaterThan(0);
    expect(JSON.parse(await expectWarmEqualsCold(["--base", "HEAD~1"]))).toEqual(report);
  });

  it("ignores a state file from another folder, another engine or a truncated one", async () => {
    const file = warmStateFile(cache, repo.dir);
    await check(repo.dir, cache);
    const saved = readFileSync(file);
    expect(loadWarmState(file, repo.dir).memo).not.toBeNull();
    expect(loadWarmState(file, join(repo.dir, "src"))).toEqual({
      stats: EMPTY_STAT_TABLE,
      memo: null,
      acc: null,
      config: null,
    });
    writeFileSync(file, saved.subarray(0, saved.length - 9));
    expect(loadWarmState(file, repo.dir)).toEqual({
      stats: EMPTY_STAT_TABLE,
      memo: null,
      acc: null,
      config: null,
    });
    writeFileSync(file, Buffer.from("not a state file"));
    expect(loadWarmState(file, repo.dir)).toEqual({
      stats: EMPTY_STAT_TABLE,
      memo: null,
      acc: null,
      config: null,
    });
    // A run after a broken state is cold, and right.
    await expectWarmEqualsCold();
  });
});

describe("the stat cache", () => {
  let repo: GitRepo;
  beforeAll(() => {
    repo = GitRepo.create();
    repo.commit("base", { "a.ts": "export const a = 1;\n", "b.ts": 'import "./a";\n' });
  });
  afterAll(() => repo.cleanup());

  it("takes unchanged files' blob SHAs from the records and reads their contents only on use", async () => {
    const later = Date.now() + 10 * RACY_MS; // as if the files were read long after their last change
    const first = new StatCache(EMPTY_STAT_TABLE, later);
    const cold = await workingTreeSnapshot(repo.dir, first);
    expect(first.hashed).toBe(2);
    const second = new StatCache(first.records(), later);
    const warm = await workingTreeSnapshot(repo.dir, second);
    expect([second.reused, second.hashed]).toEqual([2, 0]);
    expect(warm.files.map((f) => [f.path, f.blobSha])).toEqual(cold.files.map((f) => [f.path, f.blobSha]));
    expect(warm.files.map((f) => Buffer.from(f.content).toString())).toEqual(
      cold.files.map((f) => Buffer.from(f.content).toString()),
    );
    // A changed size, mtime or inode: read and hashed again.
    writeFiles(repo.dir, { "a.ts": "export const a = 22;\n" });
    const third = new StatCache(second.records(), later);
    const changed = await workingTreeSnapshot(repo.dir, third);
    expect([third.reused, third.hashed]).toEqual([1, 1]);
    expect(changed.files[0]!.blobSha).not.toBe(cold.files[0]!.blobSha);
  });

  it("takes git's word for unchanged tracked files when the record holds their index blob, and only then", async () => {
    const other = GitRepo.create();
    try {
      other.commit("base", {
        "same.ts": "export const s = 1;\n",
        "touched.ts": "export const t = 1;\n",
        "edited.ts": "export const e = 1;\n",
        "assumed.ts": "export const u = 1;\n",
      });
      const later = Date.now() + 10 * RACY_MS;
      const warmRun = async (records: StatTable) => {
        const cache = new StatCache(records, later);
        const listing = listWorkingTree(other.dir, { modified: true });
        const snapshot = await workingTreeSnapshot(other.dir, cache, listing);
        return {
          cache,
          snapshot,
          sha: (path: string) => snapshot.files.find((f) => f.path === path)?.blobSha,
        };
      };
      const first = new StatCache(EMPTY_STAT_TABLE, later);
      await workingTreeSnapshot(other.dir, first);

      // touched.ts: new timestamps, same bytes. Its stat data no longer match the record, but git
      // (which compares contents when its own stat data disagree) holds it unchanged: no read.
      const touchedAt = new Date(Date.now() - 60_000);
      utimesSync(join(other.dir, "touched.ts"), touchedAt, touchedAt);
      // edited.ts: new bytes; assumed.ts: new bytes that git is told not to look at.
      writeFiles(other.dir, { "edited.ts": "export const e = 2;\n", "assumed.ts": "export const u = 2;\n" });
      other.git("update-index", "--assume-unchanged", "assumed.ts");
      const { cache, snapshot, sha } = await warmRun(first.records());
      expect([cache.reused, cache.hashed]).toEqual([2, 2]); // same.ts, touched.ts; edited.ts, assumed.ts
      expect(sha("edited.ts")).toBe(gitBlobSha(Buffer.from("export const e = 2;\n")));
      expect(sha("assumed.ts")).toBe(gitBlobSha(Buffer.from("export const u = 2;\n")));
      expect(Buffer.from(snapshot.files.find((f) => f.path === "touched.ts")!.content).toString()).toBe(
        "export const t = 1;\n",
      );

      // A record whose blob is not the index's (as where git converts line endings on checkout)
      // is never taken over on git's word: the file is read and hashed.
      const foreign = StatTable.fromRecords([["same.ts", [Number.NaN, 0, 0, 0, 0, "f".repeat(40)]]]);
      const converted = await warmRun(foreign);
      expect(converted.sha("same.ts")).toBe(gitBlobSha(Buffer.from("export const s = 1;\n")));
      expect(converted.cache.reused).toBe(0);
    } finally {
      other.cleanup();
    }
  });

  it("reads the bytes on disk where git converts line endings (its index blob is not theirs)", async () => {
    const other = GitRepo.create();
    try {
      other.git("config", "core.autocrlf", "true");
      // Added through git's own conversion: the index holds it with LF, the working tree with CRLF.
      writeFiles(other.dir, { "crlf.ts": "export const c = 1;\r\n" });
      other.git("add", "crlf.ts");
      const later = Date.now() + 10 * RACY_MS;
      const first = new StatCache(EMPTY_STAT_TABLE, later);
      await workingTreeSnapshot(other.dir, first);
      const cache = new StatCache(first.records(), later);
      const snapshot = await workingTreeSnapshot(
        other.dir,
        cache,
        listWorkingTree(other.dir, { modified: true }),
      );
      const file = snapshot.files.find((f) => f.path === "crlf.ts")!;
      expect(file.blobSha).toBe(gitBlobSha(Buffer.from("export const c = 1;\r\n")));
      expect(other.git("ls-files", "-s", "crlf.ts")).toContain(
        gitBlobSha(Buffer.from("export const c = 1;\n")),
      );
      expect(Buffer.from(file.content).toString()).toBe("export const c = 1;\r\n"); // no "changed during the analysis"
    } finally {
      other.cleanup();
    }
  });

  it("does not record files changed within the racy window, and rejects contents that do not match", async () => {
    const now = new StatCache(EMPTY_STAT_TABLE);
    writeFiles(repo.dir, { "a.ts": "export const a = 3;\n" });
    await workingTreeSnapshot(repo.dir, now);
    const next = new StatCache(now.records());
    await workingTreeSnapshot(repo.dir, next);
    // Both files were written moments ago: neither record is trusted, both are read again.
    expect([next.reused, next.hashed]).toEqual([0, 2]);
    // A record that matches the stat data but not the contents (as if rewritten unnoticed).
    const stats = statSync(join(repo.dir, "a.ts"));
    const forged: StatRecord = [
      stats.mtimeMs,
      stats.ctimeMs,
      stats.size,
      stats.ino,
      stats.mode,
      "0".repeat(40),
    ];
    const snapshot = await workingTreeSnapshot(
      repo.dir,
      new StatCache(StatTable.fromRecords([["a.ts", forged]])),
    );
    const file = snapshot.files.find((f) => f.path === "a.ts")!;
    expect(file.blobSha).toBe("0".repeat(40));
    expect(() => file.content).toThrow(GitError);
  });

  it("keeps a state per folder in a shared cache directory", () => {
    const shared = mkdtempSync(join(tmpdir(), "maestro-warm-shared-"));
    try {
      expect(warmStateFile(shared, "/a")).not.toBe(warmStateFile(shared, "/b"));
      saveWarmState(warmStateFile(shared, "/a"), "/a", {
        stats: EMPTY_STAT_TABLE,
        memo: null,
        acc: null,
        config: null,
      });
      expect(loadWarmState(warmStateFile(shared, "/a"), "/a")).toEqual({
        stats: EMPTY_STAT_TABLE,
        memo: null,
        acc: null,
        config: null,
      });
      expect(cacheDirectory("/a", { MAESTRO_CACHE_DIR: shared })).toBe(shared);
    } finally {
      rmSync(shared, { recursive: true, force: true });
    }
  });
});

describe("saving the warm state after a load", () => {
  const dir = mkdtempSync(join(tmpdir(), "maestro-warm-carry-"));
  const file = join(dir, "state.bin");
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  type Entry = { extracted: ExtractResult; file: GraphFile };
  const entry = (path: string, names: readonly string[]): Entry => ({
    extracted: {
      imports: [
        { specifier: "./b", line: 1, kind: "import" },
        { specifier: "m", line: 2, kind: "import", sideEffect: true },
        ...(names.length > 0 ? [{ specifier: ".x", line: 3, kind: "import" as const, names, level: 1 }] : []),
      ],
    },
    file: {
      path,
      language: "typescript",
      imports: [
        { specifier: "./b", line: 1, kind: "import", target: "b.ts", external: null },
        { specifier: "m", line: 2, kind: "import", target: null, external: "m", sideEffect: true },
      ],
    },
  });
  const state = (files: Map<string, Entry>): WarmState => ({
    stats: StatTable.fromRecords(
      [...files.keys()].map((path): [string, StatRecord] => [path, [1, 2, 3, 4, 5, `sha-${path}`]]),
    ),
    memo: {
      blobs: new Map([...files.keys()].map((path) => [path, `blob-${path}`])),
      reads: new Set(["tsconfig.json"]),
      files,
      maxBytes: 1000,
      maxNesting: null,
    },
    acc: null,
    config: null,
  });
  /** What a state decodes to, its lazily decoded raw imports read. */
  const plain = (loaded: WarmState) => ({
    ...loaded,
    memo: loaded.memo && {
      ...loaded.memo,
      files: new Map(
        [...loaded.memo.files].map(([path, e]) => [path, { imports: e.extracted.imports, file: e.file }]),
      ),
    },
  });
  const stringCount = () => {
    const bytes = readFileSync(file);
    const { strings } = JSON.parse(bytes.toString("utf8", 8, 8 + bytes.readUInt32LE(4))) as {
      strings: number | unknown[];
    };
    return typeof strings === "number" ? strings : strings.length;
  };

  it("keeps the entries it took over exactly, and rebuilds the string table once it has grown by half", () => {
    const first = new Map(["a.ts", "b.ts", "c.ts"].map((path) => [path, entry(path, [])]));
    saveWarmState(file, dir, state(first));
    expect(plain(loadWarmState(file, dir))).toEqual(plain(state(first)));
    const initial = stringCount();
    let counts: number[] = [];
    for (let round = 0; round < 8; round++) {
      const loaded = loadWarmState(file, dir);
      // Two entries taken over as decoded, one new with strings of its own.
      const names = Array.from({ length: 400 }, (_, n) => `name-${round}-${n}`);
      const next = new Map(loaded.memo!.files);
      next.set("c.ts", entry("c.ts", names));
      saveWarmState(file, dir, state(next));
      const reloaded = plain(loadWarmState(file, dir));
      expect(reloaded).toEqual(plain(state(new Map([...first, ["c.ts", entry("c.ts", names)]]))));
      counts = [...counts, stringCount()];
    }
    // Appended to while small enough (the old names stay), then written from scratch again.
    expect(counts[1]).toBeGreaterThan(counts[0]! + 300);
    const rebuilt = counts.findIndex((count, n) => n > 0 && count < counts[n - 1]!);
    expect(rebuilt).toBeGreaterThan(1);
    expect(counts[rebuilt]).toBeLessThan(initial + 450); // only the strings in use
  });

  it("keeps the ACC result, its file metrics read only on use and saved back as loaded", () => {
    const files = new Map(["a.ts", "b.ts"].map((path) => [path, entry(path, [])]));
    const metric = (path: string, ca: number) => ({
      path,
      component: path === "a.ts" ? "ui" : null,
      ca,
      ce: 1,
      total: ca + 1,
      instability: 1 / (ca + 1),
    });
    const acc = {
      configKey: "{}",
      factsKey: "facts",
      paths: ["a.ts", "b.ts"],
      findings: [],
      notices: [{ file: null, kind: "k", message: "m" }],
      metrics: {
        files: [metric("a.ts", 0), metric("b.ts", 2)],
        components: [{ name: "ui", files: 1, ca: 0, ce: 0, total: 0, instability: 0 }],
      },
      stats: { candidates: 2 },
    } as unknown as NonNullable<WarmState["acc"]>;
    saveWarmState(file, dir, { ...state(files), acc });
    const loaded = loadWarmState(file, dir);
    saveWarmState(file, dir, loaded); // metrics unread: written back as they were
    const again = loadWarmState(file, dir);
    expect(JSON.parse(JSON.stringify(again.acc))).toEqual(acc);
    expect(JSON.parse(JSON.stringify(loaded.acc))).toEqual(acc);
  });

  it("round-trips a state bigger than the writer's first buffer", () => {
    // One name holds a NUL: the string table is then stored as JSON.
    const names = Array.from({ length: 70_000 }, (_, n) => (n === 5 ? "nul\0name" : `big-${n}`));
    const big = new Map(["a.ts", "b.ts"].map((path) => [path, entry(path, names)]));
    saveWarmState(file, dir, state(big));
    const loaded = loadWarmState(file, dir);
    expect(plain(loaded)).toEqual(plain(state(big)));
    // Saved again as loaded (copied ints), then with one entry replaced.
    saveWarmState(file, dir, loaded);
    const next = new Map(loadWarmState(file, dir).memo!.files);
    next.set("b.ts", entry("b.ts", names.slice(1)));
    saveWarmState(file, dir, state(next));
    expect(plain(loadWarmState(file, dir))).toEqual(
      plain(state(new Map([...big, ["b.ts", entry("b.ts", names.slice(1))]]))),
    );
  });
});
