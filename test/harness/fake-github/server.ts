/**
 * Fake GitHub: a real HTTP server on 127.0.0.1 that answers like api.github.com for the endpoints
 * Maestro Hive uses, and refuses what GitHub would refuse. See index.ts for the public API.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { GitRepo } from "../git-repo.ts";
import { newInstallationToken, testAppKeys, verifyAppJwt } from "./auth.ts";
import { GitBackend } from "./git-backend.ts";
import { fail, type HandlerContext, handlers, type Reply } from "./handlers.ts";
import { errorBody } from "./json.ts";
import { matchRoute, responseProblems, validateRequest } from "./openapi.ts";
import type {
  ArtifactRecord,
  CheckRunRecord,
  CheckSuiteRecord,
  CommentRecord,
  ContractViolation,
  InstallationState,
  IssuedToken,
  PermissionLevel,
  PullRequestRefs,
  PullRequestState,
  ReactionRecord,
  RecordedRequest,
  RepoState,
  RepositoryRole,
} from "./state.ts";

export interface FakeGitHubOptions {
  appId?: number;
  appSlug?: string;
  /** PEM public key that verifies the app's JWTs; default: testAppKeys() (its private key is `fake.app.privateKey`). */
  publicKey?: string;
  privateKey?: string;
  /** Lifetime of issued installation tokens (GitHub: 1 hour). */
  tokenTtlMs?: number;
  /** Recursive trees longer than this come back with `truncated: true` (GitHub: 100,000 entries). */
  treeEntryLimit?: number;
}

export interface AddRepoOptions {
  owner: string;
  name: string;
  git: GitRepo;
  installationId?: number;
  defaultBranch?: string;
  private?: boolean;
  /** Full name of the parent when this repository is a fork. */
  forkOf?: string;
}

export interface AddInstallationOptions {
  id: number;
  account: string;
  accountType?: "User" | "Organization";
  permissions?: Record<string, PermissionLevel>;
  events?: string[];
}

export interface AddPullRequestOptions {
  owner: string;
  repo: string;
  number: number;
  head: string;
  base: string;
  /** Pin the head/base SHA; by default the branch is resolved at request time. */
  headSha?: string;
  baseSha?: string;
  /** Full name of the repository holding the head branch (a fork); its git must also hold the commits. */
  headRepo?: string;
  draft?: boolean;
  title?: string;
  body?: string | null;
  author?: string;
  state?: "open" | "closed";
}

export interface FaultSpec {
  /** HTTP method; any when omitted. */
  method?: string;
  /** An operation template ("/repos/{owner}/{repo}/check-runs/{check_run_id}"), an exact path, or a RegExp on the path. */
  path: string | RegExp;
  /** Status to answer with; omit for a delay-only fault (the request then proceeds normally). */
  status?: number;
  /** "secondary": 403 with GitHub's secondary-rate-limit message; "primary": 403 with x-ratelimit-remaining 0. */
  rateLimit?: "secondary" | "primary";
  /** Seconds for the retry-after header (rate limits, 429, 503). */
  retryAfter?: number;
  headers?: Record<string, string>;
  body?: unknown;
  delayMs?: number;
  /** How many matching requests the fault applies to (default: all). */
  times?: number;
}

export interface FaultHandle {
  readonly hits: number;
  remove(): void;
}

interface Fault {
  spec: FaultSpec;
  hits: number;
}

export const DEFAULT_INSTALLATION_PERMISSIONS: Record<string, PermissionLevel> = {
  checks: "write",
  contents: "read",
  metadata: "read",
  pull_requests: "write",
  issues: "write",
  actions: "read",
};

const DEFAULT_EVENTS = [
  "push",
  "pull_request",
  "check_run",
  "check_suite",
  "issue_comment",
  "installation",
  "installation_repositories",
  "workflow_run",
];

