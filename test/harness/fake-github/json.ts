/** GitHub-shaped JSON for the fake's resources (the fields real clients and our app read). */
import type { CommitInfo } from "./git-backend.ts";

export const DOCS = "https://docs.github.com/rest";
const EPOCH = "2026-01-01T00:00:00Z";

export function errorBody(status: number, message: string, errors?: unknown[]): Record<string, unknown> {
  return {
    message,
    ...(errors && errors.length > 0 ? { errors } : {}),
    documentation_url: DOCS,
    status: String(status),
  };
}

export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`${kind}:${id}`).toString("base64url");
}

/** Stable numeric id for a login (so tests see the same user ids across runs). */
export function loginId(login: string): number {
  let hash = 0;
  for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 90_000_000;
  return hash + 1000;
}

/** A simple-user as GitHub sends it (every field its schema requires). */
export function userJson(base: string, login: string, type: "User" | "Organization" | "Bot" = "User") {
  const id = loginId(login);
  const path = encodeURIComponent(login);
  const api = `${base}/users/${path}`;
  return {
    login,
    id,
    node_id: nodeId("User", id),
    avatar_url: `${base}/avatars/${path}`,
    gravatar_id: "",
    url: api,
    html_url: `${base}/${path}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type,
    user_view_type: "public",
    site_admin: false,
  };
}

/** The URL fields of a repository object, as api.github.com spells them. */
export function repositoryUrls(base: string, fullName: string) {
  const api = `${base}/repos/${fullName}`;
  return {
    url: api,
    html_url: `${base}/${fullName}`,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
    clone_url: `${base}/${fullName}.git`,
    git_url: `git://fake-github.invalid/${fullName}.git`,
    ssh_url: `git@fake-github.invalid:${fullName}.git`,
    svn_url: `${base}/${fullName}`,
    mirror_url: null,
  };
}

export function base64Lines(content: Buffer): string {
  const encoded = content.toString("base64");
  return `${(encoded.match(/.{1,60}/g) ?? []).join("\n")}\n`;
}

export function gitCommitJson(base: string, repoPath: string, commit: CommitInfo) {
  return {
    sha: commit.sha,
    node_id: nodeId("Commit", commit.sha),
    url: `${base}/repos/${repoPath}/git/commits/${commit.sha}`,
    html_url: `${base}/${repoPath}/commit/${commit.sha}`,
    author: commit.author,
    committer: commit.committer,
    message: commit.message,
    tree: { sha: commit.tree, url: `${base}/repos/${repoPath}/git/trees/${commit.tree}` },
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${base}/repos/${repoPath}/git/commits/${sha}`,
      html_url: `${base}/${repoPath}/commit/${sha}`,
    })),
    verification: { verified: false, reason: "unsigned", signature: null, payload: null, verified_at: null },
  };
}

export function commitJson(base: string, repoPath: string, commit: CommitInfo) {
  return {
    sha: commit.sha,
    node_id: nodeId("Commit", commit.sha),
    url: `${base}/repos/${repoPath}/commits/${commit.sha}`,
    html_url: `${base}/${repoPath}/commit/${commit.sha}`,
    comments_url: `${base}/repos/${repoPath}/commits/${commit.sha}/comments`,
    commit: {
      url: `${base}/repos/${repoPath}/git/commits/${commit.sha}`,
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${base}/repos/${repoPath}/git/trees/${commit.tree}` },
    },
    author: null,
    committer: null,
    parents: commit.parents.map((sha) => ({
      sha,
      url: `${base}/repos/${repoPath}/commits/${sha}`,
      html_url: `${base}/${repoPath}/commit/${sha}`,
    })),
  };
}

export { EPOCH };
