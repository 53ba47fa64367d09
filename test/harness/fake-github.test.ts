import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FakeGitHub, startFakeGitHub } from "./fake-github/index.ts";
import { responseProblems } from "./fake-github/openapi.ts";
import { GitRepo } from "./git-repo.ts";

const OWNER = "acme";
const REPO = "shop";
const INSTALLATION = 77;
const OTHER_INSTALLATION = 88;
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff, 0xfe, 0x00, 0x10]);

type Octokit = InstanceType<typeof ProbotOctokit>;

// Function form: Probot passes its own `throttle` options per instance, which would replace an object default
// and leave Bottleneck's "writes 1 s apart" on.
const FastOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: true, retryAfterBaseValue: 1 },
  throttle: { ...(options.throttle as object), enabled: false },
}));

let gh: FakeGitHub;
let git: GitRepo;
let probot: Probot;
let octokit: Octokit;
let baseSha: string;
let headSha: string;

function annotations(count: number, from = 0) {
  return Array.from({ length: count }, (_, i) => ({
    path: "src/a.ts",
    start_line: i + 1 + from,
    end_line: i + 1 + from,
    annotation_level: "warning" as const,
    message: `finding ${i + from}`,
  }));
}

async function status(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
    return 200;
  } catch (error) {
    return (error as { status: number }).status;
  }
}

/** An app JWT like @octokit/auth-app makes (iat 30 s back, exp 10 min), with claims overridable. */
function appJwt(claims: { exp?: number; iss?: number } = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const header = Buffer.from(JSON.stringify({ alg: "RS256", typ: "JWT" })).toString("base64url");
  const payload = Buffer.from(
    JSON.stringify({ iat: now - 30, exp: now + (claims.exp ?? 570), iss: claims.iss ?? gh.app.id }),
  ).toString("base64url");
  const signature = sign("RSA-SHA256", Buffer.from(`${header}.${payload}`), gh.app.privateKey).toString(
    "base64url",
  );
  return `${header}.${payload}.${signature}`;
}

/** The refusals recorded since the last call, as "status METHOD path", taken (the shared afterEach wants none left). */
function refusals(): string[] {
  return gh.takeViolations().map((v) => `${v.status} ${v.method} ${v.path}`);
}

function rawRequest(path: string, init: RequestInit = {}) {
  return fetch(`${gh.url}${path}`, init);
}

beforeAll(async () => {
  gh = await startFakeGitHub();
  git = GitRepo.create();
  baseSha = git.commit("init", {
    "src/a.ts": "export const a = 1;\n",
    "src/lib/b.ts": "import { a } from '../a';\nexport const b = a;\n",
    "README.md": "# shop\n",
    "assets/logo.png": PNG,
    ".github/maestro-hive.yml": "acc:\n  include: ['src/**']\n",
  });
  git.branch("feature");
  headSha = git.commit("feature work", {
    "src/a.ts": "export const a = 2;\n",
    "src/c.ts": "export const c = 3;\n",
    "README.md": null,
  });
  git.switch("main");
  gh.addInstallation({ id: INSTALLATION, account: OWNER });
  gh.addInstallation({ id: OTHER_INSTALLATION, account: "other" });
  gh.addRepo({ owner: OWNER, name: REPO, git, installationId: INSTALLATION });
  gh.addPullRequest({ owner: OWNER, repo: REPO, number: 5, head: "feature", base: "main" });
  probot = new Probot({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    Octokit: FastOctokit,
  });
  octokit = (await probot.auth(INSTALLATION)) as Octokit;
});

afterEach(() => {
  gh.clearFaults();
  gh.treeEntryLimit = 100_000;
});

afterAll(async () => {
  await gh.close();
  git.cleanup();
});

