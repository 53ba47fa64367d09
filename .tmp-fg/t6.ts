import { Probot, ProbotOctokit } from "probot";
import { startFakeGitHub } from "../test/harness/fake-github/index.ts";
import { GitRepo } from "../test/harness/git-repo.ts";
const gh = await startFakeGitHub();
const FastOctokit = ProbotOctokit.defaults((o: any) => ({ ...o, retry: { enabled: true, retryAfterBaseValue: 1 }, throttle: { ...o.throttle, enabled: false } }));
const probot = new Probot({ appId: gh.app.id, privateKey: gh.app.privateKey, baseUrl: gh.url, Octokit: FastOctokit, logLevel: "warn" });
gh.addInstallation({ id: 1, account: "o" });
let t = performance.now();
const big = GitRepo.create({ worktree: false });
big.commit("init", { "keep.txt": "x\n" });
big.branch("wide");
const files = Object.fromEntries(Array.from({ length: 3005 }, (_, i) => [`f/${String(i).padStart(4, "0")}.txt`, `${i}\n`]));
big.commit("3005 files", files);
console.log("build", performance.now() - t); t = performance.now();
gh.addRepo({ owner: "o", name: "big", git: big, installationId: 1 });
gh.addPullRequest({ owner: "o", repo: "big", number: 1, head: "wide", base: "main" });
const o = await probot.auth(1) as any;
await o.rest.pulls.get({ owner: "o", repo: "big", pull_number: 1 });
console.log("pr get", performance.now() - t); t = performance.now();
await o.rest.pulls.listFiles({ owner: "o", repo: "big", pull_number: 1, per_page: 100 });
console.log("files page", performance.now() - t); t = performance.now();
const app = await probot.auth() as any;
for (const f of [() => app.rest.repos.get({ owner: "o", repo: "big" }), () => o.rest.apps.getAuthenticated(), () => new FastOctokit({ baseUrl: gh.url, authStrategy: undefined }).rest.repos.get({ owner: "o", repo: "big" })]) {
  try { await f(); console.log("ok?"); } catch (e: any) { console.log(e.status, String(e).slice(0, 300)); }
}
await gh.close(); big.cleanup();
