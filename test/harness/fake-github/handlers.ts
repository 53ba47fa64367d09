/**
 * The fake's endpoint implementations, keyed by OpenAPI operation ("METHOD /template"). Requests reach
 * them only after routing, auth and schema validation; they add GitHub's semantic rules on top.
 */

import {
  base64Lines,
  commitJson,
  DOCS,
  EPOCH,
  errorBody,
  gitCommitJson,
  loginId,
  nodeId,
  repositoryUrls,
  userJson,
} from "./json.ts";
import type { FakeGitHub } from "./server.ts";
import type { Annotation, CheckRunRecord, CommentRecord, PullRequestState, RepoState } from "./state.ts";

export interface Reply {
  status: number;
  body?: unknown;
  raw?: Buffer;
  headers?: Record<string, string>;
}

export interface HandlerContext {
  fake: FakeGitHub;
  /** Base URL as the client sees it (http://127.0.0.1:port). */
  base: string;
  url: URL;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
  accept: string;
  repo: RepoState | undefined;
  installationId: number | undefined;
}

export type Handler = (ctx: HandlerContext) => Promise<Reply> | Reply;

export function fail(status: number, message: string, errors?: unknown[]): Reply {
  return { status, body: errorBody(status, message, errors) };
}

const notFound = (): Reply => fail(404, "Not Found");
const invalid = (message: string, errors: unknown[] = []): Reply => fail(422, message, errors);

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
const wantsRaw = (accept: string) => /application\/vnd\.github(\.v3)?\.raw/.test(accept);

function repoOf(ctx: HandlerContext): RepoState {
  if (!ctx.repo) throw new Error("handler needs a repository");
  return ctx.repo;
}

/** per_page (default 30, capped at 100 as GitHub does) and page; builds the Link header. */
function paginate<T>(ctx: HandlerContext, items: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.per_page ?? 30)));
  const page = Math.max(1, Number(ctx.query.page ?? 1));
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (n: number, rel: string) => {
    const url = new URL(`${ctx.base}${ctx.url.pathname}`);
    for (const [key, value] of ctx.url.searchParams) url.searchParams.set(key, value);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links: string[] = [];
  if (page > 1) links.push(link(page - 1, "prev"), link(1, "first"));
  if (page < last) links.push(link(page + 1, "next"), link(last, "last"));
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length > 0 ? { link: links.join(", ") } : {},
  };
}

/** A repository as GitHub sends it (full-repository; every field its schemas require). */
export function repoJson(ctx: HandlerContext, repo: RepoState, withParent = true): Record<string, unknown> {
  const parent = withParent && repo.forkOf ? ctx.fake.repository(repo.forkOf) : undefined;
  const parentJson = parent ? repoJson(ctx, parent, false) : undefined;
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: repo.fullName,
    private: repo.private,
    visibility: repo.private ? "private" : "public",
    owner: userJson(ctx.base, repo.owner, "Organization"),
    description: null,
    fork: repo.forkOf !== undefined,
    ...repositoryUrls(ctx.base, repo.fullName),
    homepage: null,
    language: null,
    license: null,
    size: 0,
    default_branch: repo.defaultBranch,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    open_issues: 0,
    open_issues_count: 0,
    network_count: 0,
    subscribers_count: 0,
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: false,
    has_discussions: false,
    archived: false,
    disabled: false,
    created_at: EPOCH,
    updated_at: EPOCH,
    pushed_at: EPOCH,
    ...(parentJson ? { parent: parentJson, source: parentJson } : {}),
  };
}

/** The app itself (integration), as GitHub sends it in check runs, suites and comments. */
function appJson(ctx: HandlerContext) {
  const app = ctx.fake.app;
  return {
    id: app.id,
    slug: app.slug,
    client_id: `Iv1.${app.id}`,
    node_id: nodeId("App", app.id),
    owner: userJson(ctx.base, app.owner, "Organization"),
    name: app.name,
    description: "",
    external_url: ctx.base,
    html_url: `${ctx.base}/apps/${app.slug}`,
    created_at: EPOCH,
    updated_at: EPOCH,
    permissions: app.permissions,
    events: app.events,
    installations_count: ctx.fake.installationCount(),
  };
}

function installationJson(ctx: HandlerContext, id: number) {
  const installation = ctx.fake.installation(id);
  if (!installation) return undefined;
  const app = ctx.fake.app;
  return {
    id: installation.id,
    account: userJson(ctx.base, installation.account, installation.accountType),
    repository_selection: "selected",
    access_tokens_url: `${ctx.base}/app/installations/${installation.id}/access_tokens`,
    repositories_url: `${ctx.base}/installation/repositories`,
    html_url: `${ctx.base}/settings/installations/${installation.id}`,
    app_id: app.id,
    app_slug: app.slug,
    target_id: loginId(installation.account),
    target_type: installation.accountType,
    permissions: installation.permissions,
    events: installation.events,
    created_at: EPOCH,
    updated_at: EPOCH,
    single_file_name: null,
    suspended_at: installation.suspended ? EPOCH : null,
    suspended_by: null,
  };
}

function checkRunJson(ctx: HandlerContext, run: CheckRunRecord) {
  const repoPath = `${run.owner}/${run.repo}`;
  const url = `${ctx.base}/repos/${repoPath}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId("CheckRun", run.id),
    external_id: run.externalId,
    url,
    html_url: `${ctx.base}/${repoPath}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.annotations.length,
      annotations_url: `${url}/annotations`,
    },
    name: run.name,
    check_suite: { id: run.checkSuiteId },
    app: appJson(ctx),
    pull_requests: run.pulls.map((pr) => ({
      id: pr.number,
      number: pr.number,
      url: `${ctx.base}/repos/${repoPath}/pulls/${pr.number}`,
      head: { ref: pr.head.ref, sha: pr.head.sha, repo: minimalRepo(ctx, pr.head.repo) },
      base: { ref: pr.base.ref, sha: pr.base.sha, repo: minimalRepo(ctx, pr.base.repo) },
    })),
  };
}

