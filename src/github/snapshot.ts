/**
 * Snapshots of a commit from the GitHub API, for the engine (paths + contents by blob SHA).
 *
 * - Cold (the repository was never analysed): the tarball of the commit, one request,
 *   every file's git blob SHA computed from its contents.
 * - Warm: the recursive tree, plus only the blobs whose SHA is not in the database's blob
 *   cache (a truncated tree is walked subtree by subtree). When most blobs are missing
 *   anyway, the tarball is cheaper and is used instead.
 *
 * Symlinks, submodules, Git LFS pointers, binary and oversized files are skipped and
 * listed in `skipped`. Every fetched blob is written to the cache.
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import {
  contentSkipReason,
  gitBlobSha,
  MAX_FILE_BYTES,
  type SkippedFile,
  type Snapshot,
  type SnapshotFile,
  sortSnapshot,
} from "../core/snapshot.ts";
import { type BlobToCache, type CachedBlob, loadBlobs, saveBlobs } from "../store/caches.ts";
import type { Db } from "../store/db.ts";
import { readGitHubTarball } from "./tar.ts";

const BLOB_CONCURRENCY = 8;
/** Above this many missing blobs (and a quarter of the files), one tarball beats N blob requests. */
const TARBALL_THRESHOLD = 200;

export interface RepoRef {
  readonly owner: string;
  readonly repo: string;
}

export type SnapshotMode = "tarball" | "tree";

export interface SnapshotStats {
  readonly commit: string;
  readonly mode: SnapshotMode;
  /** GitHub requests made for this snapshot (a tarball's redirect counts as one). */
  readonly requests: number;
  readonly files: number;
  readonly blobsFetched: number;
  readonly blobsFromCache: number;
  readonly skipped: number;
  /** Milliseconds reading the tree (or tarball), the blob cache, and missing blobs. */
  readonly ms: { readonly listing: number; readonly cache: number; readonly blobs: number };
}

const treeSchema = z.object({
  sha: z.string(),
  truncated: z.boolean(),
  tree: z.array(
    z.object({
      path: z.string(),
      mode: z.string(),
      type: z.string(),
      sha: z.string(),
      size: z.number().optional(),
    }),
  ),
});
type TreeEntry = z.infer<typeof treeSchema>["tree"][number];

const blobSchema = z.object({ content: z.string(), encoding: z.string() });

/**
 * A commit's tree as a snapshot listed it, and the blob contents read so far: other readers of
 * that commit (peer configs, policy-files.ts) need not ask GitHub for the listing again.
 */
export interface ListedTree {
  /** The entry at a repo-relative path (blobs, symlinks, submodules; directories may be absent). */
  entry(
    path: string,
  ): { readonly type: string; readonly sha: string; readonly size?: number | undefined } | undefined;
  /** A blob's bytes, when a snapshot read them (not for skipped files). */
  content(sha: string): Uint8Array | undefined;
}

/**
 * Fetches snapshots for one repository; blobs seen by one snapshot (base) are reused by the
 * next (head) without another database round trip.
 */
export class SnapshotFetcher {
  readonly #octokit: ProbotOctokit;
  readonly #db: Db;
  readonly #repo: RepoRef;
  readonly #known = new Map<string, CachedBlob>();
  readonly #listings = new Map<string, readonly TreeEntry[]>();
  readonly stats: SnapshotStats[] = [];

  constructor(octokit: ProbotOctokit, db: Db, repo: RepoRef) {
    this.#octokit = octokit;
    this.#db = db;
    this.#repo = repo;
  }

  /** The tree of a commit this fetcher listed (tree mode; a tarball lists none). */
  listedTree(commit: string): ListedTree | undefined {
    const entries = this.#listings.get(commit);
    if (entries === undefined) return undefined;
    let byPath: Map<string, TreeEntry> | undefined;
    return {
      entry: (path) => {
        byPath ??= new Map(entries.map((entry) => [entry.path, entry]));
        return byPath.get(path);
      },
      content: (sha) => {
        const blob = this.#known.get(sha);
        return blob !== undefined && "content" in blob ? blob.content : undefined;
      },
    };
  }