describe("strict like GitHub", () => {
  it("refuses a check-run update with 51 annotations and keeps the run unchanged", async () => {
    const { data: run } = await octokit.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: "strict-51",
      head_sha: headSha,
    });
    const update = octokit.rest.checks.update({
      owner: OWNER,
      repo: REPO,
      check_run_id: run.id,
      output: { title: "t", summary: "s", annotations: annotations(51) },
    });
    await expect(update).rejects.toMatchObject({ status: 422 });
    expect(gh.checkRuns({ name: "strict-51" })[0]?.annotations).toHaveLength(0);
    expect(gh.violations.at(-1)?.errors).toEqual([
      expect.objectContaining({ field: "/output/annotations", message: expect.stringContaining("50") }),
    ]);
    expect(refusals()).toEqual([`422 PATCH /repos/${OWNER}/${REPO}/check-runs/${run.id}`]);
  });

  it("refuses a summary longer than 65,535 characters and accepts exactly 65,535", async () => {
    const create = (summary: string) =>
      octokit.rest.checks.create({
        owner: OWNER,
        repo: REPO,
        name: "strict-len",
        head_sha: headSha,
        output: { title: "t", summary },
      });
    expect(await status(create("x".repeat(65_536)))).toBe(422);
    expect(await status(create("x".repeat(65_535)))).toBe(200);
    expect(refusals()).toEqual([`422 POST /repos/${OWNER}/${REPO}/check-runs`]);
  });

  it("answers 404 for an endpoint GitHub does not have", async () => {
    const response = octokit.request("GET /repos/{owner}/{repo}/no-such-thing", { owner: OWNER, repo: REPO });
    await expect(response).rejects.toMatchObject({ status: 404 });
    expect(refusals()).toEqual([`404 GET /repos/${OWNER}/${REPO}/no-such-thing`]);
  });

  it("refuses an invalid conclusion enum with GitHub's error shape", async () => {
    const { data: run } = await octokit.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: "strict-enum",
      head_sha: headSha,
    });
    const response = await rawRequest(`/repos/${OWNER}/${REPO}/check-runs/${run.id}`, {
      method: "PATCH",
      headers: { authorization: `token ${gh.issueInstallationToken(INSTALLATION).token}` },
      body: JSON.stringify({ conclusion: "great" }),
    });
    expect(response.status).toBe(422);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      status: "422",
      documentation_url: expect.stringContaining("docs.github.com"),
    });
    expect(body.errors).toEqual([expect.objectContaining({ field: "/conclusion" })]);
    expect(refusals()).toEqual([`422 PATCH /repos/${OWNER}/${REPO}/check-runs/${run.id}`]);
  });

  it("applies GitHub's rules the schema does not state", async () => {
    const { data: run } = await octokit.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: "strict-rules",
      head_sha: headSha,
    });
    const id = run.id;
    const patch = (body: Record<string, unknown>) =>
      status(
        octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
          owner: OWNER,
          repo: REPO,
          check_run_id: id,
          ...body,
        }),
      );
    expect(await patch({ output: { summary: "no title" } })).toBe(422);
    expect(await patch({ status: "completed" })).toBe(422);
    expect(await patch({ conclusion: "action_required" })).toBe(422);
    const multiLineWithColumns = { ...annotations(1)[0], end_line: 3, start_column: 1, end_column: 2 };
    expect(await patch({ output: { title: "t", summary: "s", annotations: [multiLineWithColumns] } })).toBe(
      422,
    );
    expect(
      await status(
        octokit.rest.checks.create({ owner: OWNER, repo: REPO, name: "x", head_sha: "0".repeat(40) }),
      ),
    ).toBe(422);
    expect(gh.checkRuns({ name: "strict-rules" })[0]).toMatchObject({ status: "queued", updates: 0 });
    expect(refusals()).toEqual([
      ...Array(4).fill(`422 PATCH /repos/${OWNER}/${REPO}/check-runs/${id}`),
      `422 POST /repos/${OWNER}/${REPO}/check-runs`,
    ]);
  });

  it("refuses annotations on line 0 or below, columns out of order, and a blank check-run name", async () => {
    const { data: run } = await octokit.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: "strict-lines",
      head_sha: headSha,
    });
    const annotate = (annotation: Record<string, unknown>) =>
      status(
        octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
          owner: OWNER,
          repo: REPO,
          check_run_id: run.id,
          output: {
            title: "t",
            summary: "s",
            annotations: [
              {
                path: "src/a.ts",
                start_line: 1,
                end_line: 1,
                annotation_level: "warning",
                message: "m",
                ...annotation,
              },
            ],
          },
        }),
      );
    expect(await annotate({ start_line: 0, end_line: 0 })).toBe(422);
    expect(await annotate({ start_line: -3, end_line: 1 })).toBe(422);
    expect(await annotate({ start_line: 4, end_line: 4, start_column: 9, end_column: 2 })).toBe(422);
    expect(await annotate({ start_line: 4, end_line: 4, start_column: 2, end_column: 2 })).toBe(200);
    const named = (name: string) =>
      status(
        octokit.request("POST /repos/{owner}/{repo}/check-runs", {
          owner: OWNER,
          repo: REPO,
          name,
          head_sha: headSha,
        }),
      );
    expect(await named("")).toBe(422);
    expect(await named("   ")).toBe(422);
    const rename = status(
      octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
        owner: OWNER,
        repo: REPO,
        check_run_id: run.id,
        name: "",
      }),
    );
    expect(await rename).toBe(422);
    expect(gh.checkRuns({ name: "strict-lines" })[0]?.annotations).toEqual([
      expect.objectContaining({ start_line: 4, start_column: 2, end_column: 2 }),
    ]);
    expect(refusals()).toEqual([
      ...Array(3).fill(`422 PATCH /repos/${OWNER}/${REPO}/check-runs/${run.id}`),
      ...Array(2).fill(`422 POST /repos/${OWNER}/${REPO}/check-runs`),
      `422 PATCH /repos/${OWNER}/${REPO}/check-runs/${run.id}`,
    ]);
  });

  it("refuses unknown and invalid query parameters", async () => {
    const typo = octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      owner: OWNER,
      repo: REPO,
      pull_number: 5,
      per_pag: 100,
    });
    await expect(typo).rejects.toMatchObject({ status: 422 });
    const badEnum = octokit.rest.checks.listForRef({
      owner: OWNER,
      repo: REPO,
      ref: headSha,
      filter: "newest" as "all",
    });
    await expect(badEnum).rejects.toMatchObject({ status: 422 });
    expect(refusals()).toEqual([
      `422 GET /repos/${OWNER}/${REPO}/pulls/5/files`,
      `422 GET /repos/${OWNER}/${REPO}/commits/${headSha}/check-runs`,
    ]);
  });

  it("refuses comment bodies over 65,536 characters and comments on unknown issues", async () => {
    expect(
      await status(
        octokit.rest.issues.createComment({
          owner: OWNER,
          repo: REPO,
          issue_number: 5,
          body: "x".repeat(65_537),
        }),
      ),
    ).toBe(422);
    expect(
      await status(
        octokit.rest.issues.createComment({ owner: OWNER, repo: REPO, issue_number: 999, body: "hi" }),
      ),
    ).toBe(404);
    expect(refusals()).toEqual([
      `422 POST /repos/${OWNER}/${REPO}/issues/5/comments`,
      `404 POST /repos/${OWNER}/${REPO}/issues/999/comments`,
    ]);
  });
});

