import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cacheDirectory, openDiskCache } from "../../src/cli/disk-cache.ts";

const root = mkdtempSync(join(tmpdir(), "maestro-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RESULT = { imports: [{ specifier: "./b.ts", line: 2, kind: "import" as const }] };

describe("disk extraction cache", () => {
  it("lives in the user's cache directory, one folder per analysed directory, unless MAESTRO_CACHE_DIR says otherwise", () => {
    const home = cacheDirectory("/work/repo", { HOME: "/home/u" });
    expect(home).toMatch(/^\/home\/u\/\.cache\/maestro-hive\/repo-[0-9a-f]{12}$/);
    expect(cacheDirectory("/work/repo", { HOME: "/home/u", XDG_CACHE_HOME: "/xdg" })).toBe(
      home.replace("/home/u/.cache", "/xdg"),
    );
    // The XDG spec: a relative XDG_CACHE_HOME is invalid and ignored.
    expect(cacheDirectory("/work/repo", { HOME: "/home/u", XDG_CACHE_HOME: "rel" })).toBe(home);
    expect(cacheDirectory("/other/repo", { HOME: "/home/u" })).not.toBe(home);
    expect(cacheDirectory("/work/repo", { MAESTRO_CACHE_DIR: "/var/cache/m" })).toBe("/var/cache/m");
  });

  it("persists entries across opens, with a .gitignore that keeps it out of commits", () => {
    const dir = join(root, "a");
    const first = openDiskCache(dir);
    expect(first.get("typescript:ts-1:abc")).toBeUndefined();
    first.set("typescript:ts-1:abc", RESULT);
    first.flush();
    expect(readFileSync(join(dir, ".gitignore"), "utf8")).toContain("*");

    const second = openDiskCache(dir);
    expect(second.get("typescript:ts-1:abc")).toEqual(RESULT);
    expect(second.stats()).toMatchObject({ loaded: 1, hits: 1, misses: 0, added: 0 });
  });

  it("skipLookups: answers nothing and never reads the file, yet appends what is set", () => {
    const dir = join(root, "skip");
    const first = openDiskCache(dir);
    first.set("typescript:ts-1:old", RESULT);
    first.flush();
    const second = openDiskCache(dir);
    second.skipLookups();
    expect(second.get("typescript:ts-1:old")).toBeUndefined();
    second.set("typescript:ts-1:new", RESULT);
    second.set("typescript:ts-1:old", RESULT); // a duplicate line, harmless
    second.flush();
    const third = openDiskCache(dir);
    expect(third.get("typescript:ts-1:new")).toEqual(RESULT);
    expect(third.get("typescript:ts-1:old")).toEqual(RESULT);
    expect(third.stats()).toMatchObject({ loaded: 2, dropped: 0 });
  });

  it("keeps the entries flush is told are still in use when it compacts", () => {
    const dir = join(root, "keep");
    const first = openDiskCache(dir);
    for (let i = 0; i < 2100; i++) first.set(`typescript:ts-1:${i}`, RESULT);
    first.flush();
    const second = openDiskCache(dir);
    second.set("typescript:ts-1:fresh", RESULT); // used: 1 of 2101 entries, so the file is compacted
    second.flush(["typescript:ts-1:7"]);
    const third = openDiskCache(dir);
    expect(third.stats().loaded).toBe(2);
    expect(third.get("typescript:ts-1:7")).toEqual(RESULT);
  });

  it("drops corrupt or foreign lines instead of trusting them, and rewrites the file", () => {
    const dir = join(root, "b");
    const cache = openDiskCache(dir);
    cache.set("k1", RESULT);
    cache.flush();
    const file = join(dir, "extract-v1.jsonl");
    appendFileSync(file, '{"k":"k2","v":{"imports":[{"specifier":1}]}}\n{"k":"k3","v":{"impo');
    const reopened = openDiskCache(dir);
    expect(reopened.stats()).toMatchObject({ loaded: 1, dropped: 2 });
    expect(reopened.get("k2")).toBeUndefined();
    expect(reopened.get("k1")).toEqual(RESULT);
    reopened.flush();
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(1);
  });

  it("compacts away entries no longer used once the file is mostly stale", () => {
    const dir = join(root, "c");
    const cache = openDiskCache(dir);
    for (let i = 0; i < 3000; i++) cache.set(`old-${i}`, RESULT);
    cache.flush();
    const next = openDiskCache(dir);
    next.get("old-1");
    next.set("new-1", RESULT);
    next.flush();
    const keys = readFileSync(join(dir, "extract-v1.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line).k);
    expect(keys.sort()).toEqual(["new-1", "old-1"]);
  });
});
