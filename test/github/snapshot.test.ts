/**
 * Snapshots from the GitHub API (fake GitHub over HTTP, real git repository, real database):
 * the tarball and the tree + blobs paths agree with git on every path and blob SHA, skip the
 * same entries, walk a truncated tree by subtree, and a warm fetch reads only unseen blobs.
 */
import { Probot, type ProbotOctokit } from "probot";
import { afterAll, beforeAll, expect, it } from "vitest";
import { SnapshotFetcher } from "../../src/github/snapshot.ts";
import { readTar } from "../../src/github/tar.ts";
import { loadExtractionCache, saveExtractionCache } from "../../src/store/caches.ts";
import { describeEachDatabase } from "../harness/db.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { GitRepo } from "../harness/git-repo.ts";
import { FastOctokit } from "./app-harness.ts";

const LONG_DIR = `src/${"deeply-nested-directory-name/".repeat(5)}`;
const LONG_PATH = `${LONG_DIR}module-with-a-long-name.ts`;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);

describeEachDatabase("GitHub snapshots", (getDb) => {
  let gh: FakeGitHub;
  let git: GitRepo;
  let commit: string;
  let octokit: ProbotOctokit;

  beforeAll(async () => {
    gh = await startFakeGitHub();
    gh.addInstallation({ id: 9, account: "acme" });
    git = GitRepo.create({ worktree: false });
    commit = git.commit("init", {
      "src/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
      "src/b.ts": "export const b = 1;\n",
      "src/ünïcode.ts": "export const u = 'ü';\n",
      [LONG_PATH]: "export const deep = true;\n",
      "docs/logo.png": new Uint8Array(PNG),
      "assets/big.bin": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n",
      "link.ts": { symlink: "src/a.ts" },
      vendor: { submodule: "0123456789abcdef0123456789abcdef01234567" },
    });
    gh.addRepo({ owner: "acme", name: "snap", git, installationId: 9 });
    const probot = new Probot({
      appId: gh.app.id,
      privateKey: gh.app.privateKey,
      baseUrl: gh.url,
      Octokit: FastOctokit,
    });
    octokit = await probot.auth(9);
  });
  afterAll(async () => {
    await gh?.close();
    git?.cleanup();
  });

  function gitFiles(): Map<string, string> {
    const listing = git.git("ls-tree", "-r", "-z", commit).split("\0").filter(Boolean);
    return new Map(
      listing.map((line) => {
        const [meta, path] = line.split("\t") as [string, string];
        return [path, meta.split(" ")[2]!];
      }),
    );
  }

  it("reads a tarball into exactly git's files and blob SHAs, skipping what cannot be analysed", async () => {
    const fetcher = new SnapshotFetcher(octokit, getDb().store.db, { owner: "acme", repo: "snap" });
    const snapshot = await fetcher.fetch(commit, "tarball");
    const expected = gitFiles();
    expect(snapshot.files.map((f) => f.path)).toEqual(
      ["src/a.ts", "src/b.ts", LONG_PATH, "src/ünïcode.ts"].sort(),
    );
    for (const file of snapshot.files) expect(file.blobSha).toBe(expected.get(file.path));
    expect(new TextDecoder().decode(snapshot.files.find((f) => f.path === "src/b.ts")!.content)).toBe(
      "export const b = 1;\n",
    );
    expect(snapshot.skipped).toEqual([
      { path: "assets/big.bin", reason: "lfs-pointer" },
      { path: "docs/logo.png", reason: "binary" },
      { path: "link.ts", reason: "symlink" },
    ]);
    expect(fetcher.stats[0]).toMatchObject({ mode: "tarball", requests: 1 });
    expect(gh.unexpectedViolations()).toEqual([]);
  });

  it("walks a truncated tree by subtree, and a warm fetch reads no blob twice", async () => {
    gh.treeEntryLimit = 5;
    try {
      gh.resetRecording();
      const { db } = getDb().store;
      const fetcher = new SnapshotFetcher(octokit, db, { owner: "acme", repo: "snap" });
      const snapshot = await fetcher.fetch(commit, "tree");
      const expected = gitFiles();
      expect(snapshot.files.map((f) => [f.path, f.blobSha])).toEqual(
        ["src/a.ts", "src/b.ts", LONG_PATH, "src/ünïcode.ts"].sort().map((p) => [p, expected.get(p)]),
      );
      expect(snapshot.skipped).toEqual([
        { path: "assets/big.bin", reason: "lfs-pointer" },
        { path: "docs/logo.png", reason: "binary" },
        { path: "link.ts", reason: "symlink" },
        { path: "vendor", reason: "submodule" },
      ]);
      // The tarball test filled the blob cache: the tree is listed, no blob is downloaded.
      expect(gh.requestCount("GET /repos/{owner}/{repo}/git/blobs/{file_sha}")).toBe(0);
      expect(gh.requestCount("GET /repos/{owner}/{repo}/git/trees/{tree_sha}")).toBeGreaterThan(2);

      const changed = git.commit("change", { "src/b.ts": "export const b = 2;\n" });
      gh.resetRecording();
      const next = await new SnapshotFetcher(octokit, db, { owner: "acme", repo: "snap" }).fetch(
        changed,
        "tree",
      );
      expect(gh.requestsTo("GET /repos/{owner}/{repo}/git/blobs/{file_sha}").map((r) => r.path)).toEqual([
        `/repos/acme/snap/git/blobs/${git.hashObject("export const b = 2;\n")}`,
      ]);
      expect(next.files.find((f) => f.path === "src/b.ts")?.blobSha).toBe(
        git.hashObject("export const b = 2;\n"),
      );
      expect(gh.unexpectedViolations()).toEqual([]);
    } finally {
      gh.treeEntryLimit = 100_000;
    }
  });

  it("keeps extraction results by blob SHA and hands them back", async () => {
    const { db } = getDb().store;
    const sha = git.hashObject("export const b = 1;\n");
    const cache = await loadExtractionCache(db, [sha]);
    const result = { imports: [{ specifier: "./x", line: 1, kind: "import" as const }] };
    cache.set(`typescript:v1:${sha}`, result);
    expect(await saveExtractionCache(db, cache)).toBe(1);
    const again = await loadExtractionCache(db, [sha, "f".repeat(40)]);
    expect(again.get(`typescript:v1:${sha}`)).toEqual(result);
    expect(again.get(`python:v1:${sha}`)).toBeUndefined();
    expect(again.stats()).toMatchObject({ loaded: 1, hits: 1, misses: 1 });
  });
});

it("reads pax long names and symlinks from a plain tar", () => {
  const git = GitRepo.create({ worktree: false });
  try {
    const sha = git.commit("init", { [LONG_PATH]: "x\n", "l.ts": { symlink: "target.ts" } });
    const tar = git.gitBuffer("archive", "--format=tar", "--prefix=acme-snap-abc1234/", sha);
    const entries = readTar(new Uint8Array(tar));
    expect(entries.map((e) => [e.path, e.type, e.linkName])).toEqual([
      ["acme-snap-abc1234/l.ts", "symlink", "target.ts"],
      [`acme-snap-abc1234/${LONG_PATH}`, "file", ""],
    ]);
  } finally {
    git.cleanup();
  }
});