describe("check runs", () => {
  it("appends annotations across updates and reports them like GitHub", async () => {
    const { data: created } = await octokit.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: "Maestro ACC",
      head_sha: headSha,
      status: "in_progress",
      output: { title: "Running", summary: "batch 1", annotations: annotations(50) },
    });
    expect(created).toMatchObject({
      status: "in_progress",
      head_sha: headSha,
      pull_requests: [{ number: 5 }],
    });
    await octokit.rest.checks.update({
      owner: OWNER,
      repo: REPO,
      check_run_id: created.id,
      output: { title: "Running", summary: "batch 2", annotations: annotations(50, 50) },
    });
    const { data: done } = await octokit.rest.checks.update({
      owner: OWNER,
      repo: REPO,
      check_run_id: created.id,
      conclusion: "failure",
      output: { title: "3 batches", summary: "done", annotations: annotations(20, 100) },
    });
    expect(done).toMatchObject({
      status: "completed",
      conclusion: "failure",
      output: { annotations_count: 120, summary: "done" },
    });
    const stored = gh.checkRuns({ name: "Maestro ACC", headSha })[0];
    expect(stored?.annotations.map((a) => a.message)).toEqual(annotations(120).map((a) => a.message));
    expect(stored?.updates).toBe(2);

    const listed = await octokit.paginate(octokit.rest.checks.listAnnotations, {
      owner: OWNER,
      repo: REPO,
      check_run_id: created.id,
      per_page: 50,
    });
    expect(listed).toHaveLength(120);
    const { data: forRef } = await octokit.rest.checks.listForRef({
      owner: OWNER,
      repo: REPO,
      ref: "feature",
      check_name: "Maestro ACC",
    });
    expect(forRef.check_runs.map((r) => r.id)).toEqual([created.id]);
    const { data: suite } = await octokit.rest.checks.getSuite({
      owner: OWNER,
      repo: REPO,
      check_suite_id: done.check_suite?.id ?? 0,
    });
    expect(suite.head_sha).toBe(headSha);
    expect(gh.violations.filter((v) => v.path.includes(String(created.id)))).toEqual([]);
  });
});

