/**
 * Peer configs read for adoption from GitHub (fake GitHub over HTTP, real git repository): at
 * the given commit, absent files read as null without a request GitHub would answer with 404,
 * paths outside the repository are never asked for.
 */
import { Probot, type ProbotOctokit } from "probot";
import { afterAll, beforeAll, expect, it } from "vitest";
import { adoptPeerRules } from "../../src/core/acc/adopt/index.ts";
import { githubPolicyFiles } from "../../src/github/policy-files.ts";
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

beforeAll(async () => {
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
