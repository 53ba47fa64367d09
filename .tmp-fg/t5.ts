import { Probot, ProbotOctokit } from "probot";
import { startFakeGitHub } from "../test/harness/fake-github/index.ts";
import { GitRepo } from "../test/harness/git-repo.ts";
const gh = await startFakeGitHub();
const git = GitRepo.create();
const sha = git.commit("init", { "a.ts": "x" });
gh.addInstallation({ id: 1, account: "o" });
gh.addRepo({ owner: "o", name: "r", git, installationId: 1 });
const FastOctokit = ProbotOctokit.defaults({ retry: { enabled: true, retryAfterBaseValue: 1 }, throttle: { enabled: false } });
const probot = new Probot({ appId: gh.app.id, privateKey: gh.app.privateKey, baseUrl: gh.url, Octokit: FastOctokit, logLevel: "warn" });
const o = await probot.auth(1) as any;
const token = gh.issueInstallationToken(1).token;
for (let i = 0; i < 4; i++) {
  let t = performance.now();
  await fetch(`${gh.url}/repos/o/r/check-runs`, { method: "POST", headers: { authorization: `token ${token}` }, body: JSON.stringify({ name: "x", head_sha: sha }) });
  console.log("raw create", performance.now() - t); t = performance.now();
  await o.rest.checks.create({ owner: "o", repo: "r", name: "x", head_sha: sha });
  console.log("octokit create", performance.now() - t); t = performance.now();
  await o.rest.checks.create({ owner: "o", repo: "r", name: "x", head_sha: "0".repeat(40) }).catch(() => {});
  console.log("octokit 422", performance.now() - t); t = performance.now();
}
await gh.close(); git.cleanup();