  /** Every blob SHA of the snapshots fetched so far (for preloading the extraction cache). */
  blobShas(): string[] {
    return [...this.#known.keys()];
  }

  async fetch(commit: string, preferred: SnapshotMode): Promise<Snapshot> {
    const [snapshot] = await this.fetchAll([commit], preferred);
    return snapshot!;
  }

  /**
   * Snapshots of several commits (a base and a head): trees listed in parallel, the blob
   * cache read once for all of them, each missing blob fetched once.
   */
  async fetchAll(commits: readonly string[], preferred: SnapshotMode): Promise<Snapshot[]> {
    if (preferred === "tarball") return Promise.all(commits.map((commit) => this.#fromTarball(commit)));
    const t0 = performance.now();
    let listings: { entries: TreeEntry[]; requests: number }[];
    try {
      listings = await Promise.all(commits.map((commit) => this.#tree(commit)));
    } catch (error) {
      if (!(error instanceof TreeTooLarge)) throw error;
      return Promise.all(commits.map((commit) => this.#fromTarball(commit)));
    }
    const t1 = performance.now();
    for (const [i, commit] of commits.entries()) this.#listings.set(commit, listings[i]!.entries);
    const plans = listings.map(({ entries }) => planTree(entries));
    const wantedShas = new Set(plans.flatMap((plan) => plan.wanted.map((entry) => entry.sha)));
    const unknown = [...wantedShas].filter((sha) => !this.#known.has(sha));
    for (const [sha, blob] of await loadBlobs(this.#db, unknown)) this.#known.set(sha, blob);
    const missing = [...wantedShas].filter((sha) => !this.#known.has(sha));
    const t2 = performance.now();
    if (missing.length > TARBALL_THRESHOLD && missing.length * 4 > wantedShas.size) {
      const snapshots = await Promise.all(commits.map((commit) => this.#fromTarball(commit)));
      for (const [i, listing] of listings.entries()) {
        const stat = this.stats[this.stats.length - commits.length + i];
        if (stat)
          this.stats[this.stats.length - commits.length + i] = {
            ...stat,
            requests: stat.requests + listing.requests,
          };
      }
      return snapshots;
    }
    const fetched = await this.#fetchBlobs(missing);
    const fetchedSet = new Set(missing);
    const t3 = performance.now();
    return commits.map((commit, i) => {
      const plan = plans[i]!;
      const files: SnapshotFile[] = [];
      const skipped: SkippedFile[] = [...plan.skipped];
      let fetchedHere = 0;
      for (const entry of plan.wanted) {
        const blob = this.#known.get(entry.sha);
        if (!blob) throw new Error(`blob ${entry.sha} of ${entry.path} could not be read`);
        if (fetchedSet.has(entry.sha)) fetchedHere++;
        if ("skipped" in blob) skipped.push({ path: entry.path, reason: blob.skipped });
        else files.push({ path: entry.path, blobSha: entry.sha, content: blob.content });
      }
      this.stats.push({
        commit,
        mode: "tree",
        requests: listings[i]!.requests + (i === 0 ? fetched : 0),
        files: files.length,
        blobsFetched: i === 0 ? fetched : 0,
        blobsFromCache: plan.wanted.length - fetchedHere,
        skipped: skipped.length,
        ms: { listing: ms(t1 - t0), cache: ms(t2 - t1), blobs: i === 0 ? ms(t3 - t2) : 0 },
      });
      return sortSnapshot({ commit, files, skipped });
    });
  }

  async #fromTarball(commit: string): Promise<Snapshot> {
    const t0 = performance.now();
    const response = await this.#octokit.rest.repos.downloadTarballArchive({
      owner: this.#repo.owner,
      repo: this.#repo.repo,
      ref: commit,
    });
    const entries = await readGitHubTarball(toBytes(response.data));
    const files: SnapshotFile[] = [];
    const skipped: SkippedFile[] = [];
    const toCache: BlobToCache[] = [];
    for (const entry of entries) {
      if (entry.type === "symlink" || entry.type === "too-large") {
        skipped.push({ path: entry.path, reason: entry.type });
        continue;
      }
      const sha = gitBlobSha(entry.content);
      const reason = contentSkipReason(entry.content);
      if (!this.#known.has(sha)) {
        toCache.push({ sha, content: entry.content, skipped: reason });
        this.#known.set(sha, reason ? { skipped: reason } : { content: entry.content });
      }
      if (reason) skipped.push({ path: entry.path, reason });
      else files.push({ path: entry.path, blobSha: sha, content: entry.content });
    }
    const t1 = performance.now();
    await saveBlobs(this.#db, toCache);
    this.stats.push({
      commit,
      mode: "tarball",
      requests: 1,
      files: files.length,
      blobsFetched: entries.length,
      blobsFromCache: 0,
      skipped: skipped.length,
      ms: { listing: ms(t1 - t0), cache: ms(performance.now() - t1), blobs: 0 },
    });
    return sortSnapshot({ commit, files, skipped });
  }

  /** The full recursive tree; a truncated answer is completed by walking subtrees. */
  async #tree(commit: string): Promise<{ entries: TreeEntry[]; requests: number }> {
    let requests = 0;
    const get = async (sha: string, recursive: boolean) => {
      requests++;
      const response = await this.#octokit.rest.git.getTree({
        owner: this.#repo.owner,
        repo: this.#repo.repo,
        tree_sha: sha,
        ...(recursive ? { recursive: "1" } : {}),
      });
      return treeSchema.parse(response.data);
    };
    const whole = await get(commit, true);
    if (!whole.truncated) return { entries: whole.tree, requests };
    const entries: TreeEntry[] = [];
    const walk = async (sha: string, prefix: string): Promise<void> => {
      const level = await get(sha, false);
      // One directory beyond what the trees API lists: only the tarball has it all.
      if (level.truncated) throw new TreeTooLarge(`${prefix || "/"} of ${commit}`);
      for (const entry of level.tree) {
        const path = prefix + entry.path;
        if (entry.type !== "tree") {
          entries.push({ ...entry, path });
          continue;
        }
        const sub = await get(entry.sha, true);
        if (sub.truncated) await walk(entry.sha, `${path}/`);
        else for (const child of sub.tree) entries.push({ ...child, path: `${path}/${child.path}` });
      }
    };
    await walk(whole.sha, "");
    return { entries, requests };
  }

  async #fetchBlobs(shas: readonly string[]): Promise<number> {
    const toCache: BlobToCache[] = [];
    let next = 0;
    const worker = async () => {
      while (next < shas.length) {
        const sha = shas[next++]!;
        const response = await this.#octokit.rest.git.getBlob({
          owner: this.#repo.owner,
          repo: this.#repo.repo,
          file_sha: sha,
        });
        const blob = blobSchema.parse(response.data);
        const content =
          blob.encoding === "base64"
            ? new Uint8Array(Buffer.from(blob.content, "base64"))
            : new TextEncoder().encode(blob.content);
        const reason = contentSkipReason(content);
        this.#known.set(sha, reason ? { skipped: reason } : { content });
        toCache.push({ sha, content, skipped: reason });
      }
    };
    await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, shas.length) }, worker));
    await saveBlobs(this.#db, toCache);
    return shas.length;
  }
}

class TreeTooLarge extends Error {}

/** Which tree entries to read, and which are skipped without reading them. */
function planTree(entries: readonly TreeEntry[]): { wanted: TreeEntry[]; skipped: SkippedFile[] } {
  const wanted: TreeEntry[] = [];
  const skipped: SkippedFile[] = [];
  for (const entry of entries) {
    if (entry.type === "commit" || entry.mode === "160000")
      skipped.push({ path: entry.path, reason: "submodule" });
    else if (entry.mode === "120000") skipped.push({ path: entry.path, reason: "symlink" });
    else if (entry.type !== "blob") continue;
    else if ((entry.size ?? 0) > MAX_FILE_BYTES) skipped.push({ path: entry.path, reason: "too-large" });
    else wanted.push(entry);
  }
  return { wanted, skipped };
}

function ms(value: number): number {
  return Math.round(value);
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new Error(`the tarball came back as ${typeof data}, not bytes`);
}
