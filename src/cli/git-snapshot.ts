/**
 * Snapshots of a local checkout for the CLI: the working tree of DIR (tracked files plus
 * untracked ones that are not ignored, with their current contents) or a commit
 * (`git ls-tree` + one streamed `git cat-file --batch`). Blob SHAs are computed with git's
 * own algorithm, so the CLI's cache keys are the ones the app gets from the GitHub API.
 *
 * Symlinks, submodules, Git LFS pointers, binary and oversized files are left out and
 * listed in `skipped`.
 */
import { spawn } from "node:child_process";
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  type Stats,
  statSync,
} from "node:fs";
import { join, normalize, sep } from "node:path";
import { hashHex } from "../core/hash.ts";
import { once } from "../core/once.ts";
import {
  contentSkipReason,
  gitBlobSha,
  MAX_FILE_BYTES,
  type SkippedFile,
  type Snapshot,
  type SnapshotFile,
  sortSnapshot,
} from "../core/snapshot.ts";
import type { StatCache } from "./stat-cache.ts";

export { contentSkipReason, gitBlobSha, MAX_FILE_BYTES } from "../core/snapshot.ts";

export class GitError extends Error {}

/** The repository's top-level directory, or a GitError when DIR is not in a git work tree. */
export async function gitRoot(dir: string): Promise<string> {
  try {
    return (await git(dir, ["rev-parse", "--show-toplevel"])).toString("utf8").trim();
  } catch (error) {
    throw new GitError(`${dir} is not inside a git work tree (${(error as Error).message})`);
  }
}

