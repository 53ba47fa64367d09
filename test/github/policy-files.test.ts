/**
 * Peer configs read for adoption from GitHub (fake GitHub over HTTP, real git repository): at
 * the given commit, absent files read as null without a request GitHub would answer with 404,
 * paths outside the repository are never asked for. With the tree a snapshot listed for that
 * commit, every read answers the same with no tree request and no blob request for a file the
 * snapshot holds.
 */
import { Probot, type ProbotOctokit } from "probot";
import { afterAll, beforeAll, expect, it } from "vitest";
import { adoptPeerRules } from "../../src/core/acc/adopt/index.ts";
import { githubPolicyFiles } from "../../src/github/policy-files.ts";
import { SnapshotFetcher } from "../../src/github/snapshot.ts";
import { createTestDatabase, type TestDatabase } from "../harness/db.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { GitRepo } from "../harness/git-repo.ts";
import { FastOctokit } from "./app-harness.ts";

const CONFIG = `[importlinter]
root_package = app

[importlinter:contract:ui-no-db]
name = UI may not use the DB
type = forbidden
source_modules = app.ui
forbidden_modules = app.db
`;

let gh: FakeGitHub;
let git: GitRepo;
let base: string;
let head: string;
let octokit: ProbotOctokit;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase("pglite");
  gh = await startFakeGitHub();
  gh.addInstallation({ id: 9, account: "acme" });
  git = GitRepo.create({ worktree: false });
  base = git.commit("base", {
    ".importlinter": CONFIG,
    "presets/deep/base.json": "{}\n",
    "app/__init__.py": "",
  });
  head = git.commit("head", { ".importlinter": "[importlinter]\nroot_package = app\n" });
  gh.addRepo({ owner: "acme", name: "policy", git, installationId: 9 });
  const probot = new Probot({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    Octokit: FastOctokit,
  });
  octokit = await probot.auth(9);
});

afterAll(async () => {
  await database?.close();
  await gh?.close();
  git?.cleanup();
});

it("reads the peer config at the policy commit, and nothing that is absent or outside the repository", async () => {
  const files = githubPolicyFiles(octokit, { owner: "acme", repo: "policy" }, base);
  expect(await files.read(".importlinter")).toBe(CONFIG);
  expect(await files.read("presets/deep/base.json")).toBe("{}\n");
  expect(await files.read("setup.cfg")).toBeNull();
  expect(await files.read("presets/missing/x.json")).toBeNull();
  expect(await files.read("../etc/passwd")).toBeNull();
  const adopted = await adoptPeerRules(files);
  expect(adopted.rules.map((rule) => rule.id)).toEqual(["importlinter:ui-no-db"]);
  // The head removed the contract; reading at the base keeps it (the app passes the config's commit).
  const atHead = await adoptPeerRules(githubPolicyFiles(octokit, { owner: "acme", repo: "policy" }, head));
  expect(atHead.rules).toEqual([]);
});

it("reads the same from the tree a snapshot listed, asking GitHub only for blobs the snapshot did not keep", async () => {
  const paths = [
    ".importlinter",
    "presets/deep/base.json",
    "presets/deep",
    "presets/missing/x.json",
    "setup.cfg",
    "linked.cfg",
    "lfs.toml",
    "vendor",
    "vendor/x.json",
    "../etc/passwd",
  ];
  const commit = git.commit("more", {
    "linked.cfg": { symlink: ".importlinter" },
    "lfs.toml": "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n",
    vendor: { submodule: "0123456789abcdef0123456789abcdef01234567" },
  });
  const repo = { owner: "acme", repo: "policy" };
  const viaApi = githubPolicyFiles(octokit, repo, commit);
  const expected = [];
  for (const path of paths) expected.push(await viaApi.read(path));
  expect(expected.slice(0, 2)).toEqual(["[importlinter]\nroot_package = app\n", "{}\n"]);
  expect(expected[5]).toBe(".importlinter");

  const fetcher = new SnapshotFetcher(octokit, database.store.db, repo);
  await fetcher.fetchAll([commit], "tree");
  const listed = fetcher.listedTree(commit);
  expect(listed).toBeDefined();
  expect(fetcher.listedTree(base)).toBeUndefined();
  gh.resetRecording();
  const viaListing = githubPolicyFiles(octokit, repo, commit, listed);
  const answers = [];
  for (const path of paths) answers.push(await viaListing.read(path));
  expect(answers).toEqual(expected);
  expect(gh.requestCount("GET /repos/{owner}/{repo}/git/trees/{tree_sha}")).toBe(0);
  // The symlink and the LFS pointer are skipped by snapshots: only those two blobs are read.
  expect(gh.requestCount("GET /repos/{owner}/{repo}/git/blobs/{file_sha}")).toBe(2);
  expect(gh.unexpectedViolations()).toEqual([]);
});
