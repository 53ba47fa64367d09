/**
 * Issue 14, "a 475 KB .tar.gz of five 100 MB zero files": the repository tarball is inflated as
 * a stream within fixed limits. Oversized files are listed as too large without being held (and
 * then fail closed as unreadable sources); past the total or the entry count the read stops with
 * a clear error. The archives are built here with node:zlib, so nothing large is kept on disk.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { describe, expect, it } from "vitest";
import { analyze } from "../../src/core/analyze.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import { readGitHubTarball, TarLimitError } from "../../src/github/tar.ts";
import { snapshotOf } from "../core/snapshot-builder.ts";

const MB = 1024 * 1024;

function header(path: string, size: number): Buffer {
  const block = Buffer.alloc(512);
  block.write(path, 0, "utf8");
  block.write("0000644\0", 100);
  block.write("0000000\0", 108);
  block.write("0000000\0", 116);
  block.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  block.write("00000000000\0", 136);
  block.write("0", 156);
  block.write("ustar\u000000", 257);
  block.fill(" ", 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return block;
}

/** A gzipped GitHub-style tarball (top folder `o-r-sha/`) of files given by size (zeros) or text. */
async function tarball(files: Record<string, number | string>): Promise<Buffer> {
  async function* blocks() {
    const zeros = Buffer.alloc(MB);
    for (const [path, body] of Object.entries(files)) {
      const content = typeof body === "string" ? Buffer.from(body) : null;
      const size = content ? content.length : (body as number);
      yield header(`o-r-1234567/${path}`, size);
      if (content) yield content;
      else for (let left = size; left > 0; left -= MB) yield left >= MB ? zeros : zeros.subarray(0, left);
      if (size % 512 !== 0) yield Buffer.alloc(512 - (size % 512));
    }
    yield Buffer.alloc(1024);
  }
  const out: Buffer[] = [];
  await pipeline(Readable.from(blocks()), createGzip({ level: 4 }), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) out.push(chunk);
  });
  return Buffer.concat(out);
}

const SOURCES = {
  "src/ui/page.ts": "export const page = 1;\n",
  "src/data/row.ts": 'import { page } from "../ui/page";\nexport const row = page;\n',
};

describe("the repository tarball reader", () => {
  it("reads a ~500 KB archive of five 100 MB zero files without holding them: each is too large", async () => {
    const zeros: Record<string, number> = {};
    for (let i = 1; i <= 5; i++) zeros[`src/data/z${i}.ts`] = 100 * MB;
    const gzipped = await tarball({ ...SOURCES, ...zeros });
    expect(gzipped.length).toBeLessThan(600 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    const entries = await readGitHubTarball(gzipped);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(64 * MB);
    expect(entries.map((e) => [e.path, e.type, e.content.length])).toEqual([
      ...Object.entries(SOURCES).map(([path, text]) => [path, "file", Buffer.byteLength(text)]),
      ...Object.keys(zeros).map((path) => [path, "too-large", 0]),
    ]);
    // As the snapshot lists them: skipped as too large, so the sources fail closed.
    const head = {
      ...snapshotOf(SOURCES),
      skipped: Object.keys(zeros).map((path) => ({ path, reason: "too-large" as const })),
    };
    const loaded = loadConfig("acc: {}\n");
    if (!loaded.ok) throw new Error("config");
    const result = await analyze({ head, config: loaded.config, now: new Date("2026-11-24T12:00:00Z") });
    expect(result.gate.passed).toBe(false);
    expect(result.streams.acc.findings.map((f) => `${f.type} ${f.file}`)).toEqual(
      Object.keys(zeros).map((path) => `unreadable-file ${path}`),
    );
  }, 60_000);

  it("stops with a clear error past the total size, without inflating the rest", async () => {
    const gzipped = await tarball({ ...SOURCES, "a.bin": 8 * MB, "b.bin": 8 * MB });
    await expect(
      readGitHubTarball(gzipped, { maxTotalBytes: 10 * MB, maxEntries: 100, maxEntryBytes: MB }),
    ).rejects.toThrow(
      new TarLimitError(
        `the repository archive expands to more than ${10 * MB} bytes; it was not read further`,
      ),
    );
  });

  it("stops with a clear error past the entry count", async () => {
    const many: Record<string, string> = {};
    for (let i = 0; i < 50; i++) many[`f${i}.txt`] = `${i}\n`;
    const gzipped = await tarball(many);
    await expect(
      readGitHubTarball(gzipped, { maxTotalBytes: 10 * MB, maxEntries: 20, maxEntryBytes: MB }),
    ).rejects.toThrow(/holds more than 20 files/);
  });
});