/** Resolves REF to a full commit SHA; a GitError names the ref when it does not exist. */
export async function resolveCommit(dir: string, ref: string): Promise<string> {
  try {
    return (await git(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`]))
      .toString("utf8")
      .trim();
  } catch {
    throw new GitError(`unknown revision "${ref}": not a commit in this repository`);
  }
}

/** Called with each file as soon as it is read (extraction can start before the snapshot is whole). */
export type OnFileRead = (file: SnapshotFile) => void;

/** What a caller that works while the tree is read (the CLI's streaming extraction) hooks into. */
export interface TreeReading {
  /** Sees each file as soon as it is read. */
  readonly onFile?: OnFileRead | undefined;
  /** Sees every path the listing holds, before any file is read. */
  readonly onListed?: ((paths: readonly string[]) => void) | undefined;
  /** Files read (and given to onFile) before the others: the order the snapshot lists them in does not change. */
  readonly readFirst?: ((path: string) => boolean) | undefined;
}

/**
 * The working tree of DIR: tracked files (as they are on disk now, deleted ones left out)
 * and untracked files that .gitignore does not exclude. Paths are relative to DIR.
 */
export async function workingTreeSnapshot(
  dir: string,
  statCache?: StatCache,
  listing: Promise<WorkingTreeListing> = listWorkingTree(dir),
  reading: TreeReading = {},
): Promise<Snapshot> {
  const { onFile, onListed, readFirst } = reading;
  const entries = listedEntries(await listing);
  onListed?.(entries.map((entry) => entry.path));
  const files: SnapshotFile[] = [];
  const skipped: SkippedFile[] = [];
  const read = ({ path, mode, unchangedSha }: ListedEntry) => {
    const entry =
      unchangedSha !== null && statCache?.reuseBlob(path, unchangedSha) === true
        ? workingTreeFile(underDirectory(dir, path), path, unchangedSha)
        : readWorkingTreeEntry(dir, path, mode, statCache);
    if (entry === null) return;
    if ("reason" in entry) skipped.push(entry);
    else {
      files.push(entry);
      onFile?.(entry);
    }
  };
  // Synchronous reads on purpose: for many small files they are several times faster than
  // the thread pool's async round trips, and the CLI has nothing else to do meanwhile.
  if (readFirst === undefined) for (const entry of entries) read(entry);
  else {
    const later: typeof entries = [];
    for (const entry of entries) {
      if (readFirst(entry.path)) read(entry);
      else later.push(entry);
    }
    for (const entry of later) read(entry);
  }
  return sortSnapshot({ commit: null, files, skipped });
}

/** The raw output of `git ls-files -v` for the working tree of DIR (listWorkingTree). */
export interface WorkingTreeListing {
  readonly output: Buffer;
  /** Whether it lists modified tracked files once more (`--modified`). */
  readonly modified: boolean;
}

/**
 * The size of `dir`'s git index (`dir/.git/index`), 0 when there is none there (no work tree,
 * or a folder below its top): a hint, before git has listed anything, of how many files
 * the tree tracks (about 100–150 bytes each).
 */
export function gitIndexBytes(dir: string): number {
  return statSync(join(dir, ".git", "index"), { throwIfNoEntry: false })?.size ?? 0;
}

/**
 * Lists the working tree: tracked and untracked files, from one git process. Each record is
 * tagged (`-v`): "? <path>" for an untracked file, "<tag> <mode> <sha> <stage>\t<path>" for
 * an index entry: H, or S, M, … for skip-worktree, unmerged and the like, lower case when marked
 * assume-unchanged. A tracked file whose contents differ from its index entry (git compares the
 * stat data its index keeps, and the contents when those are racy) is listed once more, tagged C,
 * with `modified` (`--modified`); git lists the untracked files first.
 */
export async function listWorkingTree(
  dir: string,
  { modified = false }: { modified?: boolean } = {},
): Promise<WorkingTreeListing> {
  const output = await git(dir, [
    "ls-files",
    "-z",
    "-v",
    "--stage",
    "--others",
    // For a stat cache (a warm run) to take git's word for unchanged files: git stats every
    // tracked file for it, ~20 ms on 3,800 files, beside what this process does meanwhile.
    ...(modified ? ["--modified"] : []),
    "--exclude-standard",
    "--",
    ".",
  ]);
  return { output, modified };
}

/** One path of the listing. */
interface ListedEntry {
  readonly path: string;
  /** The index entry's mode; null for an untracked file. */
  readonly mode: string | null;
  /**
   * The index entry's blob SHA when git holds the file unchanged since (tag H, a regular file,
   * not listed as modified; listed with `modified` only), else null: a stat cache may then take
   * the file over without a stat of its own (StatCache.reuseBlob).
   */
  readonly unchangedSha: string | null;
}

/** The listing's paths, tracked ones first (in index order), then the untracked ones not in the index. */
function listedEntries({ output, modified }: WorkingTreeListing): ListedEntry[] {
  const entries: { -readonly [K in keyof ListedEntry]: ListedEntry[K] }[] = [];
  const untracked: string[] = [];
  const seen = new Map<string, number>();
  for (const record of splitNul(output)) {
    if (record.startsWith("? ")) {
      untracked.push(record.slice(2));
      continue;
    }
    // "<tag> <mode> <sha> <stage>\t<path>"; a conflicted file appears once per stage, a
    // modified one once more, tagged C.
    const tab = record.indexOf("\t");
    const path = record.slice(tab + 1);
    const at = seen.get(path);
    if (at !== undefined) {
      entries[at]!.unchangedSha = null; // modified, or one stage of several
      continue;
    }
    seen.set(path, entries.length);
    const modeAt = record.indexOf(" ") + 1;
    const shaAt = record.indexOf(" ", modeAt) + 1;
    const mode = record.slice(modeAt, shaAt - 1);
    const unchanged = modified && record.startsWith("H ") && (mode === "100644" || mode === "100755");
    entries.push({
      path,
      mode,
      unchangedSha: unchanged ? record.slice(shaAt, record.indexOf(" ", shaAt)) : null,
    });
  }
  for (const path of untracked) if (!seen.has(path)) entries.push({ path, mode: null, unchangedSha: null });
  return entries;
}

/**
 * One file on disk as a snapshot entry, or why it is left out (null: it vanished). With a
 * stat cache, a file whose stat data are unchanged since it was last hashed is not read:
 * its contents are read when (and if) the analysis asks for them.
 */
export function readWorkingTreeEntry(
  dir: string,
  path: string,
  mode: string | null,
  statCache?: StatCache,
): SnapshotFile | SkippedFile | null {
  if (mode === "160000") return { path, reason: "submodule" };
  const full = underDirectory(dir, path);
  if (statCache === undefined && mode !== "120000") {
    const read = readRegularFile(full, path);
    if (read !== undefined) return read;
  }
  let stats: Stats;
  try {
    stats = lstatSync(full);
  } catch {
    return null; // deleted in the working tree
  }
  if (stats.isSymbolicLink() || mode === "120000") return { path, reason: "symlink" };
  if (stats.isDirectory()) return { path, reason: "submodule" }; // an untracked nested repository
  if (!stats.isFile()) return null;
  if (stats.size > MAX_FILE_BYTES) return { path, reason: "too-large" };
  const known = statCache?.lookup(path, stats);
  if (known !== undefined)
    return "reason" in known ? { path, reason: known.reason } : workingTreeFile(full, path, known.blobSha);
  const content = readExactly(full, stats.size);
  const reason = contentSkipReason(content);
  if (reason) {
    statCache?.record(path, stats, { reason });
    return { path, reason };
  }
  const blobSha = gitBlobSha(content);
  statCache?.record(path, stats, { blobSha });
  return workingTreeFile(full, path, blobSha, content);
}

/**
 * Opening without following a symlink (absent on Windows), and without waiting on a FIFO: only
 * a regular file is read this way.
 */
const NO_FOLLOW_FLAGS =
  constants.O_NOFOLLOW === undefined
    ? undefined
    : constants.O_RDONLY | constants.O_NOFOLLOW | (constants.O_NONBLOCK ?? 0);
/** Room before the bytes read for git's blob header ("blob <size>\0"): one hash call takes both. */
const HEADER_ROOM = 32;
/** What every file is read into first: the size is known once it is read, with no lstat before. */
const scratch = once(() => new Uint8Array(HEADER_ROOM + MAX_FILE_BYTES + 1));

/**
 * A regular file read with three calls (open, read, close) instead of five (lstat, open, read,
 * a read that finds the end, close): a file read short of the room it had has ended (regular
 * files read short only at their end). undefined when the path is anything else (a symlink, a
 * folder, gone, unreadable): lstat then says what it is, as for every file with a stat cache.
 */
function readRegularFile(full: string, path: string): SnapshotFile | SkippedFile | undefined {
  if (NO_FOLLOW_FLAGS === undefined) return undefined;
  let fd: number;
  try {
    fd = openSync(full, NO_FOLLOW_FLAGS);
  } catch {
    return undefined;
  }
  const buffer = scratch();
  let size: number;
  try {
    size = readSync(fd, buffer, HEADER_ROOM, MAX_FILE_BYTES + 1, 0);
    // Nothing read: an empty file, or a FIFO or device with nothing to give.
    if (size === 0 && !fstatSync(fd).isFile()) return undefined;
  } catch {
    return undefined; // a folder (EISDIR), …
  } finally {
    closeSync(fd);
  }
  if (size > MAX_FILE_BYTES) return { path, reason: "too-large" };
  const content = buffer.slice(HEADER_ROOM, HEADER_ROOM + size);
  const reason = contentSkipReason(content);
  if (reason) return { path, reason };
  return workingTreeFile(full, path, blobShaInPlace(buffer, size), content);
}

/**
 * gitBlobSha of the `size` bytes at HEADER_ROOM in `buffer`, its header written just before
 * them: one hash call over both, without a Hash object per file (crypto.hash: Node 20.12+).
 */
function blobShaInPlace(buffer: Uint8Array, size: number): string {
  const header = `blob ${size}\0`;
  const start = HEADER_ROOM - header.length;
  for (let i = 0; i < header.length; i++) buffer[start + i] = header.charCodeAt(i);
  const bytes = buffer.subarray(start, HEADER_ROOM + size);
  return hashHex("sha1", bytes);
}

let lastDirectory: { readonly dir: string; readonly prefix: string } | undefined;

/**
 * join(dir, path) for a clean relative path (what git lists: no `.`, `..` or doubled
 * slashes), normalising `dir` once rather than the whole path for every file.
 */
function underDirectory(dir: string, path: string): string {
  if (lastDirectory?.dir !== dir) {
    const root = normalize(dir);
    lastDirectory = { dir, prefix: root.endsWith(sep) ? root : `${root}${sep}` };
  }
  return /(?:^|[\\/])\.{0,2}(?:[\\/]|$)/.test(path) ? join(dir, path) : `${lastDirectory.prefix}${path}`;
}

/**
 * A working-tree file: its bytes as read for hashing, or (known from the stat cache) read on
 * first use; read again when they are gone, transferred to an extraction worker (which leaves
 * the array detached here). What is read later is checked against the SHA: a file rewritten
 * meanwhile is an error, never analysed as something it is not (its extraction would be
 * cached under the wrong key).
 */
function workingTreeFile(full: string, path: string, blobSha: string, read?: Uint8Array): SnapshotFile {
  return new WorkingTreeFile(full, path, blobSha, read);
}

/** A class rather than an object literal with a getter: no closure and getter per file, one shape for all. */
class WorkingTreeFile implements SnapshotFile {
  readonly path: string;
  readonly blobSha: string;
  readonly rereadable = true;
  readonly #full: string;
  #content: Uint8Array | undefined;

  constructor(full: string, path: string, blobSha: string, content: Uint8Array | undefined) {
    this.path = path;
    this.blobSha = blobSha;
    this.#full = full;
    this.#content = content;
  }

  get content(): Uint8Array {
    const content = this.#content;
    if (content !== undefined && !detached(content)) return content;
    const bytes = new Uint8Array(readFileSync(this.#full));
    if (gitBlobSha(bytes) !== this.blobSha)
      throw new GitError(`${this.path} changed during the analysis; run again`);
    this.#content = bytes;
    return bytes;
  }
}

/** ArrayBuffer#detached is Node 22+; on Node 20 (the build supports it) an empty array is read again. */
function detached(array: Uint8Array): boolean {
  return (array.buffer as { detached?: boolean }).detached ?? array.byteLength === 0;
}

/**
 * The file's bytes in an array of their own, read straight into it when the file still has
 * the size lstat saw (no second copy: a whole working tree at once is tens of megabytes).
 */
function readExactly(path: string, size: number): Uint8Array {
  const content = new Uint8Array(size);
  const fd = openSync(path, "r");
  try {
    let read = 0;
    while (read < size) {
      const count = readSync(fd, content, read, size - read, read);
      if (count === 0) break;
      read += count;
    }
    // Changed while being read: take it as it is now.
    if (read < size || readSync(fd, new Uint8Array(1), 0, 1, size) !== 0)
      return new Uint8Array(readFileSync(path));
    return content;
  } finally {
    closeSync(fd);
  }
}

/**
 * The tree of `commit` under DIR, read through one `git cat-file --batch` process. Blobs
 * that `known` (usually the working tree) already holds are taken from it, not read again:
 * for a typical branch, most of the base is unchanged.
 */
export async function commitSnapshot(dir: string, commit: string, known?: Snapshot): Promise<Snapshot> {
  const listing = await git(dir, ["ls-tree", "-r", "-l", "-z", commit, "--", "."]);
  const wanted: { path: string; sha: string }[] = [];
  const skipped: SkippedFile[] = [];
  for (const record of splitNul(listing)) {
    // "<mode> <type> <sha> <size>\t<path>"
    const tab = record.indexOf("\t");
    const [mode, type, sha, size] = record.slice(0, tab).split(/ +/);
    const path = record.slice(tab + 1);
    if (mode === "160000" || type === "commit") skipped.push({ path, reason: "submodule" });
    else if (mode === "120000") skipped.push({ path, reason: "symlink" });
    else if (Number(size) > MAX_FILE_BYTES) skipped.push({ path, reason: "too-large" });
    else if (type === "blob" && sha) wanted.push({ path, sha });
  }
  const knownFiles = new Map<string, SnapshotFile>();
  for (const file of known?.files ?? []) knownFiles.set(file.blobSha, file);
  const missing = new Set(wanted.map((entry) => entry.sha).filter((sha) => !knownFiles.has(sha)));
  const contents = await catFileBatch(dir, [...missing]);
  const files: SnapshotFile[] = [];
  for (const { path, sha } of wanted) {
    const same = knownFiles.get(sha);
    if (same !== undefined) {
      files.push(sameContents(path, same));
      continue;
    }
    const content = contents.get(sha);
    if (!content) throw new GitError(`git cat-file returned no contents for ${path} (${sha})`);
    const reason = contentSkipReason(content);
    if (reason) skipped.push({ path, reason });
    else files.push({ path, blobSha: sha, content });
  }
  return sortSnapshot({ commit, files, skipped });
}

/**
 * A file of the commit whose blob `file` (of another snapshot) has: its contents are that
 * file's, read through it (they may have moved to a worker and be read again), and were
 * checked already (a snapshot's files are never skipped for their contents).
 */
function sameContents(path: string, file: SnapshotFile): SnapshotFile {
  return {
    path,
    blobSha: file.blobSha,
    get content(): Uint8Array {
      return file.content;
    },
  };
}

/** Contents of many blobs from one `git cat-file --batch` process, parsed as they stream. */
async function catFileBatch(dir: string, shas: readonly string[]): Promise<Map<string, Uint8Array>> {
  const result = new Map<string, Uint8Array>();
  if (shas.length === 0) return result;
  const child = spawn("git", ["cat-file", "--batch", "--buffer"], {
    cwd: dir,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stderr: Buffer[] = [];
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve()
        : reject(new GitError(`git cat-file failed: ${Buffer.concat(stderr).toString()}`)),
    );
  });
  child.stdin.on("error", () => {}); // a dying child is reported through "close"
  child.stdin.end(`${shas.join("\n")}\n`);

  try {
    let buffer: Buffer = Buffer.alloc(0);
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
      buffer = takeBatchEntries(buffer, result);
    }
  } catch (error) {
    child.kill();
    done.catch(() => {});
    throw error;
  }
  await done;
  return result;
}

/** Moves every complete "<sha> <type> <size>\n<contents>\n" entry into `result`; returns the rest. */
function takeBatchEntries(buffer: Buffer, result: Map<string, Uint8Array>): Buffer {
  for (;;) {
    const newline = buffer.indexOf(10);
    if (newline < 0) return buffer;
    const header = buffer.subarray(0, newline).toString("utf8");
    const [sha, type, sizeText] = header.split(" ");
    if (type === "missing" || sizeText === undefined || sha === undefined)
      throw new GitError(`git cat-file: ${header}`);
    const start = newline + 1;
    const end = start + Number(sizeText);
    if (buffer.length < end + 1) return buffer;
    result.set(sha, new Uint8Array(buffer.subarray(start, end)));
    buffer = buffer.subarray(end + 1);
  }
}

function git(dir: string, args: readonly string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) => reject(new GitError(`cannot run git: ${error.message}`)));
    child.on("close", (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitError(`git ${args[0]} failed: ${Buffer.concat(err).toString("utf8").trim()}`));
    });
  });
}

function splitNul(buffer: Buffer): string[] {
  return buffer
    .toString("utf8")
    .split("\0")
    .filter((record) => record !== "");
}
