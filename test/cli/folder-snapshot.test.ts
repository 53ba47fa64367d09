import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderSnapshot } from "../../src/cli/folder-snapshot.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { gitBlobSha } from "../../src/core/snapshot.ts";
import { writeFiles } from "./worktree.ts";

const FILES = {
  ".gitignore": "dist/\n*.log\n!keep.log\n/generated.ts\n",
  ".github/maestro-hive.yml": `acc:
  components:
    ui: ["src/ui/**"]
    data: ["src/data/**"]
  rules:
    - { id: data-not-up, type: must-not-call, from: data, to: [ui] }
`,
  "src/ui/page.ts": 'import { row } from "../data/row.ts";\nexport const page = row;\n',
  "src/data/row.ts": 'import { page } from "../ui/page.ts";\nexport const row = 1;\nvoid page;\n',
  "src/generated.ts": "export const nested = 1;\n", // not ignored: /generated.ts is anchored at the root
  "generated.ts": "export const top = 1;\n",
  "dist/bundle.js": "export const bundle = 1;\n",
  "debug.log": "noise\n",
  "keep.log": "kept\n",
  "lib/.gitignore": "*.tmp.ts\n!important.tmp.ts\n",
  "lib/a.tmp.ts": "export const a = 1;\n",
  "lib/important.tmp.ts": "export const b = 1;\n",
  "node_modules/pkg/index.js": "module.exports = 1;\n",
  "assets/logo.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]),
};

describe("the CLI on a folder that is not a git work tree (a downloaded archive)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "maestro-folder-"));
    writeFiles(dir, FILES);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads every file .gitignore files (root and nested) do not exclude, as git would", () => {
    const seen: string[] = [];
    const snapshot = folderSnapshot(dir, (file) => {
      seen.push(file.path);
    });
    const paths = snapshot.files.map((file) => file.path);
    expect(seen.sort()).toEqual(paths);
    expect(paths).toEqual([
      ".github/maestro-hive.yml",
      ".gitignore",
      "keep.log",
      "lib/.gitignore",
      "lib/important.tmp.ts",
      "src/data/row.ts",
      "src/generated.ts",
      "src/ui/page.ts",
    ]);
    expect(snapshot.skipped).toEqual([{ path: "assets/logo.png", reason: "binary" }]);
    const page = snapshot.files.find((file) => file.path === "src/ui/page.ts")!;
    expect(page.blobSha).toBe(gitBlobSha(new TextEncoder().encode(FILES["src/ui/page.ts"])));
  });

  it("agrees with git's own view of the same tree", () => {
    const copy = mkdtempSync(join(tmpdir(), "maestro-folder-git-"));
    try {
      writeFiles(copy, FILES);
      spawnSync("git", ["init", "-q"], { cwd: copy });
      const listed = spawnSync("git", ["ls-files", "--others", "--exclude-standard", "-z"], {
        cwd: copy,
        encoding: "utf8",
      });
      const gitPaths = listed.stdout
        .split("\0")
        .filter((path) => path !== "" && !path.startsWith("node_modules/"))
        .sort();
      const snapshot = folderSnapshot(copy);
      const ours = [...snapshot.files, ...snapshot.skipped].map((file) => file.path).sort();
      expect(ours).toEqual(gitPaths);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  it("check analyses it, finds the violation, and leaves the folder untouched", async () => {
    const home = mkdtempSync(join(tmpdir(), "maestro-home-"));
    try {
      const io = memoryIo(tmpdir(), { HOME: home });
      const code = await main(["check", dir, "--format", "json"], io);
      const report = JSON.parse(io.stdout.join(""));
      expect(report.acc.violations.map((v: { rule: string }) => v.rule)).toEqual(["data-not-up"]);
      expect(code).toBe(1);
      expect(folderSnapshot(dir).files.map((file) => file.path)).not.toContain(
        expect.stringContaining("extract-v1"),
      );
      const graph = memoryIo(tmpdir(), { HOME: home });
      expect(await main(["graph", dir], graph)).toBe(0);
      const files = JSON.parse(graph.stdout.join("")).files.map((file: { path: string }) => file.path);
      expect(files).not.toContain("dist/bundle.js");
      expect(files).toContain("src/ui/page.ts");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