/** Operations authenticated with the app JWT; everything else needs an installation token. */
const APP_OPERATIONS = new Set([
  "GET /app",
  "GET /app/installations",
  "GET /app/installations/{installation_id}",
  "POST /app/installations/{installation_id}/access_tokens",
  "GET /repos/{owner}/{repo}/installation",
]);

/** Installation permission each operation needs; any of the listed ones suffices. */
function requiredPermission(key: string): Array<[string, PermissionLevel]> {
  const [method = "GET", template = ""] = key.split(" ");
  const level: PermissionLevel = method === "GET" ? "read" : "write";
  if (template.includes("/check-runs") || template.includes("/check-suites")) return [["checks", level]];
  if (template.includes("/issues/"))
    return [
      ["issues", level],
      ["pull_requests", level],
    ];
  if (template.includes("/pulls")) return [["pull_requests", level]];
  if (/\/(tarball|git|contents|compare|commits)\//.test(template)) return [["contents", level]];
  if (template.includes("/actions/")) return [["actions", level]];
  if (template.includes("/collaborators/") || template === "/repos/{owner}/{repo}")
    return [["metadata", "read"]];
  return [];
}

const LEVELS: Record<PermissionLevel, number> = { read: 1, write: 2, admin: 3 };

/** Fakes started and not yet closed in this process: the shared afterEach checks each of them. */
const live = new Set<FakeGitHub>();

export function liveFakes(): FakeGitHub[] {
  return [...live];
}

export class FakeGitHub {
  /** Base URL to give clients (Probot `baseUrl`); a "/api/v3" prefix is accepted too. */
  url = "";
  readonly app: {
    id: number;
    slug: string;
    name: string;
    owner: string;
    privateKey: string;
    publicKey: string;
    permissions: Record<string, PermissionLevel>;
    events: string[];
  };
  treeEntryLimit: number;
  tokenTtlMs: number;
  /** Every request, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Requests refused because GitHub would refuse them (a correct client produces none). */
  readonly violations: ContractViolation[] = [];

  /**
   * Check every JSON answer against GitHub's documented response schema. An answer that does not fit
   * is a bug of the fake (clients would see a shape GitHub never sends): it lands in `responseProblems`,
   * which the shared afterEach requires empty. Nothing is padded. Off saves ~0.1–0.3 s of schema
   * compilation per operation per process.
   */
  checkResponses = true;
  /** Answers that do not fit GitHub's response schema (expected: none). */
  readonly responseProblems: string[] = [];
  /**
   * Refusals a correct client meets in normal work, per operation and status (a config file that is
   * not there, a commenter who is not a collaborator): recorded with `expected: true`, so they do not
   * fail the test. Tests add what their scenario expects; see `expectRefusal`.
   */
  private readonly expectedRefusals = new Set<string>();

  private server: Server | undefined;
  private readonly repos = new Map<string, RepoState>();
  private readonly installations = new Map<number, InstallationState>();
  private readonly pulls = new Map<string, PullRequestState>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly codeloadTokens = new Set<string>();
  private readonly runs: CheckRunRecord[] = [];
  private readonly suites: CheckSuiteRecord[] = [];
  private readonly comments: CommentRecord[] = [];
  private readonly reactionList: ReactionRecord[] = [];
  private readonly artifactList: ArtifactRecord[] = [];
  private readonly blobTokens = new Map<string, number>();
  private readonly roles = new Map<string, RepositoryRole>();
  private readonly faults: Fault[] = [];
  private idCounter = 1000;

  constructor(options: FakeGitHubOptions = {}) {
    const keys = options.publicKey ? undefined : testAppKeys();
    this.app = {
      id: options.appId ?? 4242,
      slug: options.appSlug ?? "maestro-hive",
      name: "Maestro Hive",
      owner: "maestro-org",
      privateKey: options.privateKey ?? keys?.privateKey ?? "",
      publicKey: options.publicKey ?? keys?.publicKey ?? "",
      permissions: { ...DEFAULT_INSTALLATION_PERMISSIONS },
      events: [...DEFAULT_EVENTS],
    };
    this.treeEntryLimit = options.treeEntryLimit ?? 100_000;
    this.tokenTtlMs = options.tokenTtlMs ?? 3_600_000;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify(errorBody(500, `fake GitHub crashed: ${String(error)}`)));
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    live.add(this);
    return this;
  }

  async close(): Promise<void> {
    live.delete(this);
    for (const repo of this.repos.values()) repo.git.close();
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- test setup -------------------------------------------------------------------------

  addInstallation(options: AddInstallationOptions): InstallationState {
    const installation: InstallationState = {
      id: options.id,
      account: options.account,
      accountType: options.accountType ?? "Organization",
      permissions: { ...(options.permissions ?? DEFAULT_INSTALLATION_PERMISSIONS) },
      events: options.events ?? [...DEFAULT_EVENTS],
      suspended: false,
    };
    this.installations.set(installation.id, installation);
    return installation;
  }

  suspendInstallation(id: number, suspended = true): void {
    const installation = this.installations.get(id);
    if (installation) installation.suspended = suspended;
  }

  addRepo(options: AddRepoOptions): RepoState {
    const fullName = `${options.owner}/${options.name}`;
    const repo: RepoState = {
      id: this.nextId(),
      owner: options.owner,
      name: options.name,
      fullName,
      git: new GitBackend(options.git.dir),
      defaultBranch: options.defaultBranch ?? options.git.defaultBranch,
      private: options.private ?? true,
      installationId: options.installationId,
      forkOf: options.forkOf,
    };
    this.repos.set(fullName.toLowerCase(), repo);
    return repo;
  }

  addPullRequest(options: AddPullRequestOptions): PullRequestState {
    const pr: PullRequestState = {
      owner: options.owner,
      repo: options.repo,
      number: options.number,
      title: options.title ?? `PR #${options.number}`,
      body: options.body ?? null,
      state: options.state ?? "open",
      draft: options.draft ?? false,
      author: options.author ?? "octocat",
      headRef: options.head,
      headSha: options.headSha,
      headRepo: options.headRepo ?? `${options.owner}/${options.repo}`,
      baseRef: options.base,
      baseSha: options.baseSha,
    };
    this.pulls.set(`${options.owner}/${options.repo}#${options.number}`.toLowerCase(), pr);
    return pr;
  }

  /**
   * Makes a user a collaborator with a role (what the collaborator-permission endpoint reports);
   * "none" removes them. For anyone else that endpoint answers 404, as GitHub does.
   */
  setPermission(owner: string, repo: string, username: string, role: RepositoryRole): void {
    const key = `${owner}/${repo}:${username}`.toLowerCase();
    if (role === "none") this.roles.delete(key);
    else this.roles.set(key, role);
  }

  /**
   * Declares a refusal the client is expected to meet and handle, e.g.
   * `expectRefusal("GET /repos/{owner}/{repo}/collaborators/{username}/permission", 404)`.
   * Such answers are still recorded, with `expected: true`; every other handler-level 403/404 is a violation.
   */
  expectRefusal(operation: string, status: 403 | 404): void {
    this.expectedRefusals.add(`${status} ${operation}`);
  }

  /** Violations that fail a test: all but the refusals declared with `expectRefusal`. */
  unexpectedViolations(): ContractViolation[] {
    return this.violations.filter((violation) => !violation.expected);
  }

  /** Returns the violations recorded so far and forgets them (for tests that provoke some on purpose). */
  takeViolations(): ContractViolation[] {
    return this.violations.splice(0);
  }

  /** What the shared afterEach fails on: unexpected violations and answers off GitHub's schema. Clears both. */
  takeProblems(): string[] {
    const problems = [
      ...this.violations
        .filter((v) => !v.expected)
        .map((v) => `${v.method} ${v.path} → ${v.status} ${v.message}`),
      ...this.responseProblems.map((p) => `response off schema: ${p}`),
    ];
    this.violations.length = 0;
    this.responseProblems.length = 0;
    return [...new Set(problems)];
  }

  /** Adds a comment as a user (e.g. a "/maestro …" command) and returns it. */
  addComment(input: {
    owner: string;
    repo: string;
    issueNumber: number;
    body: string;
    author: string;
    authorType?: "User" | "Bot";
  }): CommentRecord {
    const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
    const comment: CommentRecord = {
      id: this.nextId(),
      owner: input.owner,
      repo: input.repo,
      issueNumber: input.issueNumber,
      body: input.body,
      author: input.author,
      authorType: input.authorType ?? "User",
      createdAt: at,
      updatedAt: at,
      edits: 0,
    };
    this.comments.push(comment);
    return comment;
  }

  /** Deletes a comment, as someone doing so on GitHub would; false when there was none. */
  deleteComment(id: number): boolean {
    const index = this.comments.findIndex((comment) => comment.id === id);
    if (index === -1) return false;
    this.comments.splice(index, 1);
    return true;
  }

  /**
   * Adds an artifact (a zip) to a workflow run, as actions/upload-artifact would. Its download
   * answers 302 to a short-lived blob URL, like GitHub; an expired artifact answers 410.
   */
  addArtifact(input: {
    owner: string;
    repo: string;
    runId: number;
    headSha: string;
    headBranch?: string;
    name: string;
    zip: Uint8Array;
    expired?: boolean;
  }): ArtifactRecord {
    const artifact: ArtifactRecord = {
      id: this.nextId(),
      owner: input.owner,
      repo: input.repo,
      runId: input.runId,
      headSha: input.headSha,
      headBranch: input.headBranch ?? "main",
      name: input.name,
      zip: input.zip,
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
      expired: input.expired ?? false,
    };
    this.artifactList.push(artifact);
    return artifact;
  }

  artifactsOf(repo: RepoState, runId: number): ArtifactRecord[] {
    return this.artifactList.filter(
      (a) => a.owner === repo.owner && a.repo === repo.name && a.runId === runId,
    );
  }

  artifactIn(repo: RepoState, id: number): ArtifactRecord | undefined {
    return this.artifactList.find((a) => a.id === id && a.owner === repo.owner && a.repo === repo.name);
  }

  issueBlobToken(artifactId: number): string {
    const token = randomBytes(16).toString("hex");
    this.blobTokens.set(token, artifactId);
    return token;
  }

  /** Issues an installation token directly (what POST /app/installations/{id}/access_tokens does). */
  issueInstallationToken(installationId: number): IssuedToken {
    const issued = { token: newInstallationToken(), installationId, expiresAt: Date.now() + this.tokenTtlMs };
    this.tokens.set(issued.token, issued);
    return issued;
  }

  /** Invalidates every installation token issued so far (clients must fetch new ones). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  // ---- faults -----------------------------------------------------------------------------

  /** Injects a fault for matching requests; returns a handle counting hits. */
  inject(spec: FaultSpec): FaultHandle {
    const fault: Fault = { spec, hits: 0 };
    this.faults.push(fault);
    return {
      get hits() {
        return fault.hits;
      },
      remove: () => {
        const index = this.faults.indexOf(fault);
        if (index >= 0) this.faults.splice(index, 1);
      },
    };
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  // ---- what was written -------------------------------------------------------------------

  checkRuns(
    filter: { owner?: string; repo?: string; headSha?: string; name?: string } = {},
  ): CheckRunRecord[] {
    return this.runs.filter(
      (run) =>
        (filter.owner === undefined || run.owner === filter.owner) &&
        (filter.repo === undefined || run.repo === filter.repo) &&
        (filter.headSha === undefined || run.headSha === filter.headSha) &&
        (filter.name === undefined || run.name === filter.name),
    );
  }

  issueComments(filter: { owner?: string; repo?: string; issueNumber?: number } = {}): CommentRecord[] {
    return this.comments.filter(
      (comment) =>
        (filter.owner === undefined || comment.owner === filter.owner) &&
        (filter.repo === undefined || comment.repo === filter.repo) &&
        (filter.issueNumber === undefined || comment.issueNumber === filter.issueNumber),
    );
  }

  reactions(commentId?: number): ReactionRecord[] {
    return this.reactionList.filter(
      (reaction) => commentId === undefined || reaction.commentId === commentId,
    );
  }

  /** Recorded requests for one operation ("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}") or all. */
  requestsTo(operation?: string): RecordedRequest[] {
    return operation === undefined
      ? [...this.requests]
      : this.requests.filter((r) => r.operation === operation);
  }

  requestCount(operation?: string): number {
    return this.requestsTo(operation).length;
  }

  /** Forgets recorded requests and violations (state and faults stay). */
  resetRecording(): void {
    this.requests.length = 0;
    this.violations.length = 0;
  }

  // ---- internal, used by handlers ---------------------------------------------------------

  nextId(): number {
    this.idCounter += 1;
    return this.idCounter;
  }

  repository(fullName: string): RepoState | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  repositoriesOf(installationId: number): RepoState[] {
    return [...this.repos.values()].filter((repo) => repo.installationId === installationId);
  }

  installation(id: number): InstallationState | undefined {
    return this.installations.get(id);
  }

  installationIds(): number[] {
    return [...this.installations.keys()];
  }

  installationCount(): number {
    return this.installations.size;
  }

  pullRequest(owner: string, repo: string, number: number): PullRequestState | undefined {
    return this.pulls.get(`${owner}/${repo}#${number}`.toLowerCase());
  }

  pullRequestsFor(owner: string, repo: string): PullRequestState[] {
    const prefix = `${owner}/${repo}#`.toLowerCase();
    return [...this.pulls.entries()].filter(([key]) => key.startsWith(prefix)).map(([, pr]) => pr);
  }

  async prHeadSha(pr: PullRequestState): Promise<string | undefined> {
    if (pr.headSha) return pr.headSha;
    const repo = this.repository(pr.headRepo) ?? this.repository(`${pr.owner}/${pr.repo}`);
    return repo?.git.resolve(pr.headRef);
  }

  /** Open pull requests of `repo` whose head is `sha` (GitHub's check_run.pull_requests). */
  async pullRequestsAt(repo: RepoState, sha: string): Promise<PullRequestRefs[]> {
    const pulls: PullRequestRefs[] = [];
    for (const pr of this.pullRequestsFor(repo.owner, repo.name)) {
      if (pr.state === "open" && pr.headRepo === repo.fullName && (await this.prHeadSha(pr)) === sha) {
        pulls.push({
          number: pr.number,
          head: { ref: pr.headRef, sha, repo: pr.headRepo },
          base: { ref: pr.baseRef, sha: (await this.prBaseSha(pr)) ?? "", repo: repo.fullName },
        });
      }
    }
    return pulls;
  }

  async prBaseSha(pr: PullRequestState): Promise<string | undefined> {
    if (pr.baseSha) return pr.baseSha;
    return this.repository(`${pr.owner}/${pr.repo}`)?.git.resolve(pr.baseRef);
  }

  checkSuiteFor(repo: RepoState, headSha: string): CheckSuiteRecord {
    let suite = this.suites.find(
      (s) => s.owner === repo.owner && s.repo === repo.name && s.headSha === headSha,
    );
    if (!suite) {
      suite = { id: this.nextId(), owner: repo.owner, repo: repo.name, headSha, headBranch: null };
      this.suites.push(suite);
    }
    return suite;
  }

  checkSuiteById(repo: RepoState, id: number): CheckSuiteRecord | undefined {
    return this.suites.find((s) => s.id === id && s.owner === repo.owner && s.repo === repo.name);
  }

  storeCheckRun(run: CheckRunRecord): void {
    this.runs.push(run);
  }

  checkRunIn(repo: RepoState, id: number): CheckRunRecord | undefined {
    return this.runs.find((run) => run.id === id && run.owner === repo.owner && run.repo === repo.name);
  }

  checkRunsIn(repo: RepoState): CheckRunRecord[] {
    return this.runs.filter((run) => run.owner === repo.owner && run.repo === repo.name);
  }

  commentsIn(repo: RepoState): CommentRecord[] {
    return this.comments.filter((comment) => comment.owner === repo.owner && comment.repo === repo.name);
  }

  commentIn(repo: RepoState, id: number): CommentRecord | undefined {
    return this.commentsIn(repo).find((comment) => comment.id === id);
  }

  addReaction(
    commentId: number,
    content: string,
    user: string,
  ): { reaction: ReactionRecord; created: boolean } {
    const existing = this.reactionList.find(
      (r) => r.commentId === commentId && r.content === content && r.user === user,
    );
    if (existing) return { reaction: existing, created: false };
    const reaction: ReactionRecord = {
      id: this.nextId(),
      commentId,
      content,
      user,
      createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"),
    };
    this.reactionList.push(reaction);
    return { reaction, created: true };
  }

  /** The collaborator's role; undefined for anyone who is not a collaborator. */
  roleOf(repo: RepoState, username: string): RepositoryRole | undefined {
    return this.roles.get(`${repo.fullName}:${username}`.toLowerCase());
  }

  issueCodeloadToken(): string {
    const token = randomBytes(16).toString("hex");
    this.codeloadTokens.add(token);
    return token;
  }

  // ---- request pipeline -------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    const method = (req.method ?? "GET").toUpperCase();
    const path = url.pathname.replace(/^\/api\/v3(?=\/)/, "");
    const rawBody = await readBody(req);
    const record: RecordedRequest = {
      method,
      path,
      rawPath: url.pathname,
      operation: undefined,
      params: {},
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      status: 0,
      auth: "none",
      installationId: undefined,
      faulted: false,
      at: Date.now(),
    };
    this.requests.push(record);
    const reply = await this.process(req, url, method, path, rawBody, record);
    record.status = reply.status;
    const headers: Record<string, string> = {
      "x-github-api-version-selected": "2022-11-28",
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      "x-ratelimit-resource": "core",
      ...(reply.headers ?? {}),
    };
    if (reply.raw) {
      res.writeHead(reply.status, { "content-type": "application/octet-stream", ...headers });
      res.end(reply.raw);
    } else if (reply.body === undefined) {
      res.writeHead(reply.status, headers);
      res.end();
    } else {
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...headers });
      res.end(JSON.stringify(reply.body));
    }
  }

  private async process(
    req: IncomingMessage,
    url: URL,
    method: string,
    path: string,
    rawBody: Buffer,
    record: RecordedRequest,
  ): Promise<Reply> {
    const codeload = /^\/_codeload\/([^/]+)\/([^/]+)\/legacy\.tar\.gz\/([0-9a-f]{40})$/.exec(path);
    if (codeload && method === "GET") {
      record.operation = "codeload";
      return this.codeload(codeload[1] ?? "", codeload[2] ?? "", codeload[3] ?? "", url);
    }

    const blob = /^\/_blob\/artifacts\/(\d+)\.zip$/.exec(path);
    if (blob && method === "GET") {
      record.operation = "artifact-blob";
      const id = this.blobTokens.get(url.searchParams.get("sig") ?? "");
      const artifact = this.artifactList.find((a) => a.id === Number(blob[1]));
      if (id === undefined || id !== artifact?.id)
        return { status: 403, raw: Buffer.from("AuthenticationFailed") };
      const faulted = await this.applyFaults("GET", url.pathname, "artifact-blob");
      if (faulted) return faulted;
      return { status: 200, raw: Buffer.from(artifact.zip), headers: { "content-type": "application/zip" } };
    }

    const { match, knownPath } = matchRoute(method, path);
    if (!match) {
      const message = knownPath ? `${method} is not supported for ${path}` : "Not Found";
      return this.violation(record, 404, message, []);
    }
    record.operation = match.operation.key;

    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody.toString("utf8"));
      } catch {
        return this.violation(record, 400, "Problems parsing JSON", []);
      }
    }
    record.body = body;

    const auth = this.authenticate(req.headers.authorization, match.operation.key);
    record.auth = auth.kind;
    record.installationId = auth.installationId;
    if (auth.error) return this.violation(record, auth.error.status, auth.error.message, []);

    const validation = validateRequest(match, url.searchParams, body);
    if (!validation.ok) {
      return this.violation(
        record,
        validation.error.status,
        validation.error.message,
        validation.error.errors,
      );
    }
    record.params = validation.params;

    let repo: RepoState | undefined;
    if (typeof validation.params.owner === "string" && typeof validation.params.repo === "string") {
      repo = this.repository(`${validation.params.owner}/${validation.params.repo}`);
      const visible =
        repo !== undefined &&
        (auth.kind === "app" ||
          (auth.kind === "installation" && repo.installationId === auth.installationId) ||
          (auth.kind === "none" && !repo.private && method === "GET"));
      if (!visible) {
        if (auth.kind === "none" && method !== "GET")
          return this.violation(record, 401, "Requires authentication", []);
        return this.violation(record, 404, "Not Found", []);
      }
    }
    if (auth.kind === "none" && !(repo && !repo.private && method === "GET")) {
      return this.violation(record, 401, "Requires authentication", []);
    }
    if (auth.kind === "installation") {
      const installation = this.installations.get(auth.installationId ?? -1);
      const needed = requiredPermission(match.operation.key);
      const granted =
        needed.length === 0 ||
        needed.some(
          ([name, level]) =>
            LEVELS[installation?.permissions[name] ?? "read"] >= LEVELS[level] &&
            installation?.permissions[name] !== undefined,
        );
      if (!granted) return this.violation(record, 403, "Resource not accessible by integration", []);
    }

    const faulted = await this.applyFaults(method, path, match.operation.template);
    if (faulted) {
      record.faulted = true;
      return faulted;
    }

    const handler = handlers[match.operation.key];
    if (!handler)
      return this.violation(record, 404, `the fake does not implement ${match.operation.key}`, []);
    const ctx: HandlerContext = {
      fake: this,
      base: this.url,
      url,
      params: validation.params,
      query: validation.query,
      body: (body ?? {}) as Record<string, unknown>,
      accept: String(req.headers.accept ?? ""),
      repo,
      installationId: auth.installationId,
    };
    const reply = await handler(ctx);
    if (this.checkResponses && reply.status < 300 && reply.body !== undefined) {
      for (const problem of responseProblems(match.operation.key, reply.status, reply.body)) {
        this.responseProblems.push(`${match.operation.key} ${reply.status}: ${problem}`);
      }
    }
    if (reply.status === 422 || reply.status === 403 || reply.status === 404) {
      const refused = (reply.body ?? {}) as { message?: string; errors?: unknown[] };
      this.violations.push({
        method,
        path,
        status: reply.status,
        message: String(refused.message),
        errors: refused.errors ?? [],
        ...(this.expectedRefusals.has(`${reply.status} ${match.operation.key}`) ? { expected: true } : {}),
      });
    }
    return reply;
  }

  private violation(record: RecordedRequest, status: number, message: string, errors: unknown[]): Reply {
    this.violations.push({ method: record.method, path: record.path, status, message, errors });
    return fail(status, message, errors);
  }

  private authenticate(
    header: string | undefined,
    operationKey: string,
  ): {
    kind: RecordedRequest["auth"];
    installationId?: number;
    error?: { status: number; message: string };
  } {
    const appOperation = APP_OPERATIONS.has(operationKey);
    if (!header) return { kind: "none" };
    const [scheme = "", credential = ""] = header.trim().split(/\s+/, 2);
    if (!/^(bearer|token)$/i.test(scheme))
      return { kind: "invalid", error: { status: 401, message: "Bad credentials" } };
    if (credential.split(".").length === 3) {
      const check = verifyAppJwt(credential, this.app.id, this.app.publicKey, Date.now());
      if (!check.ok) return { kind: "invalid", error: { status: 401, message: check.message } };
      if (!appOperation) {
        return {
          kind: "app",
          error: {
            status: 401,
            message: "A JSON web token cannot be used to access this endpoint; use an installation token",
          },
        };
      }
      return { kind: "app" };
    }
    const issued = this.tokens.get(credential);
    if (!issued || issued.expiresAt <= Date.now()) {
      return { kind: "invalid", error: { status: 401, message: "Bad credentials" } };
    }
    if (appOperation) {
      return {
        kind: "installation",
        installationId: issued.installationId,
        error: { status: 401, message: "A JSON web token could not be decoded" },
      };
    }
    if (this.installations.get(issued.installationId)?.suspended) {
      return {
        kind: "installation",
        installationId: issued.installationId,
        error: { status: 403, message: "This installation has been suspended" },
      };
    }
    return { kind: "installation", installationId: issued.installationId };
  }

  private async applyFaults(method: string, path: string, template: string): Promise<Reply | undefined> {
    for (const fault of this.faults) {
      const { spec } = fault;
      if (spec.method && spec.method.toUpperCase() !== method) continue;
      const matches =
        spec.path instanceof RegExp ? spec.path.test(path) : spec.path === template || spec.path === path;
      if (!matches) continue;
      if (spec.times !== undefined && fault.hits >= spec.times) continue;
      fault.hits += 1;
      if (spec.delayMs) await new Promise((resolve) => setTimeout(resolve, spec.delayMs));
      if (spec.status === undefined && spec.rateLimit === undefined) return undefined;
      return faultReply(spec);
    }
    return undefined;
  }

  private async codeload(owner: string, name: string, sha: string, url: URL): Promise<Reply> {
    const token = url.searchParams.get("token") ?? "";
    if (!this.codeloadTokens.has(token)) return { status: 404, raw: Buffer.from("404: Not Found") };
    const repo = this.repository(`${owner}/${name}`);
    if (!repo || !(await repo.git.resolve(sha))) return { status: 404, raw: Buffer.from("404: Not Found") };
    const faulted = await this.applyFaults("GET", url.pathname, "codeload");
    if (faulted) return faulted;
    const archive = await repo.git.archive(sha, `${repo.owner}-${repo.name}-${sha.slice(0, 7)}`);
    return {
      status: 200,
      raw: archive,
      headers: {
        "content-type": "application/x-gzip",
        "content-disposition": `attachment; filename=${repo.owner}-${repo.name}-${sha.slice(0, 7)}.tar.gz`,
      },
    };
  }
}

function faultReply(spec: FaultSpec): Reply {
  const headers: Record<string, string> = { ...(spec.headers ?? {}) };
  if (spec.rateLimit === "secondary") {
    headers["retry-after"] = String(spec.retryAfter ?? 1);
    return {
      status: 403,
      headers,
      body: spec.body ?? {
        message:
          "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
        documentation_url:
          "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits",
        status: "403",
      },
    };
  }
  if (spec.rateLimit === "primary") {
    headers["x-ratelimit-remaining"] = "0";
    headers["x-ratelimit-reset"] = String(Math.floor(Date.now() / 1000) + (spec.retryAfter ?? 1));
    return {
      status: spec.status ?? 403,
      headers,
      body: spec.body ?? errorBody(403, "API rate limit exceeded for installation."),
    };
  }
  const status = spec.status ?? 500;
  if (spec.retryAfter !== undefined) headers["retry-after"] = String(spec.retryAfter);
  return {
    status,
    headers,
    body: spec.body ?? errorBody(status, status >= 500 ? "Server Error" : "Injected fault"),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