describe("repository contents from the real git repository", () => {
  it("serves a tarball whose files equal the commit, under GitHub's top-level folder", async () => {
    const response = await octokit.rest.repos.downloadTarballArchive({
      owner: OWNER,
      repo: REPO,
      ref: "main",
    });
    const dir = mkdtempSync(join(tmpdir(), "fake-tarball-"));
    try {
      writeFileSync(join(dir, "archive.tar.gz"), Buffer.from(response.data as ArrayBuffer));
      execFileSync("tar", ["xzf", "archive.tar.gz"], { cwd: dir });
      const top = `${OWNER}-${REPO}-${baseSha.slice(0, 7)}`;
      const files = git.git("ls-tree", "-r", "--name-only", baseSha).split("\n");
      for (const file of files) {
        expect(readFileSync(join(dir, top, file)), file).toEqual(git.gitBuffer("show", `${baseSha}:${file}`));
      }
      expect(files).toContain("assets/logo.png");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(gh.requests.slice(-2).map((r) => [r.operation, r.status])).toEqual([
      ["GET /repos/{owner}/{repo}/tarball/{ref}", 302],
      ["codeload", 200],
    ]);
  });

  it("serves recursive trees and blobs whose SHAs are git's", async () => {
    const { data: tree } = await octokit.rest.git.getTree({
      owner: OWNER,
      repo: REPO,
      tree_sha: baseSha,
      recursive: "1",
    });
    expect(tree.truncated).toBe(false);
    const blobs = tree.tree.filter((entry) => entry.type === "blob");
    expect(blobs.map((b) => b.path).sort()).toEqual(
      git.git("ls-tree", "-r", "--name-only", baseSha).split("\n").sort(),
    );
    expect(tree.tree.find((entry) => entry.path === "src/lib")?.type).toBe("tree");
    const logo = blobs.find((entry) => entry.path === "assets/logo.png");
    expect(logo?.sha).toBe(git.hashObject(PNG));
    expect(logo?.size).toBe(PNG.length);
    const { data: blob } = await octokit.rest.git.getBlob({
      owner: OWNER,
      repo: REPO,
      file_sha: logo?.sha ?? "",
    });
    expect(blob.encoding).toBe("base64");
    expect(Uint8Array.from(Buffer.from(blob.content, "base64"))).toEqual(PNG);
  });

  it("marks a tree longer than the limit as truncated", async () => {
    gh.treeEntryLimit = 3;
    const { data } = await octokit.rest.git.getTree({
      owner: OWNER,
      repo: REPO,
      tree_sha: "main",
      recursive: "true",
    });
    expect(data.truncated).toBe(true);
    expect(data.tree).toHaveLength(3);
  });

  it("serves contents as JSON, raw, and as directory listings; Probot's config reader works", async () => {
    const { data: file } = await octokit.rest.repos.getContent({
      owner: OWNER,
      repo: REPO,
      path: "src/a.ts",
      ref: "feature",
    });
    expect(Array.isArray(file) ? undefined : file.type).toBe("file");
    const content =
      Array.isArray(file) || file.type !== "file" ? "" : Buffer.from(file.content, "base64").toString();
    expect(content).toBe("export const a = 2;\n");
    const raw = await octokit.rest.repos.getContent({
      owner: OWNER,
      repo: REPO,
      path: "src/a.ts",
      mediaType: { format: "raw" },
    });
    expect(String(raw.data)).toBe("export const a = 1;\n");
    const { data: dir } = await octokit.rest.repos.getContent({ owner: OWNER, repo: REPO, path: "src" });
    expect(Array.isArray(dir) ? dir.map((e) => [e.path, e.type]) : []).toEqual([
      ["src/a.ts", "file"],
      ["src/lib", "dir"],
    ]);
    expect(
      await status(octokit.rest.repos.getContent({ owner: OWNER, repo: REPO, path: "missing.ts" })),
    ).toBe(404);
    expect(refusals()).toEqual([`404 GET /repos/${OWNER}/${REPO}/contents/missing.ts`]);
    const { config } = await octokit.config.get({
      owner: OWNER,
      repo: REPO,
      path: ".github/maestro-hive.yml",
    });
    expect(config).toEqual({ acc: { include: ["src/**"] } });
  });

  it("compares base...head with the merge base and the changed files", async () => {
    const { data } = await octokit.rest.repos.compareCommitsWithBasehead({
      owner: OWNER,
      repo: REPO,
      basehead: "main...feature",
    });
    expect(data.merge_base_commit.sha).toBe(git.git("merge-base", "main", "feature"));
    expect(data).toMatchObject({ status: "ahead", ahead_by: 1, behind_by: 0 });
    expect(data.files?.map((f) => [f.filename, f.status, f.sha])).toEqual([
      ["README.md", "removed", git.hashObject("# shop\n")],
      ["src/a.ts", "modified", git.hashObject("export const a = 2;\n")],
      ["src/c.ts", "added", git.hashObject("export const c = 3;\n")],
    ]);
  });

  it("serves pull requests and their files with GitHub's pagination and caps", async () => {
    const big = GitRepo.create({ worktree: false });
    try {
      big.commit("init", { "keep.txt": "x\n" });
      big.branch("wide");
      const files = Object.fromEntries(
        Array.from({ length: 3005 }, (_, i) => [`f/${String(i).padStart(4, "0")}.txt`, `${i}\n`]),
      );
      const head = big.commit("3005 files", files);
      big.branch("narrow", "main");
      big.commit("250 files", Object.fromEntries(Object.entries(files).slice(0, 250)));
      gh.addRepo({ owner: OWNER, name: "big", git: big, installationId: INSTALLATION });
      gh.addPullRequest({ owner: OWNER, repo: "big", number: 1, head: "wide", base: "main", draft: true });
      gh.addPullRequest({ owner: OWNER, repo: "big", number: 2, head: "narrow", base: "main" });

      const { data: pr } = await octokit.rest.pulls.get({ owner: OWNER, repo: "big", pull_number: 1 });
      expect(pr).toMatchObject({ draft: true, head: { sha: head, ref: "wide" }, changed_files: 3005 });

      gh.resetRecording();
      const narrow = await octokit.paginate(octokit.rest.pulls.listFiles, {
        owner: OWNER,
        repo: "big",
        pull_number: 2,
        per_page: 100,
      });
      expect(narrow).toHaveLength(250);
      expect(gh.requestCount("GET /repos/{owner}/{repo}/pulls/{pull_number}/files")).toBe(3);

      const wide = await octokit.paginate(octokit.rest.pulls.listFiles, {
        owner: OWNER,
        repo: "big",
        pull_number: 1,
        per_page: 500,
      });
      expect(wide).toHaveLength(3000);
      expect(new Set(wide.map((f) => f.filename)).size).toBe(3000);

      const { data: compare } = await octokit.rest.repos.compareCommitsWithBasehead({
        owner: OWNER,
        repo: "big",
        basehead: "main...wide",
      });
      expect(compare.files).toHaveLength(300);
    } finally {
      big.cleanup();
    }
  });
});

describe("fork pull requests", () => {
  it("reports the fork as the head repository and lists files from the shared history", async () => {
    // Like GitHub (refs/pull/N/head), the fork's commits live in the base repository's git.
    gh.addRepo({ owner: "outsider", name: REPO, git, forkOf: `${OWNER}/${REPO}`, private: false });
    gh.addPullRequest({
      owner: OWNER,
      repo: REPO,
      number: 6,
      head: "feature",
      headRepo: `outsider/${REPO}`,
      base: "main",
    });
    const { data: pr } = await octokit.rest.pulls.get({ owner: OWNER, repo: REPO, pull_number: 6 });
    expect(pr.head.repo).toMatchObject({ full_name: `outsider/${REPO}`, fork: true });
    expect(pr.base.repo.full_name).toBe(`${OWNER}/${REPO}`);
    expect(pr.head.sha).toBe(headSha);
    const files = await octokit.paginate(octokit.rest.pulls.listFiles, {
      owner: OWNER,
      repo: REPO,
      pull_number: 6,
    });
    expect(files.map((f) => f.filename)).toEqual(["README.md", "src/a.ts", "src/c.ts"]);
  });
});

describe("comments, reactions, permissions", () => {
  it("creates, lists and edits comments and records reactions", async () => {
    const { data: created } = await octokit.rest.issues.createComment({
      owner: OWNER,
      repo: REPO,
      issue_number: 5,
      body: "<!-- maestro -->\nv1",
    });
    expect(created.user?.login).toBe(`${gh.app.slug}[bot]`);
    gh.addComment({ owner: OWNER, repo: REPO, issueNumber: 5, body: "/maestro help", author: "alice" });
    const listed = await octokit.paginate(octokit.rest.issues.listComments, {
      owner: OWNER,
      repo: REPO,
      issue_number: 5,
    });
    expect(listed.map((c) => c.body)).toEqual(["<!-- maestro -->\nv1", "/maestro help"]);
    await octokit.rest.issues.updateComment({
      owner: OWNER,
      repo: REPO,
      comment_id: created.id,
      body: "<!-- maestro -->\nv2",
    });
    expect(gh.issueComments({ issueNumber: 5 })[0]).toMatchObject({ body: "<!-- maestro -->\nv2", edits: 1 });

    const first = await octokit.rest.reactions.createForIssueComment({
      owner: OWNER,
      repo: REPO,
      comment_id: listed[1]?.id ?? 0,
      content: "eyes",
    });
    const again = await octokit.rest.reactions.createForIssueComment({
      owner: OWNER,
      repo: REPO,
      comment_id: listed[1]?.id ?? 0,
      content: "eyes",
    });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(gh.reactions(listed[1]?.id).map((r) => r.content)).toEqual(["eyes"]);
    const bad = octokit.request("POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", {
      owner: OWNER,
      repo: REPO,
      comment_id: listed[1]?.id ?? 0,
      content: "thumbsup" as "+1",
    });
    await expect(bad).rejects.toMatchObject({ status: 422 });
    expect(refusals()).toEqual([
      `422 POST /repos/${OWNER}/${REPO}/issues/comments/${listed[1]?.id}/reactions`,
    ]);
  });

  it("reports collaborator permissions set by the test", async () => {
    gh.setPermission(OWNER, REPO, "alice", "maintain");
    gh.setPermission(OWNER, REPO, "root", "admin");
    const get = async (username: string) =>
      (await octokit.rest.repos.getCollaboratorPermissionLevel({ owner: OWNER, repo: REPO, username })).data;
    expect(await get("alice")).toMatchObject({ permission: "write", role_name: "maintain" });
    expect(await get("root")).toMatchObject({ permission: "admin" });
    // Not a collaborator: 404, as GitHub answers (a client must read that as no permission).
    expect(await status(get("stranger"))).toBe(404);
    gh.setPermission(OWNER, REPO, "alice", "none");
    expect(await status(get("alice"))).toBe(404);
    expect(refusals()).toEqual([
      `404 GET /repos/${OWNER}/${REPO}/collaborators/stranger/permission`,
      `404 GET /repos/${OWNER}/${REPO}/collaborators/alice/permission`,
    ]);
    gh.expectRefusal("GET /repos/{owner}/{repo}/collaborators/{username}/permission", 404);
    expect(await status(get("stranger"))).toBe(404);
    expect(gh.unexpectedViolations()).toEqual([]);
    expect(gh.violations).toEqual([expect.objectContaining({ status: 404, expected: true })]);
  });
});

describe("fault injection", () => {
  it("fails N times then recovers, and a retrying client gets through", async () => {
    const fault = gh.inject({ method: "GET", path: "/repos/{owner}/{repo}", status: 502, times: 2 });
    gh.resetRecording();
    const { data } = await octokit.rest.repos.get({ owner: OWNER, repo: REPO });
    expect(data.full_name).toBe(`${OWNER}/${REPO}`);
    expect(fault.hits).toBe(2);
    expect(gh.requestsTo("GET /repos/{owner}/{repo}").map((r) => [r.status, r.faulted])).toEqual([
      [502, true],
      [502, true],
      [200, false],
    ]);
  });

  it("answers secondary rate limits with retry-after, 429s, and delays", async () => {
    gh.inject({
      path: "/repos/{owner}/{repo}/pulls/{pull_number}",
      rateLimit: "secondary",
      retryAfter: 7,
      times: 1,
    });
    const token = gh.issueInstallationToken(INSTALLATION).token;
    const limited = await rawRequest(`/repos/${OWNER}/${REPO}/pulls/5`, {
      headers: { authorization: `token ${token}` },
    });
    expect(limited.status).toBe(403);
    expect(limited.headers.get("retry-after")).toBe("7");
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);

    gh.inject({ path: /\/pulls\/5$/, status: 429, retryAfter: 1, times: 1 });
    expect(
      (await rawRequest(`/repos/${OWNER}/${REPO}/pulls/5`, { headers: { authorization: `token ${token}` } }))
        .status,
    ).toBe(429);

    gh.inject({ path: "/repos/{owner}/{repo}/pulls/{pull_number}", delayMs: 250, times: 1 });
    const started = Date.now();
    const slow = await rawRequest(`/repos/${OWNER}/${REPO}/pulls/5`, {
      headers: { authorization: `token ${token}` },
    });
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });
});