function minimalRepo(ctx: HandlerContext, fullName: string) {
  const repo = ctx.fake.repository(fullName);
  return {
    id: repo?.id ?? 0,
    url: `${ctx.base}/repos/${fullName}`,
    name: repo?.name ?? fullName.split("/")[1],
  };
}

function commentJson(ctx: HandlerContext, comment: CommentRecord) {
  const repoPath = `${comment.owner}/${comment.repo}`;
  return {
    id: comment.id,
    node_id: nodeId("IssueComment", comment.id),
    url: `${ctx.base}/repos/${repoPath}/issues/comments/${comment.id}`,
    html_url: `${ctx.base}/${repoPath}/pull/${comment.issueNumber}#issuecomment-${comment.id}`,
    issue_url: `${ctx.base}/repos/${repoPath}/issues/${comment.issueNumber}`,
    body: comment.body,
    user: userJson(ctx.base, comment.author, comment.authorType),
    created_at: comment.createdAt,
    updated_at: comment.updatedAt,
    author_association: comment.authorType === "Bot" ? "NONE" : "MEMBER",
    ...(comment.authorType === "Bot" ? { performed_via_github_app: appJson(ctx) } : {}),
  };
}

/** A pull request as GET pulls/{number} and POST pulls answer it (the full "pull-request" schema). */
async function fullPullJson(ctx: HandlerContext, repo: RepoState, pr: PullRequestState) {
  const json = await pullJson(ctx, pr);
  const { files } = await changedFiles(repo, json.base.sha, json.head.sha);
  return {
    ...json,
    additions: files.reduce((sum, file) => sum + file.additions, 0),
    deletions: files.reduce((sum, file) => sum + file.deletions, 0),
    changed_files: files.length,
    commits: (await repo.git.commitsBetween(json.base.sha, json.head.sha)).length,
    comments: ctx.fake.commentsIn(repo).filter((comment) => comment.issueNumber === pr.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    mergeable: null,
    mergeable_state: "unknown",
    merged: false,
    merged_by: null,
  };
}

async function pullJson(ctx: HandlerContext, pr: PullRequestState) {
  const repo = repoOf(ctx);
  const headRepo = ctx.fake.repository(pr.headRepo) ?? repo;
  const headSha = (await ctx.fake.prHeadSha(pr)) ?? "";
  const baseSha = (await ctx.fake.prBaseSha(pr)) ?? "";
  const api = `${ctx.base}/repos/${repo.fullName}`;
  const url = `${api}/pulls/${pr.number}`;
  const html = `${ctx.base}/${repo.fullName}/pull/${pr.number}`;
  return {
    id: pr.number,
    node_id: nodeId("PullRequest", `${repo.fullName}#${pr.number}`),
    url,
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${api}/issues/${pr.number}`,
    commits_url: `${url}/commits`,
    review_comments_url: `${url}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${api}/issues/${pr.number}/comments`,
    statuses_url: `${api}/statuses/${headSha}`,
    _links: {
      self: { href: url },
      html: { href: html },
      issue: { href: `${api}/issues/${pr.number}` },
      comments: { href: `${api}/issues/${pr.number}/comments` },
      review_comments: { href: `${url}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${url}/commits` },
      statuses: { href: `${api}/statuses/${headSha}` },
    },
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    labels: [],
    milestone: null,
    auto_merge: null,
    active_lock_reason: null,
    number: pr.number,
    state: pr.state,
    locked: false,
    title: pr.title,
    body: pr.body,
    draft: pr.draft,
    user: userJson(ctx.base, pr.author),
    created_at: EPOCH,
    updated_at: EPOCH,
    closed_at: null,
    merged_at: null,
    merge_commit_sha: null,
    author_association: "CONTRIBUTOR",
    head: {
      label: `${headRepo.owner}:${pr.headRef}`,
      ref: pr.headRef,
      sha: headSha,
      user: userJson(ctx.base, headRepo.owner, headRepo.forkOf ? "User" : "Organization"),
      repo: repoJson(ctx, headRepo),
    },
    base: {
      label: `${repo.owner}:${pr.baseRef}`,
      ref: pr.baseRef,
      sha: baseSha,
      user: userJson(ctx.base, repo.owner, "Organization"),
      repo: repoJson(ctx, repo),
    },
  };
}

function checkAnnotations(annotations: Annotation[]): Reply | undefined {
  for (const [index, annotation] of annotations.entries()) {
    const field = `output.annotations[${index}]`;
    const hasColumns = annotation.start_column !== undefined || annotation.end_column !== undefined;
    if (hasColumns && annotation.start_line !== annotation.end_line) {
      return invalid("Validation Failed", [
        {
          resource: "CheckRun",
          code: "invalid",
          field,
          message: "Columns are allowed only on single-line annotations",
        },
      ]);
    }
    if (annotation.start_line < 1) {
      return invalid("Validation Failed", [
        { resource: "CheckRun", code: "invalid", field: `${field}.start_line`, message: "must be 1 or more" },
      ]);
    }
    if (
      annotation.start_column !== undefined &&
      annotation.end_column !== undefined &&
      annotation.start_column > annotation.end_column
    ) {
      return invalid("Validation Failed", [
        {
          resource: "CheckRun",
          code: "invalid",
          field: `${field}.start_column`,
          message: "start_column must not be greater than end_column",
        },
      ]);
    }
    if (annotation.end_line < annotation.start_line) {
      return invalid("Validation Failed", [
        { resource: "CheckRun", code: "invalid", field: `${field}.end_line` },
      ]);
    }
    if ((annotation.title?.length ?? 0) > 255) {
      return invalid("Validation Failed", [
        { resource: "CheckRun", code: "invalid", field: `${field}.title` },
      ]);
    }
    for (const key of ["message", "raw_details"] as const) {
      if (Buffer.byteLength(annotation[key] ?? "") > 64 * 1024) {
        return invalid("Validation Failed", [
          { resource: "CheckRun", code: "invalid", field: `${field}.${key}` },
        ]);
      }
    }
  }
  return undefined;
}

/** Applies a create/update body to a check run; returns an error reply when GitHub would refuse it. */
function applyCheckRunBody(ctx: HandlerContext, run: CheckRunRecord, isCreate: boolean): Reply | undefined {
  const body = ctx.body;
  if ((isCreate || body.name !== undefined) && String(body.name ?? "").trim() === "") {
    return invalid("Validation Failed", [
      { resource: "CheckRun", code: "missing_field", field: "name", message: "name can't be blank" },
    ]);
  }
  const output = body.output as
    | { title?: string; summary?: string; text?: string; annotations?: Annotation[] }
    | undefined;
  if (output && (output.title === undefined || output.summary === undefined)) {
    return invalid('Invalid request.\n\n"title" and "summary" are required when "output" is given.');
  }
  const conclusion = str(body.conclusion);
  const status = str(body.status) ?? (conclusion ? "completed" : undefined);
  if ((status === "completed" || body.completed_at !== undefined) && !conclusion && !run.conclusion) {
    return invalid('Invalid request.\n\n"conclusion" is required when "status" is "completed".');
  }
  if (conclusion === "action_required" && !str(body.details_url) && !run.detailsUrl) {
    return invalid('Invalid request.\n\n"details_url" is required when "conclusion" is "action_required".');
  }
  if (conclusion === "stale")
    return invalid("Invalid request.\n\nOnly GitHub can set a conclusion of stale.");
  const annotationError = checkAnnotations(output?.annotations ?? []);
  if (annotationError) return annotationError;
  if (!isCreate && str(body.name)) run.name = str(body.name) ?? run.name;
  if (str(body.details_url) !== undefined) run.detailsUrl = str(body.details_url) ?? null;
  if (str(body.external_id) !== undefined) run.externalId = str(body.external_id) ?? null;
  if (str(body.started_at)) run.startedAt = str(body.started_at) ?? run.startedAt;
  if (status) run.status = status;
  if (conclusion) {
    run.conclusion = conclusion;
    run.status = "completed";
  }
  if (run.status === "completed") run.completedAt = str(body.completed_at) ?? run.completedAt ?? now();
  if (output) {
    run.output = {
      title: output.title ?? null,
      summary: output.summary ?? null,
      text: output.text ?? run.output.text,
    };
    run.annotations.push(...(output.annotations ?? []));
  }
  if (Array.isArray(body.actions)) run.actions = body.actions as CheckRunRecord["actions"];
  return undefined;
}

async function resolveCommit(repo: RepoState, ref: string): Promise<string | undefined> {
  return repo.git.resolve(ref);
}

async function treeReply(ctx: HandlerContext): Promise<Reply> {
  const repo = repoOf(ctx);
  const treeSha = await repo.git.resolve(String(ctx.params.tree_sha), "tree");
  if (!treeSha) return notFound();
  const recursive = ctx.query.recursive !== undefined;
  const entries = await repo.git.tree(treeSha, recursive);
  const limit = ctx.fake.treeEntryLimit;
  const truncated = entries.length > limit;
  const kept = truncated ? entries.slice(0, limit) : entries;
  return {
    status: 200,
    body: {
      sha: treeSha,
      url: `${ctx.base}/repos/${repo.fullName}/git/trees/${treeSha}`,
      tree: kept.map((entry) => ({
        path: entry.path,
        mode: entry.mode,
        type: entry.type,
        sha: entry.sha,
        ...(entry.size !== undefined ? { size: entry.size } : {}),
        ...(entry.type !== "commit"
          ? { url: `${ctx.base}/repos/${repo.fullName}/git/${entry.type}s/${entry.sha}` }
          : {}),
      })),
      truncated,
    },
  };
}

async function contentsReply(ctx: HandlerContext): Promise<Reply> {
  const repo = repoOf(ctx);
  const ref = str(ctx.query.ref) ?? repo.defaultBranch;
  const commit = await resolveCommit(repo, ref);
  if (!commit) return fail(404, `No commit found for the ref ${ref}`);
  const path = String(ctx.params.path).replace(/\/+$/, "");
  const entry = await repo.git.entryAt(commit, path);
  if (!entry) return notFound();
  const repoPath = repo.fullName;
  const describe = (e: { path: string; type: string; sha: string; size?: number; mode: string }) => {
    const type =
      e.type === "tree"
        ? "dir"
        : e.type === "commit"
          ? "submodule"
          : e.mode === "120000"
            ? "symlink"
            : "file";
    const url = `${ctx.base}/repos/${repoPath}/contents/${e.path}?ref=${ref}`;
    const gitUrl = `${ctx.base}/repos/${repoPath}/git/${e.type === "tree" ? "trees" : "blobs"}/${e.sha}`;
    const htmlUrl = `${ctx.base}/${repoPath}/blob/${ref}/${e.path}`;
    return {
      type,
      size: e.size ?? 0,
      name: e.path.split("/").pop() ?? e.path,
      path: e.path,
      sha: e.sha,
      url,
      git_url: gitUrl,
      html_url: htmlUrl,
      download_url: type === "file" ? `${ctx.base}/raw/${repoPath}/${commit}/${e.path}` : null,
      _links: { self: url, git: gitUrl, html: htmlUrl },
    };
  };
  if (entry.type === "tree") {
    const children = (await repo.git.tree(`${commit}:${path}`, false)).map((child) => ({
      ...child,
      path: `${path}/${child.path}`,
    }));
    return { status: 200, body: children.slice(0, 1000).map(describe) };
  }
  if (entry.type === "commit") return { status: 200, body: { ...describe(entry), submodule_git_url: "" } };
  const content = await repo.git.blob(entry.sha);
  if (wantsRaw(ctx.accept)) {
    if (content.length > 100 * 1024 * 1024) return fail(403, "This API returns blobs up to 100 MB in size.");
    return {
      status: 200,
      raw: content,
      headers: { "content-type": "application/vnd.github.raw; charset=utf-8" },
    };
  }
  if (entry.mode === "120000")
    return { status: 200, body: { ...describe(entry), target: content.toString("utf8") } };
  const tooBig = content.length > 1024 * 1024;
  return {
    status: 200,
    body: {
      ...describe(entry),
      encoding: tooBig ? "none" : "base64",
      content: tooBig ? "" : base64Lines(content),
    },
  };
}

/** Files between merge-base(base, head) and head, as GitHub lists them for PRs and compares. */
async function changedFiles(repo: RepoState, base: string, head: string) {
  const mergeBase = (await repo.git.mergeBase(base, head)) ?? base;
  const files = await repo.git.diff(mergeBase, head);
  return { mergeBase, files };
}

function fileJson(
  ctx: HandlerContext,
  repo: RepoState,
  head: string,
  file: Awaited<ReturnType<RepoState["git"]["diff"]>>[number],
) {
  return {
    sha: file.sha,
    filename: file.filename,
    status: file.status,
    additions: file.additions,
    deletions: file.deletions,
    changes: file.changes,
    blob_url: `${ctx.base}/${repo.fullName}/blob/${head}/${file.filename}`,
    raw_url: `${ctx.base}/${repo.fullName}/raw/${head}/${file.filename}`,
    contents_url: `${ctx.base}/repos/${repo.fullName}/contents/${file.filename}?ref=${head}`,
    ...(file.previous_filename ? { previous_filename: file.previous_filename } : {}),
  };
}

function checkRunsList(ctx: HandlerContext, runs: CheckRunRecord[]): Reply {
  let selected = runs;
  if (str(ctx.query.check_name)) selected = selected.filter((run) => run.name === ctx.query.check_name);
  if (str(ctx.query.status)) selected = selected.filter((run) => run.status === ctx.query.status);
  if ((ctx.query.filter ?? "latest") === "latest") {
    const latest = new Map<string, CheckRunRecord>();
    for (const run of selected) latest.set(run.name, run);
    selected = selected.filter((run) => latest.get(run.name) === run);
  }
  selected = [...selected].sort((a, b) => b.id - a.id);
  const page = paginate(ctx, selected);
  return {
    status: 200,
    headers: page.headers,
    body: { total_count: selected.length, check_runs: page.items.map((run) => checkRunJson(ctx, run)) },
  };
}

async function headCommitJson(repo: RepoState, sha: string) {
  const commit = await repo.git.commit(sha);
  return {
    id: commit.sha,
    tree_id: commit.tree,
    message: commit.message,
    timestamp: commit.committer.date,
    author: { name: commit.author.name, email: commit.author.email },
    committer: { name: commit.committer.name, email: commit.committer.email },
  };
}

const REACTION_CONTENT = new Set(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);

export const handlers: Record<string, Handler> = {
  "GET /app": (ctx) => ({ status: 200, body: appJson(ctx) }),

  "GET /app/installations": (ctx) => {
    const page = paginate(ctx, ctx.fake.installationIds());
    return { status: 200, headers: page.headers, body: page.items.map((id) => installationJson(ctx, id)) };
  },

  "GET /app/installations/{installation_id}": (ctx) => {
    const json = installationJson(ctx, Number(ctx.params.installation_id));
    return json ? { status: 200, body: json } : notFound();
  },

  "POST /app/installations/{installation_id}/access_tokens": (ctx) => {
    const installation = ctx.fake.installation(Number(ctx.params.installation_id));
    if (!installation) return notFound();
    if (installation.suspended) return fail(403, "This installation has been suspended");
    const issued = ctx.fake.issueInstallationToken(installation.id);
    return {
      status: 201,
      body: {
        token: issued.token,
        expires_at: new Date(issued.expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
        permissions: installation.permissions,
        repository_selection: "selected",
      },
    };
  },

  "GET /installation/repositories": (ctx) => {
    const repos = ctx.fake.repositoriesOf(ctx.installationId ?? -1);
    const page = paginate(ctx, repos);
    return {
      status: 200,
      headers: page.headers,
      body: {
        total_count: repos.length,
        repository_selection: "selected",
        repositories: page.items.map((repo) => repoJson(ctx, repo)),
      },
    };
  },

  "GET /repos/{owner}/{repo}": (ctx) => ({ status: 200, body: repoJson(ctx, repoOf(ctx)) }),

  "GET /repos/{owner}/{repo}/installation": (ctx) => {
    const id = repoOf(ctx).installationId;
    const json = id === undefined ? undefined : installationJson(ctx, id);
    return json ? { status: 200, body: json } : notFound();
  },

  "POST /repos/{owner}/{repo}/check-runs": async (ctx) => {
    const repo = repoOf(ctx);
    const headSha = String(ctx.body.head_sha);
    const resolved = /^[0-9a-f]{40}$/.test(headSha) ? await repo.git.resolve(headSha) : undefined;
    if (!resolved) {
      return invalid(`No commit found for SHA: ${headSha}`, [
        { resource: "CheckRun", code: "invalid", field: "head_sha" },
      ]);
    }
    const suite = ctx.fake.checkSuiteFor(repo, resolved);
    const run: CheckRunRecord = {
      id: ctx.fake.nextId(),
      owner: repo.owner,
      repo: repo.name,
      name: String(ctx.body.name),
      headSha: resolved,
      status: "queued",
      conclusion: null,
      startedAt: now(),
      completedAt: null,
      detailsUrl: null,
      externalId: null,
      output: { title: null, summary: null, text: null },
      annotations: [],
      actions: [],
      checkSuiteId: suite.id,
      pulls: await ctx.fake.pullRequestsAt(repo, resolved),
      updates: 0,
    };
    const error = applyCheckRunBody(ctx, run, true);
    if (error) return error;
    ctx.fake.storeCheckRun(run);
    return { status: 201, body: checkRunJson(ctx, run) };
  },

  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}": (ctx) => {
    const run = ctx.fake.checkRunIn(repoOf(ctx), Number(ctx.params.check_run_id));
    return run ? { status: 200, body: checkRunJson(ctx, run) } : notFound();
  },

  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": (ctx) => {
    const stored = ctx.fake.checkRunIn(repoOf(ctx), Number(ctx.params.check_run_id));
    if (!stored) return notFound();
    // Validate against a copy so a refused update leaves the stored run untouched.
    const draft: CheckRunRecord = structuredClone(stored);
    const error = applyCheckRunBody(ctx, draft, false);
    if (error) return error;
    draft.updates += 1;
    Object.assign(stored, draft);
    return { status: 200, body: checkRunJson(ctx, stored) };
  },

  "GET /repos/{owner}/{repo}/check-runs/{check_run_id}/annotations": (ctx) => {
    const run = ctx.fake.checkRunIn(repoOf(ctx), Number(ctx.params.check_run_id));
    if (!run) return notFound();
    const page = paginate(ctx, run.annotations);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((annotation) => ({
        path: annotation.path,
        start_line: annotation.start_line,
        end_line: annotation.end_line,
        start_column: annotation.start_column ?? null,
        end_column: annotation.end_column ?? null,
        annotation_level: annotation.annotation_level,
        title: annotation.title ?? null,
        message: annotation.message,
        raw_details: annotation.raw_details ?? null,
        blob_href: `${ctx.base}/${run.owner}/${run.repo}/blob/${run.headSha}/${annotation.path}`,
      })),
    };
  },

  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": async (ctx) => {
    const repo = repoOf(ctx);
    const sha = await resolveCommit(repo, String(ctx.params.ref));
    if (!sha) return fail(422, `No commit found for SHA: ${ctx.params.ref}`);
    return checkRunsList(
      ctx,
      ctx.fake.checkRunsIn(repo).filter((run) => run.headSha === sha),
    );
  },

  "GET /repos/{owner}/{repo}/check-suites/{check_suite_id}": async (ctx) => {
    const repo = repoOf(ctx);
    const suite = ctx.fake.checkSuiteById(repo, Number(ctx.params.check_suite_id));
    if (!suite) return notFound();
    const runs = ctx.fake.checkRunsIn(repo).filter((run) => run.checkSuiteId === suite.id);
    const completed = runs.length > 0 && runs.every((run) => run.status === "completed");
    const conclusions = runs.map((run) => run.conclusion);
    const conclusion = !completed
      ? null
      : conclusions.includes("failure")
        ? "failure"
        : conclusions.every((c) => c === "success" || c === "neutral" || c === "skipped")
          ? "success"
          : (conclusions.find((c) => c !== "success") ?? "success");
    return {
      status: 200,
      body: {
        id: suite.id,
        node_id: nodeId("CheckSuite", suite.id),
        head_branch: suite.headBranch,
        head_sha: suite.headSha,
        status: runs.length === 0 ? "queued" : completed ? "completed" : "in_progress",
        conclusion,
        url: `${ctx.base}/repos/${repo.fullName}/check-suites/${suite.id}`,
        before: null,
        after: suite.headSha,
        pull_requests: [],
        app: appJson(ctx),
        repository: repoJson(ctx, repo),
        created_at: EPOCH,
        updated_at: EPOCH,
        latest_check_runs_count: runs.length,
        check_runs_url: `${ctx.base}/repos/${repo.fullName}/check-suites/${suite.id}/check-runs`,
        head_commit: await headCommitJson(repo, suite.headSha),
      },
    };
  },

  "GET /repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs": (ctx) => {
    const repo = repoOf(ctx);
    const suiteId = Number(ctx.params.check_suite_id);
    if (!ctx.fake.checkSuiteById(repo, suiteId)) return notFound();
    return checkRunsList(
      ctx,
      ctx.fake.checkRunsIn(repo).filter((run) => run.checkSuiteId === suiteId),
    );
  },

  "GET /repos/{owner}/{repo}/tarball/{ref}": async (ctx) => {
    const repo = repoOf(ctx);
    const sha = await resolveCommit(repo, String(ctx.params.ref));
    if (!sha) return notFound();
    const token = ctx.fake.issueCodeloadToken();
    return {
      status: 302,
      headers: { location: `${ctx.base}/_codeload/${repo.fullName}/legacy.tar.gz/${sha}?token=${token}` },
    };
  },

  "GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts": async (ctx) => {
    const repo = repoOf(ctx);
    const name = ctx.query.name === undefined ? undefined : String(ctx.query.name);
    const all = ctx.fake
      .artifactsOf(repo, Number(ctx.params.run_id))
      .filter((artifact) => name === undefined || artifact.name === name)
      .sort((a, b) => b.id - a.id);
    const perPage = Math.min(Number(ctx.query.per_page ?? 30), 100);
    const page = Math.max(Number(ctx.query.page ?? 1), 1);
    const slice = all.slice((page - 1) * perPage, page * perPage);
    return {
      status: 200,
      body: {
        total_count: all.length,
        artifacts: slice.map((artifact) => {
          const url = `${ctx.base}/repos/${repo.fullName}/actions/artifacts/${artifact.id}`;
          return {
            id: artifact.id,
            node_id: `MDg6QXJ0aWZhY3Qx${artifact.id}`,
            name: artifact.name,
            size_in_bytes: artifact.zip.length,
            url,
            archive_download_url: `${url}/zip`,
            expired: artifact.expired,
            created_at: artifact.createdAt,
            updated_at: artifact.createdAt,
            expires_at: new Date(Date.parse(artifact.createdAt) + 90 * 86_400_000)
              .toISOString()
              .replace(/\.\d{3}Z$/, "Z"),
            workflow_run: {
              id: artifact.runId,
              repository_id: repo.id,
              head_repository_id: repo.id,
              head_branch: artifact.headBranch,
              head_sha: artifact.headSha,
            },
          };
        }),
      },
    };
  },

  "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}": async (ctx) => {
    const repo = repoOf(ctx);
    const artifact = ctx.fake.artifactIn(repo, Number(ctx.params.artifact_id));
    if (!artifact || ctx.params.archive_format !== "zip") return notFound();
    if (artifact.expired)
      return {
        status: 410,
        body: {
          message: "Artifact has expired",
          documentation_url: "https://docs.github.com/rest/actions/artifacts#download-an-artifact",
          status: "410",
        },
      };
    const sig = ctx.fake.issueBlobToken(artifact.id);
    return {
      status: 302,
      headers: { location: `${ctx.base}/_blob/artifacts/${artifact.id}.zip?sig=${sig}` },
    };
  },

  "GET /repos/{owner}/{repo}/git/trees/{tree_sha}": treeReply,

  "GET /repos/{owner}/{repo}/git/blobs/{file_sha}": async (ctx) => {
    const repo = repoOf(ctx);
    const sha = String(ctx.params.file_sha);
    if (!/^[0-9a-f]{40}$/.test(sha) || (await repo.git.objectType(sha)) !== "blob") return notFound();
    const content = await repo.git.blob(sha);
    if (wantsRaw(ctx.accept)) {
      return { status: 200, raw: content, headers: { "content-type": "application/vnd.github.raw" } };
    }
    return {
      status: 200,
      body: {
        sha,
        node_id: nodeId("Blob", sha),
        size: content.length,
        url: `${ctx.base}/repos/${repo.fullName}/git/blobs/${sha}`,
        content: base64Lines(content),
        encoding: "base64",
      },
    };
  },

  "GET /repos/{owner}/{repo}/git/commits/{commit_sha}": async (ctx) => {
    const repo = repoOf(ctx);
    const sha = String(ctx.params.commit_sha);
    if (!/^[0-9a-f]{40}$/.test(sha) || (await repo.git.objectType(sha)) !== "commit") return notFound();
    return { status: 200, body: gitCommitJson(ctx.base, repo.fullName, await repo.git.commit(sha)) };
  },

  "GET /repos/{owner}/{repo}/git/ref/{ref}": async (ctx) => {
    const repo = repoOf(ctx);
    const ref = `refs/${String(ctx.params.ref)}`;
    const sha = await repo.git.resolve(ref);
    if (!sha) return notFound();
    return {
      status: 200,
      body: {
        ref,
        node_id: nodeId("Ref", ref),
        url: `${ctx.base}/repos/${repo.fullName}/git/${ref}`,
        object: { sha, type: "commit", url: `${ctx.base}/repos/${repo.fullName}/git/commits/${sha}` },
      },
    };
  },

  "POST /repos/{owner}/{repo}/git/refs": async (ctx) => {
    const repo = repoOf(ctx);
    const ref = String(ctx.body.ref);
    const sha = String(ctx.body.sha);
    if (!/^refs\/heads\/[^\s~^:?*[\\]+$/.test(ref) || ref.includes(".."))
      return invalid("Reference name is not valid");
    if ((await repo.git.objectType(sha)) !== "commit") return invalid("Object does not exist");
    if (!repo.git.createRef(ref, sha)) return invalid("Reference already exists");
    return {
      status: 201,
      body: {
        ref,
        node_id: nodeId("Ref", ref),
        url: `${ctx.base}/repos/${repo.fullName}/git/${ref}`,
        object: { sha, type: "commit", url: `${ctx.base}/repos/${repo.fullName}/git/commits/${sha}` },
      },
    };
  },

  "PUT /repos/{owner}/{repo}/contents/{path}": async (ctx) => {
    const repo = repoOf(ctx);
    const path = String(ctx.params.path);
    const branch = str(ctx.body.branch) ?? repo.defaultBranch;
    const head = await repo.git.resolve(`refs/heads/${branch}`);
    if (!head) return fail(404, `Branch ${branch} not found`);
    const existing = await repo.git.entryAt(head, path);
    if (existing && str(ctx.body.sha) !== existing.sha) return invalid(`"sha" wasn't supplied.`);
    const content = Buffer.from(String(ctx.body.content), "base64");
    const commit = repo.git.commitFile(branch, path, content, String(ctx.body.message));
    const entry = (await repo.git.entryAt(commit, path))!;
    const url = `${ctx.base}/repos/${repo.fullName}/contents/${path}?ref=${branch}`;
    const gitUrl = `${ctx.base}/repos/${repo.fullName}/git/blobs/${entry.sha}`;
    const htmlUrl = `${ctx.base}/${repo.fullName}/blob/${branch}/${path}`;
    return {
      status: existing ? 200 : 201,
      body: {
        content: {
          name: path.split("/").pop() ?? path,
          path,
          sha: entry.sha,
          size: content.length,
          url,
          html_url: htmlUrl,
          git_url: gitUrl,
          download_url: `${ctx.base}/raw/${repo.fullName}/${commit}/${path}`,
          type: "file",
          _links: { self: url, git: gitUrl, html: htmlUrl },
        },
        commit: gitCommitJson(ctx.base, repo.fullName, await repo.git.commit(commit)),
      },
    };
  },

  "GET /repos/{owner}/{repo}/commits/{ref}": async (ctx) => {
    const repo = repoOf(ctx);
    const sha = await resolveCommit(repo, String(ctx.params.ref));
    if (!sha) return fail(422, `No commit found for SHA: ${ctx.params.ref}`);
    const commit = await repo.git.commit(sha);
    const parent = commit.parents[0];
    const files = parent ? await repo.git.diff(parent, sha) : [];
    const capped = files.slice(0, 300);
    const additions = files.reduce((sum, file) => sum + file.additions, 0);
    const deletions = files.reduce((sum, file) => sum + file.deletions, 0);
    return {
      status: 200,
      body: {
        ...commitJson(ctx.base, repo.fullName, commit),
        stats: { total: additions + deletions, additions, deletions },
        files: capped.map((file) => fileJson(ctx, repo, sha, file)),
      },
    };
  },

  "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls": async (ctx) => {
    const repo = repoOf(ctx);
    const sha = await resolveCommit(repo, String(ctx.params.commit_sha));
    if (!sha) return fail(422, `No commit found for SHA: ${ctx.params.commit_sha}`);
    const matching: PullRequestState[] = [];
    for (const pr of ctx.fake.pullRequestsFor(repo.owner, repo.name)) {
      if ((await ctx.fake.prHeadSha(pr)) === sha) matching.push(pr);
    }
    const page = paginate(ctx, matching);
    return {
      status: 200,
      headers: page.headers,
      body: await Promise.all(page.items.map((pr) => pullJson(ctx, pr))),
    };
  },

  "GET /repos/{owner}/{repo}/contents/{path}": contentsReply,

  "GET /repos/{owner}/{repo}/compare/{basehead}": async (ctx) => {
    const repo = repoOf(ctx);
    const basehead = String(ctx.params.basehead);
    const parts = basehead.includes("...") ? basehead.split("...") : basehead.split("..");
    if (parts.length !== 2) return notFound();
    const strip = (side: string) => side.replace(/^[^:]+:/, "");
    const base = await resolveCommit(repo, strip(parts[0] ?? ""));
    const head = await resolveCommit(repo, strip(parts[1] ?? ""));
    if (!base || !head) return notFound();
    const { mergeBase, files } = await changedFiles(repo, base, head);
    const ahead = await repo.git.commitsBetween(base, head);
    const behind = await repo.git.commitsBetween(head, base);
    const status =
      base === head
        ? "identical"
        : behind.length === 0
          ? "ahead"
          : ahead.length === 0
            ? "behind"
            : "diverged";
    const commits = await Promise.all(ahead.slice(0, 250).map((sha) => repo.git.commit(sha)));
    const page = paginate(ctx, commits);
    return {
      status: 200,
      headers: page.headers,
      body: {
        url: `${ctx.base}/repos/${repo.fullName}/compare/${basehead}`,
        html_url: `${ctx.base}/${repo.fullName}/compare/${basehead}`,
        permalink_url: `${ctx.base}/${repo.fullName}/compare/${base}...${head}`,
        diff_url: `${ctx.base}/${repo.fullName}/compare/${basehead}.diff`,
        patch_url: `${ctx.base}/${repo.fullName}/compare/${basehead}.patch`,
        base_commit: commitJson(ctx.base, repo.fullName, await repo.git.commit(base)),
        merge_base_commit: commitJson(ctx.base, repo.fullName, await repo.git.commit(mergeBase)),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits: page.items.map((commit) => commitJson(ctx.base, repo.fullName, commit)),
        // GitHub lists at most 300 files in a comparison.
        files: files.slice(0, 300).map((file) => fileJson(ctx, repo, head, file)),
      },
    };
  },

  "GET /repos/{owner}/{repo}/pulls": async (ctx) => {
    const repo = repoOf(ctx);
    const state = str(ctx.query.state) ?? "open";
    let prs = ctx.fake
      .pullRequestsFor(repo.owner, repo.name)
      .filter((pr) => state === "all" || pr.state === state);
    if (str(ctx.query.base)) prs = prs.filter((pr) => pr.baseRef === ctx.query.base);
    if (str(ctx.query.head)) {
      prs = prs.filter(
        (pr) => `${ctx.fake.repository(pr.headRepo)?.owner ?? repo.owner}:${pr.headRef}` === ctx.query.head,
      );
    }
    const page = paginate(ctx, prs);
    return {
      status: 200,
      headers: page.headers,
      body: await Promise.all(page.items.map((pr) => pullJson(ctx, pr))),
    };
  },

  "POST /repos/{owner}/{repo}/pulls": async (ctx) => {
    const repo = repoOf(ctx);
    const head = String(ctx.body.head);
    const base = String(ctx.body.base);
    const headBranch = head.includes(":") ? head.slice(head.indexOf(":") + 1) : head;
    if (!(await repo.git.resolve(`refs/heads/${headBranch}`)))
      return invalid("Validation Failed", [{ resource: "PullRequest", field: "head", code: "invalid" }]);
    if (!(await repo.git.resolve(`refs/heads/${base}`)))
      return invalid("Validation Failed", [{ resource: "PullRequest", field: "base", code: "invalid" }]);
    const open = ctx.fake
      .pullRequestsFor(repo.owner, repo.name)
      .find((pr) => pr.state === "open" && pr.headRef === headBranch && pr.baseRef === base);
    if (open)
      return invalid("Validation Failed", [
        { resource: "PullRequest", code: "custom", message: `A pull request already exists for ${head}.` },
      ]);
    const number = Math.max(0, ...ctx.fake.pullRequestsFor(repo.owner, repo.name).map((pr) => pr.number)) + 1;
    const pr = ctx.fake.addPullRequest({
      owner: repo.owner,
      repo: repo.name,
      number,
      head: headBranch,
      base,
      title: String(ctx.body.title),
      body: str(ctx.body.body) ?? null,
      draft: ctx.body.draft === true,
      author: "maestro-hive[bot]",
    });
    return { status: 201, body: await fullPullJson(ctx, repo, pr) };
  },

  "GET /repos/{owner}/{repo}/pulls/{pull_number}": async (ctx) => {
    const repo = repoOf(ctx);
    const pr = ctx.fake.pullRequest(repo.owner, repo.name, Number(ctx.params.pull_number));
    if (!pr) return notFound();
    return { status: 200, body: await fullPullJson(ctx, repo, pr) };
  },

  "GET /repos/{owner}/{repo}/pulls/{pull_number}/files": async (ctx) => {
    const repo = repoOf(ctx);
    const pr = ctx.fake.pullRequest(repo.owner, repo.name, Number(ctx.params.pull_number));
    if (!pr) return notFound();
    const head = (await ctx.fake.prHeadSha(pr)) ?? "";
    const base = (await ctx.fake.prBaseSha(pr)) ?? "";
    const { files } = await changedFiles(repo, base, head);
    // GitHub lists at most 3,000 files for a pull request.
    const page = paginate(ctx, files.slice(0, 3000));
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((file) => fileJson(ctx, repo, head, file)),
    };
  },

  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": (ctx) => {
    const repo = repoOf(ctx);
    const number = Number(ctx.params.issue_number);
    if (!ctx.fake.pullRequest(repo.owner, repo.name, number)) return notFound();
    let comments = ctx.fake.commentsIn(repo).filter((comment) => comment.issueNumber === number);
    const since = str(ctx.query.since);
    if (since) comments = comments.filter((comment) => comment.updatedAt >= since);
    const page = paginate(ctx, comments);
    return {
      status: 200,
      headers: page.headers,
      body: page.items.map((comment) => commentJson(ctx, comment)),
    };
  },

  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": (ctx) => {
    const repo = repoOf(ctx);
    const number = Number(ctx.params.issue_number);
    if (!ctx.fake.pullRequest(repo.owner, repo.name, number)) return notFound();
    const body = String(ctx.body.body);
    if (body.length > 65536) {
      return invalid("Validation Failed", [
        {
          resource: "IssueComment",
          code: "custom",
          field: "body",
          message: "body is too long (maximum is 65536 characters)",
        },
      ]);
    }
    const comment = ctx.fake.addComment({
      owner: repo.owner,
      repo: repo.name,
      issueNumber: number,
      body,
      author: `${ctx.fake.app.slug}[bot]`,
      authorType: "Bot",
    });
    return { status: 201, body: commentJson(ctx, comment) };
  },

  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}": (ctx) => {
    const comment = ctx.fake.commentIn(repoOf(ctx), Number(ctx.params.comment_id));
    return comment ? { status: 200, body: commentJson(ctx, comment) } : notFound();
  },

  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": (ctx) => {
    const comment = ctx.fake.commentIn(repoOf(ctx), Number(ctx.params.comment_id));
    if (!comment) return notFound();
    const body = String(ctx.body.body);
    if (body.length > 65536) {
      return invalid("Validation Failed", [
        {
          resource: "IssueComment",
          code: "custom",
          field: "body",
          message: "body is too long (maximum is 65536 characters)",
        },
      ]);
    }
    comment.body = body;
    comment.updatedAt = now();
    comment.edits += 1;
    return { status: 200, body: commentJson(ctx, comment) };
  },

  "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions": (ctx) => {
    const comment = ctx.fake.commentIn(repoOf(ctx), Number(ctx.params.comment_id));
    if (!comment) return notFound();
    const content = String(ctx.body.content);
    if (!REACTION_CONTENT.has(content)) return invalid("Validation Failed");
    const user = `${ctx.fake.app.slug}[bot]`;
    const { reaction, created } = ctx.fake.addReaction(comment.id, content, user);
    return {
      status: created ? 201 : 200,
      body: {
        id: reaction.id,
        node_id: nodeId("Reaction", reaction.id),
        user: userJson(ctx.base, user, "Bot"),
        content: reaction.content,
        created_at: reaction.createdAt,
      },
    };
  },

  "GET /repos/{owner}/{repo}/collaborators/{username}/permission": (ctx) => {
    const repo = repoOf(ctx);
    const username = String(ctx.params.username);
    const role = ctx.fake.roleOf(repo, username);
    // GitHub answers 404 for anyone who is not a collaborator of the repository.
    if (role === undefined) return notFound();
    const permission =
      role === "admin"
        ? "admin"
        : role === "maintain" || role === "write"
          ? "write"
          : role === "none"
            ? "none"
            : "read";
    return {
      status: 200,
      body: {
        permission,
        role_name: role,
        user: {
          ...userJson(ctx.base, username),
          permissions: {
            admin: role === "admin",
            maintain: role === "admin" || role === "maintain",
            push: permission === "admin" || permission === "write",
            triage: role !== "read" && role !== "none",
            pull: role !== "none",
          },
          role_name: role,
        },
      },
    };
  },
};

export { DOCS };
