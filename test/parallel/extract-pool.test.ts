import { describe, expect, it } from "vitest";
import { DEFAULT_LANGUAGES } from "../../src/core/acc/default-languages.ts";
import { buildGraph, incrementalGraph } from "../../src/core/acc/graph.ts";
import type { ExtractionCache, ExtractResult } from "../../src/core/acc/model.ts";
import { gitBlobSha, type Snapshot, type SnapshotFile } from "../../src/core/snapshot.ts";
import { extractInParallel, streamingExtraction, threadsFromEnv } from "../../src/parallel/extract-pool.ts";
import { startExtractWorker, streamingStartsWorkers } from "../../src/parallel/extract-worker-start.ts";

const encoder = new TextEncoder();

function snapshotOf(files: Record<string, string | Uint8Array>): Snapshot {
  return {
    commit: null,
    files: Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, text]) => {
        const content = typeof text === "string" ? encoder.encode(text) : text;
        return { path, blobSha: gitBlobSha(content), content };
      }),
    skipped: [],
  };
}

/** 120 TS, 120 JS and 60 Python files importing each other, plus the awkward cases. */
function repository(): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {
    "tsconfig.json": '{ "compilerOptions": { "baseUrl": ".", "paths": { "@lib/*": ["src/lib/*"] } } }',
    "pyproject.toml": '[project]\nname = "app"\n',
    "src/broken.ts": 'import { a } from "./m1";\nexport const = ;\n',
    "src/binary.ts": new Uint8Array([105, 109, 0, 1, 2]),
    "app/latin1.py": new Uint8Array([0x69, 0x6d, 0x70, 0x6f, 0x72, 0x74, 0x20, 0xe9, 0x0a]),
    "vendor/excluded.ts": 'import "./nothing";\n',
  };
  for (let i = 0; i < 120; i++) {
    files[`src/m${i}.ts`] =
      `import { v${i + 1} } from "./m${(i + 1) % 120}";\nimport type { T } from "@lib/t${i % 7}";\n` +
      `export const v${i} = () => import("./j${i % 120}.js");\n`;
    files[`src/j${i}.js`] = `const fs = require("node:fs");\nmodule.exports = require("./m${i}");\n`;
  }
  for (let i = 0; i < 7; i++) files[`src/lib/t${i}.ts`] = `export type T = ${i};\n`;
  for (let i = 0; i < 60; i++)
    files[`app/p${i}.py`] = `from . import p${(i + 1) % 60}\nimport os\nfrom app.p${i % 5} import x\n`;
  return files;
}

function mapCache(): ExtractionCache & { entries: Map<string, ExtractResult> } {
  const entries = new Map<string, ExtractResult>();
  return { entries, get: (key) => entries.get(key), set: (key, value) => void entries.set(key, value) };
}

const options = { exclude: ["vendor"], languages: DEFAULT_LANGUAGES };

