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

export function userJson(base: string, login: string, type: "User" | "Organization" | "Bot" = "User") {
  const id = loginId(login);
  const path = encodeURIComponent(login);
  return {
    login,
    id,
    node_id: nodeId("User", id),
    avatar_url: `${base}/avatars/${path}`,
    gravatar_id: "",
    url: `${base}/users/${path}`,
    html_url: `${base}/${path}`,
    type,
    site_admin: false,
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
