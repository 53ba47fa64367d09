/**
 * Extracts the parts of GitHub's published OpenAPI descriptions that Maestro Hive uses into small,
 * committed JSON files, so the fake GitHub (test/harness/fake-github) validates requests against the
 * real contract without network access at test time.
 *
 *   npx node scripts/extract-github-openapi.ts
 *
 * - REST: `npm pack @octokit/openapi@23` (the package is ~28 MB packed / 440 MB unpacked, too big to
 *   install), reads generated/api.github.com.json (the $ref form, not .deref.json), keeps the operations
 *   listed in OPERATIONS and every component they reference, transitively →
 *   test/fixtures/github/rest-subset.json.
 * - Webhooks: the installed @octokit/openapi-webhooks generated/api.github.com.json, events in
 *   WEBHOOK_EVENTS (all actions) with their components → test/fixtures/github/webhook-schemas.json.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const REST_PACKAGE = "@octokit/openapi@23";

/** [method, path template] exactly as in GitHub's description. */
export const OPERATIONS: ReadonlyArray<readonly [string, string]> = [
  ["get", "/app"],
  ["get", "/app/installations"],
  ["get", "/app/installations/{installation_id}"],
  ["post", "/app/installations/{installation_id}/access_tokens"],
  ["get", "/installation/repositories"],
  ["get", "/repos/{owner}/{repo}"],
  ["get", "/repos/{owner}/{repo}/installation"],
  ["post", "/repos/{owner}/{repo}/check-runs"],
  ["get", "/repos/{owner}/{repo}/check-runs/{check_run_id}"],
  ["patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}"],
  ["get", "/repos/{owner}/{repo}/check-runs/{check_run_id}/annotations"],
  ["get", "/repos/{owner}/{repo}/commits/{ref}/check-runs"],
  ["get", "/repos/{owner}/{repo}/check-suites/{check_suite_id}"],
  ["get", "/repos/{owner}/{repo}/check-suites/{check_suite_id}/check-runs"],
  ["get", "/repos/{owner}/{repo}/tarball/{ref}"],
  ["get", "/repos/{owner}/{repo}/git/trees/{tree_sha}"],
  ["get", "/repos/{owner}/{repo}/git/blobs/{file_sha}"],
  ["get", "/repos/{owner}/{repo}/git/commits/{commit_sha}"],
  ["get", "/repos/{owner}/{repo}/git/ref/{ref}"],
  ["post", "/repos/{owner}/{repo}/git/refs"],
  ["get", "/repos/{owner}/{repo}/commits/{ref}"],
  ["get", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls"],
  ["get", "/repos/{owner}/{repo}/contents/{path}"],
  ["put", "/repos/{owner}/{repo}/contents/{path}"],
  ["get", "/repos/{owner}/{repo}/compare/{basehead}"],
  ["get", "/repos/{owner}/{repo}/pulls"],
  ["post", "/repos/{owner}/{repo}/pulls"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}"],
  ["get", "/repos/{owner}/{repo}/pulls/{pull_number}/files"],
  ["get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
  ["post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"],
  ["get", "/repos/{owner}/{repo}/issues/comments/{comment_id}"],
  ["patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"],
  ["post", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions"],
  ["get", "/repos/{owner}/{repo}/collaborators/{username}/permission"],
  ["get", "/repos/{owner}/{repo}/actions/runs/{run_id}/artifacts"],
  ["get", "/repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}"],
];

export const WEBHOOK_EVENTS = [
  "push",
  "pull_request",
  "check_run",
  "check_suite",
  "issue_comment",
  "installation",
  "installation_repositories",
  "workflow_run",
] as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Drops `examples`/`example` payloads (large, never used for validation). */
function stripExamples(value: Json): Json {
  if (Array.isArray(value)) return value.map(stripExamples);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "examples" || key === "example") continue;
    out[key] = stripExamples(child);
  }
  return out;
}

/** Copies every `#/components/<kind>/<name>` referenced from `roots`, transitively. */
function collectComponents(spec: JsonObject, roots: Json[]): JsonObject {
  const components = spec.components;
  if (!isObject(components)) throw new Error("description has no components");
  const picked: Record<string, JsonObject> = {};
  const queue: Json[] = [...roots];
  while (queue.length > 0) {
    const node = queue.pop();
    if (Array.isArray(node)) {
      queue.push(...node);
      continue;
    }
    if (!isObject(node)) continue;
    const ref = node.$ref;
    if (typeof ref === "string") {
      const match = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
      if (!match) throw new Error(`unsupported $ref ${ref}`);
      const [, kind, name] = match as unknown as [string, string, string];
      const section = components[kind];
      const target = isObject(section) ? section[name] : undefined;
      if (target === undefined) throw new Error(`dangling $ref ${ref}`);
      picked[kind] ??= {};
      const bucket = picked[kind];
      if (!(name in bucket)) {
        const stripped = stripExamples(target);
        bucket[name] = stripped;
        queue.push(stripped);
      }
    }
    for (const [key, child] of Object.entries(node)) if (key !== "$ref") queue.push(child);
  }
  const sorted: JsonObject = {};
  for (const kind of Object.keys(picked).sort()) {
    const bucket = picked[kind] ?? {};
    sorted[kind] = Object.fromEntries(
      Object.keys(bucket)
        .sort()
        .map((name) => [name, bucket[name] ?? null]),
    );
  }
  return sorted;
}

function extractRest(spec: JsonObject): JsonObject {
  const allPaths = spec.paths;
  if (!isObject(allPaths)) throw new Error("description has no paths");
  const paths: Record<string, JsonObject> = {};
  for (const [method, path] of OPERATIONS) {
    const item = allPaths[path];
    const operation = isObject(item) ? item[method] : undefined;
    if (!isObject(operation))
      throw new Error(`operation ${method.toUpperCase()} ${path} not in the description`);
    paths[path] ??= {};
    const pathItem = paths[path];
    pathItem[method] = stripExamples(operation);
    if (isObject(item) && Array.isArray(item.parameters)) pathItem.parameters = item.parameters;
  }
  const info = isObject(spec.info) ? spec.info : {};
  return {
    openapi: spec.openapi ?? "3.0.3",
    info: { title: "GitHub REST subset for Maestro Hive tests", version: info.version ?? "unknown" },
    "x-source": REST_PACKAGE,
    paths,
    components: collectComponents(spec, Object.values(paths)),
  };
}

function extractWebhooks(spec: JsonObject, version: string): JsonObject {
  const all = spec.webhooks;
  if (!isObject(all)) throw new Error("webhook description has no webhooks");
  const prefixes = WEBHOOK_EVENTS.map((event) => event.replaceAll("_", "-"));
  const webhooks: JsonObject = {};
  for (const key of Object.keys(all).sort()) {
    const matches = prefixes.some((prefix) => {
      if (key === prefix) return true;
      if (!key.startsWith(`${prefix}-`)) return false;
      // "pull-request-review-…" belongs to pull_request_review, not pull_request; the action
      // part has to be an action of this event, which the schema's own title tells us.
      const post = all[key];
      const operation = isObject(post) ? post.post : undefined;
      const operationId = isObject(operation) ? operation.operationId : undefined;
      return typeof operationId === "string" && operationId.split("/")[0] === prefix;
    });
    if (!matches) continue;
    const item = all[key];
    const operation = isObject(item) ? item.post : undefined;
    if (!isObject(operation)) continue;
    webhooks[key] = {
      post: { operationId: operation.operationId ?? key, requestBody: operation.requestBody ?? null },
    };
  }
  return {
    "x-source": `@octokit/openapi-webhooks@${version}`,
    webhooks,
    components: collectComponents(spec, Object.values(webhooks)),
  };
}

function writeJson(path: string, value: Json): void {
  writeFileSync(path, `${JSON.stringify(value)}\n`);
  console.log(`wrote ${path} (${(readFileSync(path).length / 1024).toFixed(0)} KiB)`);
}

function main(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const outDir = join(root, "test/fixtures/github");
  execFileSync("mkdir", ["-p", outDir]);

  const work = mkdtempSync(join(tmpdir(), "octokit-openapi-"));
  try {
    execFileSync("npm", ["pack", REST_PACKAGE, "--silent"], {
      cwd: work,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const tarball = readdirSync(work).find((name) => name.endsWith(".tgz"));
    if (!tarball) throw new Error(`npm pack ${REST_PACKAGE} produced no tarball`);
    const member = "package/generated/api.github.com.json";
    execFileSync("tar", ["xzf", tarball, member], { cwd: work });
    const spec = JSON.parse(readFileSync(join(work, member), "utf8")) as JsonObject;
    writeJson(join(outDir, "rest-subset.json"), extractRest(spec));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const require = createRequire(import.meta.url);
  const webhooksPackage = dirname(require.resolve("@octokit/openapi-webhooks/package.json"));
  const version = (
    JSON.parse(readFileSync(join(webhooksPackage, "package.json"), "utf8")) as { version: string }
  ).version;
  const webhookSpec = JSON.parse(
    readFileSync(join(webhooksPackage, "generated/api.github.com.json"), "utf8"),
  ) as JsonObject;
  writeJson(join(outDir, "webhook-schemas.json"), extractWebhooks(webhookSpec, version));
}

if (import.meta.url === `file://${process.argv[1]}`) main();
