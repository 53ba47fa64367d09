/** What the fake GitHub stores: repositories, installations, pull requests, and everything written to it. */
import type { GitBackend } from "./git-backend.ts";

export type PermissionLevel = "read" | "write" | "admin";
export type RepositoryRole = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface RepoState {
  id: number;
  owner: string;
  name: string;
  fullName: string;
  git: GitBackend;
  defaultBranch: string;
  private: boolean;
  installationId: number | undefined;
  /** For fork repositories: the parent's full name. */
  forkOf: string | undefined;
}

export interface InstallationState {
  id: number;
  account: string;
  accountType: "User" | "Organization";
  permissions: Record<string, PermissionLevel>;
  events: string[];
  suspended: boolean;
}

export interface PullRequestState {
  owner: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  draft: boolean;
  author: string;
  headRef: string;
  /** Fixed head SHA; when undefined the head branch is resolved at request time. */
  headSha: string | undefined;
  /** Repository (owner/name) the head branch lives in; differs from the base repository for forks. */
  headRepo: string;
  baseRef: string;
  baseSha: string | undefined;
}

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column?: number;
  end_column?: number;
  annotation_level: "notice" | "warning" | "failure";
  message: string;
  title?: string;
  raw_details?: string;
}

export interface CheckRunRecord {
  id: number;
  owner: string;
  repo: string;
  name: string;
  headSha: string;
  status: string;
  conclusion: string | null;
  startedAt: string;
  completedAt: string | null;
  detailsUrl: string | null;
  externalId: string | null;
  output: { title: string | null; summary: string | null; text: string | null };
  /** Every annotation sent, in order: updates append, as on GitHub. */
  annotations: Annotation[];
  actions: Array<{ label: string; description: string; identifier: string }>;
  checkSuiteId: number;
  /** Open pull requests whose head was this SHA when the run was created (GitHub's pull-request-minimal). */
  pulls: PullRequestRefs[];
  /** Number of successful PATCH requests. */
  updates: number;
}

/** A pull request as a check run names it: number and both ends. */
export interface PullRequestRefs {
  number: number;
  head: { ref: string; sha: string; repo: string };
  base: { ref: string; sha: string; repo: string };
}

export interface CheckSuiteRecord {
  id: number;
  owner: string;
  repo: string;
  headSha: string;
  headBranch: string | null;
}

export interface CommentRecord {
  id: number;
  owner: string;
  repo: string;
  issueNumber: number;
  body: string;
  author: string;
  authorType: "User" | "Bot";
  createdAt: string;
  updatedAt: string;
  /** Number of successful PATCH requests. */
  edits: number;
}

export interface ReactionRecord {
  id: number;
  commentId: number;
  content: string;
  user: string;
  createdAt: string;
}

export interface IssuedToken {
  token: string;
  installationId: number;
  expiresAt: number;
}

/** One request as the fake saw it. */
export interface RecordedRequest {
  method: string;
  /** Path without query string (and without a GHES "/api/v3" prefix). */
  path: string;
  /** The path exactly as requested (with the "/api/v3" prefix a GHES client sends). */
  rawPath: string;
  /** Matched operation, e.g. "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}"; "codeload" for archive downloads. */
  operation: string | undefined;
  params: Record<string, unknown>;
  query: Record<string, string>;
  body: unknown;
  status: number;
  auth: "app" | "installation" | "none" | "invalid";
  installationId: number | undefined;
  /** True when an injected fault produced the answer. */
  faulted: boolean;
  at: number;
}

/** A request the fake refused because GitHub would have: unknown endpoint, invalid params or body, bad auth. */
export interface ContractViolation {
  method: string;
  path: string;
  status: number;
  message: string;
  errors: unknown[];
  /** A refusal the test declared normal (`expectRefusal`): recorded, but not a failure. */
  expected?: boolean;
}

/** A workflow run's artifact: what the artifacts list shows and the zip its download redirects to. */
export interface ArtifactRecord {
  id: number;
  owner: string;
  repo: string;
  runId: number;
  headSha: string;
  headBranch: string;
  name: string;
  zip: Uint8Array;
  createdAt: string;
  expired: boolean;
}
