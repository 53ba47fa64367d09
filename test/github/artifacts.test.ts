/**
 * Workflow run artifacts through the app's own client code (src/github/artifacts.ts) against the
 * contract-checked fake GitHub: the listing, the 302 to a short-lived blob URL, an expired
 * artifact, the size cap, and an installation without `actions: read`.
 */
import { strToU8, zipSync } from "fflate";
import { Probot, ProbotOctokit } from "probot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArtifactTooLarge, downloadArtifact, findArtifact } from "../../src/github/artifacts.ts";
import { type FakeGitHub, startFakeGitHub } from "../harness/fake-github/index.ts";
import { GitRepo } from "../harness/git-repo.ts";

type Octokit = InstanceType<typeof ProbotOctokit>;
const FastOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

const repo = { owner: "acme", repo: "shop" };
let gh: FakeGitHub;
let git: GitRepo;
let octokit: Octokit;
let head: string;

beforeAll(async () => {
  gh = await startFakeGitHub();
  git = GitRepo.create();
  head = git.commit("init", { "README.md": "# shop\n" });
  gh.addInstallation({ id: 5, account: "acme" });
  gh.addInstallation({
    id: 6,
    account: "other",
    permissions: { checks: "write", contents: "read", metadata: "read" },
  });
  gh.addRepo({ owner: "acme", name: "shop", git, installationId: 5 });
  gh.addRepo({ owner: "other", name: "shop", git, installationId: 6 });
  const probot = new Probot({
    appId: gh.app.id,
    privateKey: gh.app.privateKey,
    baseUrl: gh.url,
    Octokit: FastOctokit,
  });
  octokit = (await probot.auth(5)) as Octokit;
});

afterAll(async () => {
  await gh.close();
  git.cleanup();
});

describe("workflow run artifacts", () => {
  it("finds the newest unexpired artifact of a name and downloads its zip through the redirect", async () => {
    const first = zipSync({ "a.ndjson": strToU8("first") });
    const second = zipSync({ "a.ndjson": strToU8("second") });
    gh.addArtifact({ ...repo, runId: 31, headSha: head, name: "report", zip: first });
    gh.addArtifact({ ...repo, runId: 31, headSha: head, name: "report", zip: second });
    gh.addArtifact({ ...repo, runId: 31, headSha: head, name: "other", zip: first });
    gh.addArtifact({ ...repo, runId: 32, headSha: head, name: "report", zip: first, expired: true });
    const artifact = await findArtifact(octokit, repo, 31, "report");
    expect(artifact?.size_in_bytes).toBe(second.length);
    const bytes = await downloadArtifact(octokit, repo, artifact!, 1_000_000);
    expect(Buffer.from(bytes).equals(Buffer.from(second))).toBe(true);
    const operations = gh.requests.map((r) => `${r.operation} ${r.status}`);
    expect(operations).toContain(
      "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format} 302",
    );
    expect(operations).toContain("artifact-blob 200");
    expect(await findArtifact(octokit, repo, 32, "report")).toBeNull();
    expect(gh.takeProblems()).toEqual([]);
  });

  it("refuses an artifact over the cap before downloading it", async () => {
    const artifact = await findArtifact(octokit, repo, 31, "report");
    const before = gh.requestCount();
    await expect(downloadArtifact(octokit, repo, artifact!, 10)).rejects.toThrow(ArtifactTooLarge);
    expect(gh.requestCount()).toBe(before);
  });

  it("answers 410 for an expired artifact and 403 without actions: read, as GitHub does", async () => {
    const expired = gh.addArtifact({
      ...repo,
      runId: 33,
      headSha: head,
      name: "old",
      zip: zipSync({}),
      expired: true,
    });
    await expect(
      octokit.request("GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}", {
        ...repo,
        artifact_id: expired.id,
        archive_format: "zip",
      }),
    ).rejects.toMatchObject({ status: 410 });
    const other = (await new Probot({
      appId: gh.app.id,
      privateKey: gh.app.privateKey,
      baseUrl: gh.url,
      Octokit: FastOctokit,
    }).auth(6)) as Octokit;
    await expect(findArtifact(other, { owner: "other", repo: "shop" }, 31, "report")).rejects.toMatchObject({
      status: 403,
    });
    expect(gh.takeViolations().map((v) => v.status)).toEqual([403]);
    const blob = await fetch(`${gh.url}/_blob/artifacts/${expired.id}.zip?sig=forged`);
    expect(blob.status).toBe(403);
  });
});
