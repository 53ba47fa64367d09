import { afterEach, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../scripts/extract-github-openapi.ts";
import { handlers } from "./fake-github/handlers.ts";
import { operationKeys } from "./fake-github/index.ts";
import { GitRepo } from "./git-repo.ts";

const repos: GitRepo[] = [];
function create(options?: Parameters<typeof GitRepo.create>[0]): GitRepo {
  const repo = GitRepo.create(options);
  repos.push(repo);
  return repo;
}

afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

describe("GitRepo", () => {
  it("commits changes on top of the branch tip, reproducibly", () => {
    const a = create();
    const b = create({ worktree: false });
    for (const repo of [a, b]) {
      repo.commit("one", { "x.txt": "1\n", "dir/y.txt": "2\n" });
      repo.commit("two", { "x.txt": null, "dir/z.txt": "3\n" });
    }
    expect(a.head()).toBe(b.head());
    expect(a.git("ls-tree", "-r", "--name-only", "HEAD").split("\n")).toEqual(["dir/y.txt", "dir/z.txt"]);
    expect(a.show("HEAD", "dir/z.txt").toString()).toBe("3\n");
    expect(a.git("status", "--porcelain")).toBe("");
  });

  it("writes a series of commits in one run, the same as one at a time", () => {
    const one = create({ worktree: false });
    const series = create({ worktree: false });
    one.commit("base", { "a.txt": "0\n" });
    series.commit("base", { "a.txt": "0\n" });
    const singly = [1, 2, 3].map((i) => one.commit(`c${i}`, { "a.txt": `${i}\n` }));
    const shas = series.commits([1, 2, 3].map((i) => ({ message: `c${i}`, files: { "a.txt": `${i}\n` } })));
    expect(shas).toEqual(singly);
    expect(series.head()).toBe(shas[2]);
    expect(series.git("rev-parse", `${shas[2]}^`)).toBe(shas[1]);
  });

  it("writes symlinks, submodules and binary files, and merges branches without a worktree", () => {
    const repo = create({ worktree: false });
    const base = repo.commit("init", { "a.txt": "a\n" });
    repo.branch("feature");
    repo.commit("feature", {
      link: { symlink: "a.txt" },
      "vendor/lib": { submodule: base },
      "bin.dat": Uint8Array.from([0, 1, 2, 255]),
    });
    repo.switch("main");
    repo.commit("main side", { "b.txt": "b\n" });
    const merge = repo.merge("feature");
    expect(repo.git("rev-list", "--parents", "-n", "1", merge).split(" ")).toHaveLength(3);
    const entries = repo.git("ls-tree", "-r", "HEAD").split("\n");
    expect(entries).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^120000 blob \w+\tlink$/),
        expect.stringMatching(new RegExp(`^160000 commit ${base}\\tvendor/lib$`)),
      ]),
    );
    expect([...repo.show("HEAD", "bin.dat")]).toEqual([0, 1, 2, 255]);
    expect(repo.hashObject("a\n")).toBe(repo.git("rev-parse", "HEAD:a.txt"));
  });
});

describe("fake GitHub coverage of the extracted description", () => {
  it("extracts every operation the app uses, and serves each one", () => {
    const extracted = operationKeys().sort();
    expect(extracted).toEqual(OPERATIONS.map(([method, path]) => `${method.toUpperCase()} ${path}`).sort());
    expect(Object.keys(handlers).sort()).toEqual(extracted);
  });
});