describe("authentication", () => {
  it("issues installation tokens only for the app's JWT and accepts only its own tokens", async () => {
    gh.resetRecording();
    const fresh = (await probot.auth(INSTALLATION)) as Octokit;
    await fresh.rest.repos.get({ owner: OWNER, repo: REPO });
    expect(gh.requests.map((r) => [r.operation, r.auth])).toEqual([
      ["GET /repos/{owner}/{repo}", "installation"],
    ]);
    const appOctokit = (await probot.auth()) as Octokit;
    expect((await appOctokit.rest.apps.getAuthenticated()).data?.id).toBe(gh.app.id);
    expect((await appOctokit.rest.apps.getRepoInstallation({ owner: OWNER, repo: REPO })).data.id).toBe(
      INSTALLATION,
    );
    const jwtOnRepo = await rawRequest(`/repos/${OWNER}/${REPO}`, {
      headers: { authorization: `Bearer ${appJwt()}` },
    });
    expect(jwtOnRepo.status).toBe(401);
    expect(await status(appOctokit.rest.apps.createInstallationAccessToken({ installation_id: 12345 }))).toBe(
      404,
    );
    const { data: issued } = await appOctokit.rest.apps.createInstallationAccessToken({
      installation_id: INSTALLATION,
    });
    expect(issued.token).toMatch(/^ghs_[A-Za-z0-9]{36}$/);
    expect(gh.requests.at(-1)).toMatchObject({ auth: "app", status: 201 });
    const withIssued = await rawRequest(`/repos/${OWNER}/${REPO}`, {
      headers: { authorization: `token ${issued.token}` },
    });
    expect(withIssued.status).toBe(200);
    const installationTokenOnApp = await rawRequest("/app", {
      headers: { authorization: `token ${gh.issueInstallationToken(INSTALLATION).token}` },
    });
    expect(installationTokenOnApp.status).toBe(401);
    expect(
      (await rawRequest("/app", { headers: { authorization: `Bearer ${appJwt({ exp: 3600 })}` } })).status,
    ).toBe(401);
    expect(
      (await rawRequest("/app", { headers: { authorization: `Bearer ${appJwt({ iss: 1 })}` } })).status,
    ).toBe(401);

    const anonymous = new FastOctokit({ baseUrl: gh.url, authStrategy: undefined });
    expect(await status(anonymous.rest.repos.get({ owner: OWNER, repo: REPO }))).toBe(404);
    expect(
      await status(anonymous.rest.checks.create({ owner: OWNER, repo: REPO, name: "x", head_sha: headSha })),
    ).toBe(401);
    const forged = new FastOctokit({
      baseUrl: gh.url,
      authStrategy: undefined,
      auth: "ghs_notissuedbythefake000000000000000000",
    });
    expect(await status(forged.rest.repos.get({ owner: OWNER, repo: REPO }))).toBe(401);

    const other = (await probot.auth(OTHER_INSTALLATION)) as Octokit;
    expect(await status(other.rest.repos.get({ owner: OWNER, repo: REPO }))).toBe(404);
    expect(gh.takeViolations().map((v) => [v.status, v.message])).toEqual([
      [401, "A JSON web token cannot be used to access this endpoint; use an installation token"],
      [404, "Not Found"],
      [401, "A JSON web token could not be decoded"],
      [401, "'Expiration time' claim ('exp') is too far in the future"],
      [401, "'Issuer' claim ('iss') must be an Integer"],
      [404, "Not Found"],
      [401, "Requires authentication"],
      [401, "Bad credentials"],
      [404, "Not Found"],
    ]);
  });

  it("refuses tokens for a suspended installation, and the tokens it issued before", async () => {
    const appOctokit = (await probot.auth()) as Octokit;
    const before = gh.issueInstallationToken(INSTALLATION).token;
    gh.suspendInstallation(INSTALLATION);
    try {
      const create = appOctokit.rest.apps.createInstallationAccessToken({ installation_id: INSTALLATION });
      await expect(create).rejects.toMatchObject({
        status: 403,
        response: { data: { message: "This installation has been suspended" } },
      });
      const old = await rawRequest(`/repos/${OWNER}/${REPO}/pulls/5`, {
        headers: { authorization: `token ${before}` },
      });
      expect(old.status).toBe(403);
      expect(((await old.json()) as { message: string }).message).toBe(
        "This installation has been suspended",
      );
      expect(
        (await appOctokit.rest.apps.getInstallation({ installation_id: INSTALLATION })).data.suspended_at,
      ).not.toBeNull();
    } finally {
      gh.suspendInstallation(INSTALLATION, false);
    }
    const after = await rawRequest(`/repos/${OWNER}/${REPO}/pulls/5`, {
      headers: { authorization: `token ${before}` },
    });
    expect(after.status).toBe(200);
    expect(refusals()).toEqual([
      `403 POST /app/installations/${INSTALLATION}/access_tokens`,
      `403 GET /repos/${OWNER}/${REPO}/pulls/5`,
    ]);
  });

  it("rejects JWTs signed with another key, expired tokens, and missing permissions", async () => {
    const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
      type: "pkcs8",
      format: "pem",
    });
    const impostor = new Probot({
      appId: gh.app.id,
      privateKey: String(stranger),
      baseUrl: gh.url,
      Octokit: FastOctokit,
    });
    const impostorOctokit = (await impostor.auth(INSTALLATION)) as Octokit;
    expect(await status(impostorOctokit.rest.repos.get({ owner: OWNER, repo: REPO }))).toBe(401);
    expect(gh.requests.at(-1)).toMatchObject({
      operation: "POST /app/installations/{installation_id}/access_tokens",
      status: 401,
    });
    expect(refusals()).toEqual([`401 POST /app/installations/${INSTALLATION}/access_tokens`]);

    const shortLived = await startFakeGitHub({ tokenTtlMs: 1 });
    try {
      shortLived.addInstallation({
        id: 1,
        account: OWNER,
        permissions: { metadata: "read", contents: "read" },
      });
      shortLived.addRepo({ owner: OWNER, name: REPO, git, installationId: 1 });
      const token = shortLived.issueInstallationToken(1).token;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const expired = await fetch(`${shortLived.url}/repos/${OWNER}/${REPO}`, {
        headers: { authorization: `token ${token}` },
      });
      expect(expired.status).toBe(401);
      shortLived.tokenTtlMs = 60_000;
      const readOnly = shortLived.issueInstallationToken(1).token;
      const create = await fetch(`${shortLived.url}/repos/${OWNER}/${REPO}/check-runs`, {
        method: "POST",
        headers: { authorization: `token ${readOnly}` },
        body: JSON.stringify({ name: "x", head_sha: headSha }),
      });
      expect(create.status).toBe(403);
      expect(((await create.json()) as { message: string }).message).toBe(
        "Resource not accessible by integration",
      );
      expect(shortLived.takeViolations().map((v) => [v.status, v.message])).toEqual([
        [401, "Bad credentials"],
        [403, "Resource not accessible by integration"],
      ]);
    } finally {
      await shortLived.close();
    }
  });
});

describe("response shapes", () => {
  it("checks answers against GitHub's response schema without padding them", async () => {
    const { data: run } = await octokit.rest.checks.create({
      owner: OWNER,
      repo: REPO,
      name: "shape",
      head_sha: headSha,
    });
    const key = "POST /repos/{owner}/{repo}/check-runs";
    expect(responseProblems(key, 201, structuredClone(run))).toEqual([]);
    const { app: _app, ...withoutApp } = structuredClone(run) as Record<string, unknown>;
    expect(responseProblems(key, 201, withoutApp)).toEqual(["/ must have required property 'app'"]);
    expect(withoutApp).not.toHaveProperty("app");
    expect(responseProblems(key, 200, run)).toEqual([`${key} does not document status 200`]);
  });
});
