import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  commitSnapshot,
  GitError,
  gitBlobSha,
  MAX_FILE_BYTES,
  resolveCommit,
  workingTreeSnapshot,
} from "../../src/cli/git-snapshot.ts";
import { EMPTY_STAT_TABLE, StatCache } from "../../src/cli/stat-cache.ts";
import { GitRepo } from "../harness/git-repo.ts";
import { writeFiles } from "./worktree.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe("git snapshots of a local checkout", () => {
  const repo = GitRepo.create();
  const big = "x".repeat(MAX_FILE_BYTES + 1);
  const base = repo.commit("base", {
    "src/a.ts": "export const a = 1;\n",
    "src/ü nicode name.ts": "export const u = 1;\n",
    "img/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 1, 2]),
    "data/big.txt": big,
    "assets/model.bin": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n",
    "link.ts": { symlink: "src/a.ts" },
  });
  // A gitlink entry: what a submodule is in a tree.
  const withSubmodule = repo.commit("submodule", { "vendor/sub": { submodule: base } });
  writeFiles(repo.dir, {
    "src/a.ts": "export const a = 2;\n",
    "src/new-untracked.ts": "export const n = 1;\n",
    "ignored.log": "x",
    ".gitignore": "*.log\n",
  });
  afterAll(() => repo.cleanup());

  it("computes git's blob SHA", () => {
    const content = new TextEncoder().encode("export const a = 1;\n");
    expect(gitBlobSha(content)).toBe(repo.hashObject(content));
  });

  it("reads a commit through cat-file, with git's SHAs, skipping what cannot be analysed", async () => {
    const snapshot = await commitSnapshot(repo.dir, base);
    expect(snapshot.commit).toBe(base);
    expect(snapshot.files.map((f) => f.path)).toEqual(["src/a.ts", "src/ü nicode name.ts"]);
    for (const file of snapshot.files) expect(file.blobSha).toBe(repo.hashObject(file.content));
    expect(text(snapshot.files[0]!.content)).toBe("export const a = 1;\n");
    expect(snapshot.skipped).toEqual([
      { path: "assets/model.bin", reason: "lfs-pointer" },
      { path: "data/big.txt", reason: "too-large" },
      { path: "img/logo.png", reason: "binary" },
      { path: "link.ts", reason: "symlink" },
    ]);
    const sub = await commitSnapshot(repo.dir, withSubmodule);
    expect(sub.skipped).toContainEqual({ path: "vendor/sub", reason: "submodule" });
  });

  it("reads the working tree: modified and untracked files, not ignored ones", async () => {
    const seen: string[] = [];
    let listed: readonly string[] = [];
    const snapshot = await workingTreeSnapshot(repo.dir, undefined, undefined, {
      onFile: (file) => {
        seen.push(file.path);
        // Took the bytes of src/a.ts (as the extraction pool does): the snapshot reads it again.
        return file.path === "src/a.ts";
      },
      onListed: (paths) => {
        listed = paths;
      },
      readFirst: (path) => path.endsWith(".ts"),
    });
    expect(snapshot.commit).toBeNull();
    // Each file is handed on as it is read (extraction starts then), skipped ones not at all;
    // the readFirst ones before the others, while the snapshot keeps path order.
    expect(seen.at(-1)).toBe(".gitignore");
    expect(seen.sort()).toEqual(snapshot.files.map((f) => f.path));
    // The listing is announced before any read: every path, files and skipped entries alike.
    for (const path of [...snapshot.files, ...snapshot.skipped].map((entry) => entry.path))
      expect(listed).toContain(path);
    expect(snapshot.files.map((f) => f.path)).toEqual([
      ".gitignore",
      "src/a.ts",
      "src/new-untracked.ts",
      "src/ü nicode name.ts",
    ]);
    const a = snapshot.files.find((f) => f.path === "src/a.ts")!;
    expect(text(a.content)).toBe("export const a = 2;\n");
    expect(a.blobSha).toBe(repo.hashObject(a.content));
    expect(snapshot.skipped.map((s) => `${s.path}:${s.reason}`)).toEqual([
      "assets/model.bin:lfs-pointer",
      "data/big.txt:too-large",
      "img/logo.png:binary",
      "link.ts:symlink",
      "vendor/sub:submodule",
    ]);
  });

  it("reuses blobs the working tree already holds, with the same result", async () => {
    const tree = await workingTreeSnapshot(repo.dir);
    const reused = await commitSnapshot(repo.dir, base, tree);
    const read = await commitSnapshot(repo.dir, base);
    expect(reused).toEqual(read);
    // The unchanged file's bytes are the working tree's own array; the changed one was read from git.
    const unchanged = reused.files.find((f) => f.path === "src/ü nicode name.ts")!;
    expect(unchanged.content).toBe(tree.files.find((f) => f.path === "src/ü nicode name.ts")!.content);
    expect(text(reused.files.find((f) => f.path === "src/a.ts")!.content)).toBe("export const a = 1;\n");
  });

  it("reads a working-tree file again once its bytes moved to another thread, checked against its SHA", async () => {
    const tree = await workingTreeSnapshot(repo.dir);
    const reused = await commitSnapshot(repo.dir, base, tree);
    const file = tree.files.find((f) => f.path === "src/ü nicode name.ts")!;
    const same = reused.files.find((f) => f.path === "src/ü nicode name.ts")!;
    expect(file.rereadable).toBe(true);
    const moved = file.content;
    structuredClone(moved, { transfer: [moved.buffer as ArrayBuffer] }); // what the extraction pool does
    expect(moved.byteLength).toBe(0);
    expect(text(file.content)).toBe("export const u = 1;\n");
    expect(text(same.content)).toBe("export const u = 1;\n"); // the commit's file reads through it
    // Changed on disk since it was hashed: an error, never other contents under the old SHA.
    const current = file.content;
    structuredClone(current, { transfer: [current.buffer as ArrayBuffer] });
    writeFiles(repo.dir, { "src/ü nicode name.ts": "export const u = 2;\n" });
    try {
      expect(() => file.content).toThrow(/changed during the analysis/);
    } finally {
      writeFiles(repo.dir, { "src/ü nicode name.ts": "export const u = 1;\n" });
    }
  });

  it("lists each path once, tracked or not, whatever its name looks like (one tagged git listing)", async () => {
    const other = GitRepo.create();
    try {
      other.commit("names", { "? tracked.ts": "export const q = 1;\n", "both.ts": "export const b = 1;\n" });
      writeFiles(other.dir, { "H 100644 untracked.ts": "export const h = 1;\n" });
      // A conflicted file: the index holds stages 1 to 3 of it.
      const blob = other.hashObject("export const b = 1;\n");
      const stages = [1, 2, 3].map((stage) => `100644 ${blob} ${stage}\tboth.ts`).join("\n");
      other.git("update-index", "--force-remove", "both.ts");
      execFileSync("git", ["update-index", "--index-info"], { cwd: other.dir, input: `${stages}\n` });
      const tree = await workingTreeSnapshot(other.dir);
      expect(tree.files.map((f) => f.path)).toEqual(["? tracked.ts", "H 100644 untracked.ts", "both.ts"]);
      expect(tree.files.find((f) => f.path === "both.ts")!.blobSha).toBe(blob);
    } finally {
      other.cleanup();
    }
  });

  it("reads each kind of working-tree entry as the stat cache's path does (no lstat for regular files)", async () => {
    const other = GitRepo.create();
    try {
      other.commit("kinds", {
        "empty.ts": "",
        "limit.txt": "y".repeat(MAX_FILE_BYTES),
        "over.txt": "y".repeat(MAX_FILE_BYTES + 1),
        "fifo.ts": "export const f = 1;\n",
        "folder.ts": "export const d = 1;\n",
        "gone.ts": "export const g = 1;\n",
      });
      rmSync(join(other.dir, "fifo.ts"));
      execFileSync("mkfifo", [join(other.dir, "fifo.ts")]);
      rmSync(join(other.dir, "folder.ts"));
      mkdirSync(join(other.dir, "folder.ts"));
      rmSync(join(other.dir, "gone.ts"));
      symlinkSync("missing.ts", join(other.dir, "dangling.ts"));
      const fast = await workingTreeSnapshot(other.dir);
      const stated = await workingTreeSnapshot(other.dir, new StatCache(EMPTY_STAT_TABLE));
      const summary = (snapshot: typeof fast) => ({
        files: snapshot.files.map((f) => [f.path, f.blobSha, f.content.byteLength]),
        skipped: snapshot.skipped,
      });
      expect(summary(fast)).toEqual(summary(stated));
      expect(summary(fast)).toEqual({
        files: [
          ["empty.ts", other.hashObject(""), 0],
          ["limit.txt", other.hashObject("y".repeat(MAX_FILE_BYTES)), MAX_FILE_BYTES],
        ],
        skipped: [
          { path: "dangling.ts", reason: "symlink" },
          { path: "folder.ts", reason: "submodule" },
          { path: "over.txt", reason: "too-large" },
        ],
      });
    } finally {
      other.cleanup();
    }
  });

  it("snapshots a subdirectory with paths relative to it", async () => {
    const snapshot = await commitSnapshot(`${repo.dir}/src`, base);
    expect(snapshot.files.map((f) => f.path)).toEqual(["a.ts", "ü nicode name.ts"]);
    const tree = await workingTreeSnapshot(`${repo.dir}/src`);
    expect(tree.files.map((f) => f.path)).toEqual(["a.ts", "new-untracked.ts", "ü nicode name.ts"]);
  });

  it("resolves refs and names an unknown one", async () => {
    expect(await resolveCommit(repo.dir, "main~1")).toBe(base);
    await expect(resolveCommit(repo.dir, "no-such-branch")).rejects.toThrow(GitError);
    await expect(resolveCommit(repo.dir, "--output=x")).rejects.toThrow(/unknown revision "--output=x"/);
  });
});