describe("extraction in worker threads", () => {
  it("fills the cache so the engine builds exactly the single-threaded graph, notices included", async () => {
    const snapshot = snapshotOf(repository());
    const cache = mapCache();
    const stats = await extractInParallel([snapshot], cache, {
      exclude: ["vendor"],
      threads: 2,
      minFiles: 1,
    });
    // 120 + 120 + 7 + 60 + broken.ts; not the binary, not the invalid UTF-8, not the excluded file.
    expect(stats).toEqual({ pending: 310, extracted: 308, threads: 2 });
    expect(cache.entries.size).toBe(308);

    const parallel = buildGraph(snapshot, { ...options, extractionCache: cache });
    const single = buildGraph(snapshot, options);
    expect(parallel.graph).toEqual(single.graph);
    expect(parallel.notices).toEqual(single.notices);
    expect(parallel.unreadable).toEqual(single.unreadable);
    expect(parallel.notices.map((notice) => `${notice.file} ${notice.kind}`).sort()).toEqual([
      "src/broken.ts parse-error",
    ]);
    // The binary and the undecodable source are unreadable files (ACC fails closed on them).
    expect(parallel.unreadable.map((file) => file.path)).toEqual(["app/latin1.py", "src/binary.ts"]);
    // Everything the workers could extract came from the cache; the engine parsed only the two rejects.
    expect(parallel.stats.cacheHits).toBe(308);
    expect(parallel.stats.extracted).toBe(0);
    expect(single.stats.internal).toBeGreaterThan(600);
  });

  it("extracts nothing that is cached already, and stays on the main thread for small jobs", async () => {
    const snapshot = snapshotOf(repository());
    const cache = mapCache();
    await extractInParallel([snapshot], cache, { threads: 2, minFiles: 1 });
    const again = await extractInParallel([snapshot, snapshot], cache, { threads: 2, minFiles: 1 });
    expect(again).toEqual({ pending: 2, extracted: 0, threads: 0 });

    const small = snapshotOf({ "a.ts": 'import "./b";\n', "b.ts": "export {};\n" });
    const smallCache = mapCache();
    expect(await extractInParallel([small], smallCache)).toEqual({ pending: 2, extracted: 0, threads: 0 });
    expect(smallCache.entries.size).toBe(0);
  });

  it("takes files one at a time as they are read, and gives the cache what a whole snapshot would", async () => {
    const snapshot = snapshotOf(repository());
    const whole = mapCache();
    await extractInParallel([snapshot], whole, { exclude: ["vendor"], threads: 2, minFiles: 1 });
    const streamed = mapCache();
    const extraction = streamingExtraction(streamed, { exclude: ["vendor"], threads: 2, minFiles: 1 });
    for (const file of snapshot.files) extraction.offer(file);
    for (const file of snapshot.files.slice(0, 50)) extraction.offer(file); // offered twice: queued once
    expect(await extraction.finish()).toEqual({ pending: 310, extracted: 308, threads: 2 });
    expect(new Map([...streamed.entries].sort())).toEqual(new Map([...whole.entries].sort()));
  });

  it("starts the workers from the listing and moves every queued rereadable file's bytes, with the same results", async () => {
    const snapshot = snapshotOf(repository());
    const copied = mapCache();
    await extractInParallel([snapshot], copied, { exclude: ["vendor"], threads: 2, minFiles: 1 });
    const moved = mapCache();
    const extraction = streamingExtraction(moved, { exclude: ["vendor"], threads: 2, minFiles: 1 });
    // Announced before any read (the listing): the workers start now.
    extraction.expect(snapshot.files.map((file) => file.path));
    const offered = new Map<string, Uint8Array>();
    for (const file of snapshot.files) {
      // Copies: the snapshot's bytes stay intact for the comparison below.
      const own = {
        path: file.path,
        blobSha: file.blobSha,
        content: new Uint8Array(file.content),
        rereadable: true as const,
      };
      offered.set(file.path, own.content);
      extraction.offer(own);
      extraction.offer(own); // offered twice: queued and moved once
    }
    expect(await extraction.finish()).toEqual({ pending: 310, extracted: 308, threads: 2 });
    // Moved, not copied: this thread's arrays of every queued source are detached, the others intact.
    const taken = [...offered].filter(([, content]) => content.byteLength === 0).map(([path]) => path);
    expect(taken).toHaveLength(310);
    expect(taken).not.toContain("tsconfig.json");
    expect(taken).not.toContain("vendor/excluded.ts");
    expect(new Map([...moved.entries].sort())).toEqual(new Map([...copied.entries].sort()));
  });

  it("reports each extracted path once, copies included, so the graph resolves while workers extract", async () => {
    const files = repository();
    files["src/copy-a.ts"] = 'import "./m1";\n';
    files["src/copy-b.ts"] = 'import "./m1";\n'; // same blob as copy-a: extracted once, both paths reported
    const snapshot = snapshotOf(files);
    const cache = mapCache();
    const extraction = streamingExtraction(cache, { exclude: ["vendor"], threads: 2, minFiles: 1 });
    for (const file of snapshot.files) extraction.offer(file);
    extraction.offer(snapshot.files[0]!); // offered twice: reported once
    const reported: string[] = [];
    const graph = incrementalGraph(snapshot, { ...options, extractionCache: cache });
    extraction.onExtracted((paths) => {
      reported.push(...paths);
      for (const path of paths.toReversed()) graph.add(path); // any order: finish merges by path
    });
    await extraction.finish();
    expect(reported.length).toBe(new Set(reported).size);
    expect(reported).toContain("src/copy-a.ts");
    expect(reported).toContain("src/copy-b.ts");
    // Every selected readable source: 310 offered minus the binary and undecodable ones, plus the copies.
    expect(reported.length).toBe(310);

    const early = graph.finish();
    const single = buildGraph(snapshot, options);
    expect(early.graph).toEqual(single.graph);
    expect(early.notices).toEqual(single.notices);
    expect(early.unreadable).toEqual(single.unreadable);
    expect(early.stats).toEqual({ ...single.stats, cacheHits: 310, extracted: 0 });
    expect([...early.memo.files.keys()]).toEqual([...single.memo.files.keys()]);
  });

  it("gives mostly Python files one worker (memory), with the same results", async () => {
    const python: Record<string, string> = { "pyproject.toml": '[project]\nname = "app"\n' };
    for (let i = 0; i < 150; i++) python[`app/p${i}.py`] = `from . import p${(i + 1) % 150}\nimport os\n`;
    for (let i = 0; i < 50; i++) python[`web/t${i}.ts`] = `import "./t${(i + 1) % 50}";\n`;
    const snapshot = snapshotOf(python);
    const cache = mapCache();
    expect(await extractInParallel([snapshot], cache, { threads: 2, minFiles: 1 })).toEqual({
      pending: 200,
      extracted: 200,
      threads: 1,
    });
    expect(buildGraph(snapshot, { ...options, extractionCache: cache }).graph).toEqual(
      buildGraph(snapshot, options).graph,
    );
  });

  it("extracts files whose bytes share one buffer (a worker frees a file's copy only when no other needs it)", async () => {
    const shared = encoder.encode('import { x } from "./x";\n');
    const own = (text: string) => encoder.encode(text);
    const files = Array.from({ length: 150 }, (_, i) => ({
      path: `src/f${String(i).padStart(3, "0")}.ts`,
      blobSha: `sha-${i}`,
      content: i % 3 === 0 ? own(`import "./own${i}";\n`) : shared,
    }));
    const cache = mapCache();
    const stats = await extractInParallel([{ commit: null, files, skipped: [] }], cache, {
      threads: 2,
      minFiles: 1,
    });
    expect(stats).toEqual({ pending: 150, extracted: 150, threads: 2 });
    for (const [i, file] of files.entries()) {
      const [key] = [...cache.entries.keys()].filter((k) => k.endsWith(`:${file.blobSha}`));
      const specifier = i % 3 === 0 ? `./own${i}` : "./x";
      expect(cache.entries.get(key!)?.imports.map((item) => item.specifier)).toEqual([specifier]);
    }
    expect(shared.byteLength).toBeGreaterThan(0); // the main thread's bytes are never touched
  });

  it("moves the bytes of files that can read them again to the worker instead of copying them", async () => {
    const sources = repository();
    const originals: Uint8Array[] = [];
    let rereads = 0;
    // Like a working-tree file (git-snapshot.ts): read again once its array is detached.
    const rereadable = (path: string, source: string | Uint8Array) => {
      const bytes = () => (typeof source === "string" ? encoder.encode(source) : source.slice());
      let content = bytes();
      originals.push(content);
      return {
        path,
        blobSha: gitBlobSha(content),
        rereadable: true as const,
        get content() {
          if (content.byteLength === 0) {
            rereads++;
            content = bytes();
          }
          return content;
        },
      };
    };
    const files: SnapshotFile[] = Object.entries(sources)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([path, source]) => rereadable(path, source));
    // One file that cannot read its bytes again, among them: copied, left intact.
    const kept = encoder.encode('import "./m1";\n');
    files.push({ path: "src/zz-kept.ts", blobSha: gitBlobSha(kept), content: kept });
    const snapshot: Snapshot = { commit: null, files, skipped: [] };
    const cache = mapCache();
    const stats = await extractInParallel([snapshot], cache, {
      exclude: ["vendor"],
      threads: 2,
      minFiles: 1,
    });
    expect(stats).toEqual({ pending: 311, extracted: 309, threads: 2 });
    // Every offered file's array went to a worker; the others (config files, the excluded one) stayed.
    const detached = originals.filter((array) => array.byteLength === 0).length;
    expect(detached).toBe(310);
    expect(kept.byteLength).toBeGreaterThan(0);
    expect(rereads).toBe(0);
    // The engine reads only what the workers did not extract, and builds the single-threaded graph.
    const parallel = buildGraph(snapshot, { ...options, extractionCache: cache });
    expect(rereads).toBe(2); // the binary and the undecodable file, rejected by the worker
    const single = buildGraph(snapshot, options);
    expect(parallel.graph).toEqual(single.graph);
    expect(parallel.unreadable).toEqual(single.unreadable);
  });

  it("makes a worker started early its first worker, the parser warmed then, with the same results", async () => {
    const snapshot = snapshotOf(repository());
    const fresh = mapCache();
    await extractInParallel([snapshot], fresh, { exclude: ["vendor"], threads: 2, minFiles: 1 });
    const started = startExtractWorker(false);
    const answered: number[] = [];
    started.on("message", (answer: { batch: number }) => answered.push(answer.batch));
    const exited = new Promise((resolve) => started.once("exit", resolve));
    const cache = mapCache();
    const extraction = streamingExtraction(cache, { exclude: ["vendor"], threads: 2, minFiles: 1, started });
    extraction.expect(snapshot.files.map((file) => file.path));
    for (const file of snapshot.files) extraction.offer(file);
    expect(await extraction.finish()).toEqual({ pending: 310, extracted: 308, threads: 2 });
    expect(answered.length).toBeGreaterThan(0); // it took batches: adopted, not replaced
    await exited; // and was ended with the others
    expect(new Map([...cache.entries].sort())).toEqual(new Map([...fresh.entries].sort()));
  });

  it("replaces a worker started early that died before it was needed (it would never answer)", async () => {
    const snapshot = snapshotOf(repository());
    const fresh = mapCache();
    await extractInParallel([snapshot], fresh, { exclude: ["vendor"], threads: 2, minFiles: 1 });
    const started = startExtractWorker(false);
    await started.terminate();
    const cache = mapCache();
    const extraction = streamingExtraction(cache, { exclude: ["vendor"], threads: 2, minFiles: 1, started });
    extraction.expect(snapshot.files.map((file) => file.path));
    for (const file of snapshot.files) extraction.offer(file);
    expect(await extraction.finish()).toEqual({ pending: 310, extracted: 308, threads: 2 });
    expect(new Map([...cache.entries].sort())).toEqual(new Map([...fresh.entries].sort()));
  });

  it("ends a worker started early when the stream needs none (too few files, or one thread)", async () => {
    for (const threads of [2, 1]) {
      const started = startExtractWorker(false);
      const exited = new Promise((resolve) => started.once("exit", resolve));
      const cache = mapCache();
      const extraction = streamingExtraction(cache, { threads, started });
      const snapshot = snapshotOf({ "src/a.ts": 'import "./b";\n', "src/b.ts": "export {};\n" });
      for (const file of snapshot.files) extraction.offer(file);
      expect(await extraction.finish()).toEqual({ pending: 2, extracted: 0, threads: 0 });
      await exited;
    }
  });

  it("reads MAESTRO_THREADS as a positive integer only", () => {
    expect(streamingStartsWorkers(1)).toBe(false);
    expect(streamingStartsWorkers(2)).toBe(true);
    expect(threadsFromEnv({ MAESTRO_THREADS: "3" })).toBe(3);
    expect(threadsFromEnv({ MAESTRO_THREADS: "0" })).toBeUndefined();
    expect(threadsFromEnv({ MAESTRO_THREADS: "two" })).toBeUndefined();
    expect(threadsFromEnv({})).toBeUndefined();
  });
});
