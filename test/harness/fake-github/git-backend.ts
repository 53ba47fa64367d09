/** Read-only git queries the fake GitHub answers from (async, so the server never blocks). */
import { type ChildProcessWithoutNullStreams, execFile, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitEnv } from "../git-env.ts";

export interface TreeEntry {
  path: string;
  mode: string;
  type: "blob" | "tree" | "commit";
  sha: string;
  size?: number;
}

export interface ChangedFile {
  filename: string;
  status: "added" | "removed" | "modified" | "renamed" | "copied" | "changed";
  sha: string;
  previous_filename?: string;
  additions: number;
  deletions: number;
  changes: number;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
}

const FULL_SHA = /^[0-9a-f]{40}$/;

interface GitObject {
  sha: string;
  type: string;
  content: Buffer;
}

interface PendingRead {
  resolve: (object: GitObject | undefined) => void;
  reject: (error: Error) => void;
}

/**
 * One long-lived `git cat-file --batch` per repository: spawning git per request cost ~50 ms each on
 * our VMs. Requests are single lines written in order and git answers in the same order, so a FIFO of
 * waiting readers keeps concurrent HTTP requests apart. A dead process fails its waiters and is
 * respawned on the next read.
 */
class CatFileBatch {
  private readonly dir: string;
  private child: ChildProcessWithoutNullStreams | undefined;
  private waiting: PendingRead[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Bytes needed before the head answer can be parsed (avoids re-concatenating big blobs per chunk). */
  private needed = 0;
  private closed = false;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** The object named by `name` (any revision expression), or undefined when it does not exist. */
  read(name: string): Promise<GitObject | undefined> {
    if (this.closed) return Promise.reject(new Error("git cat-file --batch: repository closed"));
    if (/[\r\n]/.test(name)) return Promise.resolve(undefined);
    const child = this.process();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      child.stdin.write(`${name}\n`);
    });
  }

  close(): void {
    this.closed = true;
    const child = this.child;
    this.child = undefined;
    this.fail(new Error("git cat-file --batch: repository closed"));
    if (child) {
      child.stdin.end();
      child.kill();
    }
  }

  private process(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["cat-file", "--batch"], { cwd: this.dir, env: gitEnv() });
    this.child = child;
    this.chunks = [];
    this.buffered = 0;
    this.needed = 0;
    child.stdout.on("data", (chunk: Buffer) => this.receive(chunk));
    child.stderr.resume();
    child.stdin.on("error", () => {}); // reported through "exit"/"error" below
    const died = (reason: string) => {
      if (this.child !== child) return;
      this.child = undefined;
      this.fail(new Error(`git cat-file --batch in ${this.dir} ${reason}`));
    };
    child.on("error", (error) => died(`failed: ${error.message}`));
    child.on("exit", (code, signal) => died(`exited (${signal ?? code})`));
    // Never keep a test process alive just for this helper.
    child.unref();
    return child;
  }

  private fail(error: Error): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const pending of waiting) pending.reject(error);
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered < this.needed) return;
    let buffer = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.needed = 0;
    for (;;) {
      const pending = this.waiting[0];
      const newline = buffer.indexOf(10);
      if (!pending || newline < 0) break;
      const header = buffer.subarray(0, newline).toString("utf8");
      if (header.endsWith(" missing") || header.endsWith(" ambiguous")) {
        buffer = buffer.subarray(newline + 1);
        this.waiting.shift();
        pending.resolve(undefined);
        continue;
      }
      const [sha = "", type = "", sizeText = ""] = header.split(" ");
      const end = newline + 1 + Number(sizeText);
      if (buffer.length < end + 1) {
        this.needed = end + 1;
        break;
      }
      const content = Buffer.from(buffer.subarray(newline + 1, end));
      buffer = buffer.subarray(end + 1);
      this.waiting.shift();
      pending.resolve({ sha, type, content });
    }
    this.chunks = buffer.length ? [buffer] : [];
    this.buffered = buffer.length;
  }
}

/** "Name <email> 1700000000 +0000" → name, email, ISO date (UTC, no millis) as `git show` formats them. */
function parseIdent(line: string): { name: string; email: string; date: string } {
  const match = /^(.*?) ?<([^>]*)> (-?\d+) [+-]\d{4}$/.exec(line);
  if (!match) return { name: "", email: "", date: new Date(0).toISOString().replace(/\.\d{3}Z$/, "Z") };
  const seconds = Number(match[3]);
  return {
    name: match[1] ?? "",
    email: match[2] ?? "",
    date: new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
}

export class GitBackend {
  readonly dir: string;
  /** Answers keyed by full SHAs never change, so they are memoised (pagination asks the same diff 30 times). */
  private readonly memo = new Map<string, Promise<unknown>>();

  private remember<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let hit = this.memo.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = compute();
      this.memo.set(key, hit);
      hit.catch(() => this.memo.delete(key));
    }
    return hit;
  }

  private readonly objects: CatFileBatch;

  constructor(dir: string) {
    this.dir = dir;
    this.objects = new CatFileBatch(dir);
  }

  /** Stops the long-lived `git cat-file` process. */
  close(): void {
    this.objects.close();
  }

  /** Creates `ref` at `sha` (the write endpoints: POST git/refs); false when it exists. */
  createRef(ref: string, sha: string): boolean {
    try {
      execFileSync("git", ["update-ref", ref, sha, ""], { cwd: this.dir, env: gitEnv(), stdio: "pipe" });
      return true;
    } catch {
      return false;
    }
  }

  /** Commits one file onto `branch` (PUT contents): a new tree from the branch's, as GitHub does. */
  commitFile(branch: string, path: string, content: Buffer, message: string): string {
    const run = (args: string[], extra: NodeJS.ProcessEnv = {}, input?: Buffer) =>
      execFileSync("git", args, { cwd: this.dir, env: { ...gitEnv(), ...extra }, input, stdio: "pipe" })
        .toString("utf8")
        .trim();
    const ref = `refs/heads/${branch}`;
    const parent = run(["rev-parse", "--verify", `${ref}^{commit}`]);
    const blob = run(["hash-object", "-w", "--stdin"], {}, content);
    const scratch = mkdtempSync(join(tmpdir(), "fake-gh-index-"));
    try {
      const index = { GIT_INDEX_FILE: join(scratch, "index") };
      run(["read-tree", parent], index);
      run(["update-index", "--add", "--cacheinfo", `100644,${blob},${path}`], index);
      const tree = run(["write-tree"], index);
      const commit = run(["commit-tree", tree, "-p", parent, "-m", message]);
      run(["update-ref", ref, commit, parent]);
      return commit;
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  run(args: string[]): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      execFile(
        "git",
        args,
        { cwd: this.dir, encoding: "buffer", maxBuffer: 1024 * 1024 * 1024, env: gitEnv() },
        (error, stdout, stderr) => {
          if (error)
            reject(new Error(`git ${args.join(" ")}: ${stderr.toString("utf8").trim() || error.message}`));
          else resolve(stdout);
        },
      );
    });
  }

  private async text(args: string[]): Promise<string> {
    return (await this.run(args)).toString("utf8");
  }

  /** Full SHA of `ref` peeled to `kind`, or undefined when it does not exist. */
  async resolve(ref: string, kind: "commit" | "tree" | "blob" = "commit"): Promise<string | undefined> {
    if (FULL_SHA.test(ref)) {
      const resolved = await this.remember(`resolve ${ref} ${kind}`, () => this.resolveUncached(ref, kind));
      if (resolved === undefined) this.memo.delete(`resolve ${ref} ${kind}`);
      return resolved;
    }
    const branchTip = kind === "commit" ? this.readBranchRef(ref) : undefined;
    return branchTip ?? this.resolveUncached(ref, kind);
  }

  /** A branch tip read straight from .git/refs/heads (no process spawn; branches are loose refs here). */
  private readBranchRef(ref: string): string | undefined {
    const name = ref.startsWith("refs/heads/") ? ref : `refs/heads/${ref}`;
    if (name.includes("..") || !/^[\w./-]+$/.test(name)) return undefined;
    try {
      const sha = readFileSync(join(this.dir, ".git", name), "utf8").trim();
      return FULL_SHA.test(sha) ? sha : undefined;
    } catch {
      return undefined;
    }
  }

  private async resolveUncached(ref: string, kind: string): Promise<string | undefined> {
    if (ref.startsWith("-")) return undefined;
    try {
      return (await this.objects.read(`${ref}^{${kind}}`))?.sha;
    } catch {
      return undefined;
    }
  }

  async objectType(sha: string): Promise<string | undefined> {
    try {
      return (await this.objects.read(sha))?.type;
    } catch {
      return undefined;
    }
  }

  /** Trees of a full SHA (or "<full sha>:<path>") never change, so listings are memoised. */
  tree(treeish: string, recursive: boolean): Promise<TreeEntry[]> {
    if (FULL_SHA.test(treeish.slice(0, 40)) && (treeish.length === 40 || treeish.charAt(40) === ":")) {
      return this.remember(`tree ${recursive} ${treeish}`, () => this.treeUncached(treeish, recursive));
    }
    return this.treeUncached(treeish, recursive);
  }

  private async treeUncached(treeish: string, recursive: boolean): Promise<TreeEntry[]> {
    const args = ["ls-tree", "-z", "-l", "--full-tree"];
    if (recursive) args.push("-r", "-t");
    const out = await this.text([...args, treeish]);
    return out
      .split("\0")
      .filter(Boolean)
      .map((line) => {
        const tab = line.indexOf("\t");
        const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/) as [
          string,
          TreeEntry["type"],
          string,
          string,
        ];
        const entry: TreeEntry = { path: line.slice(tab + 1), mode, type, sha };
        if (type === "blob") entry.size = Number(size);
        return entry;
      });
  }

  /** Entries of a single directory of a commit ("" for the root). */
  entryAt(commit: string, path: string): Promise<TreeEntry | undefined> {
    if (FULL_SHA.test(commit))
      return this.remember(`entry ${commit} ${path}`, () => this.entryAtUncached(commit, path));
    return this.entryAtUncached(commit, path);
  }

  private async entryAtUncached(commit: string, path: string): Promise<TreeEntry | undefined> {
    const out = await this.text(["ls-tree", "-z", "-l", "--full-tree", commit, "--", path]);
    const line = out.split("\0").find(Boolean);
    if (!line) return undefined;
    const tab = line.indexOf("\t");
    const [mode, type, sha, size] = line.slice(0, tab).split(/\s+/) as [
      string,
      TreeEntry["type"],
      string,
      string,
    ];
    if (line.slice(tab + 1) !== path) return undefined;
    return { path, mode, type, sha, ...(type === "blob" ? { size: Number(size) } : {}) };
  }

  async blob(sha: string): Promise<Buffer> {
    const object = await this.objects.read(sha);
    if (object?.type !== "blob") throw new Error(`git cat-file blob ${sha}: not a blob`);
    return object.content;
  }

  commit(sha: string): Promise<CommitInfo> {
    return this.remember(`commit ${sha}`, () => this.commitUncached(sha));
  }

  private async commitUncached(sha: string): Promise<CommitInfo> {
    const object = sha.startsWith("-") ? undefined : await this.objects.read(`${sha}^{commit}`);
    if (!object) throw new Error(`git show ${sha}: unknown revision`);
    const text = object.content.toString("utf8");
    const split = text.indexOf("\n\n");
    const headers = (split < 0 ? text : text.slice(0, split)).split("\n");
    const message = split < 0 ? "" : text.slice(split + 2);
    const field = (name: string) =>
      headers.find((line) => line.startsWith(`${name} `))?.slice(name.length + 1);
    return {
      sha: object.sha,
      tree: field("tree") ?? "",
      parents: headers.filter((line) => line.startsWith("parent ")).map((line) => line.slice(7)),
      message: message.replace(/\n+$/, ""),
      author: parseIdent(field("author") ?? ""),
      committer: parseIdent(field("committer") ?? ""),
    };
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    if (FULL_SHA.test(a) && FULL_SHA.test(b)) {
      return this.remember(`merge-base ${a} ${b}`, () => this.mergeBaseUncached(a, b));
    }
    return this.mergeBaseUncached(a, b);
  }

  private async mergeBaseUncached(a: string, b: string): Promise<string | undefined> {
    try {
      return (await this.text(["merge-base", a, b])).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /** Commits reachable from `head` but not from `base`, oldest first. */
  async commitsBetween(base: string, head: string): Promise<string[]> {
    const out = await this.text(["rev-list", "--reverse", `${base}..${head}`]);
    return out.split("\n").filter(Boolean);
  }

  /** Files changed from `base` to `head` (two-dot diff of the two trees), with renames detected. */
  diff(base: string, head: string): Promise<ChangedFile[]> {
    if (FULL_SHA.test(base) && FULL_SHA.test(head)) {
      return this.remember(`diff ${base} ${head}`, () => this.diffUncached(base, head));
    }
    return this.diffUncached(base, head);
  }

  private async diffUncached(base: string, head: string): Promise<ChangedFile[]> {
    const [rawText, numstatText] = await Promise.all([
      this.text(["diff", "--raw", "-z", "-M", "--no-abbrev", base, head]),
      this.text(["diff", "--numstat", "-z", "-M", base, head]),
    ]);
    const raw = rawText.split("\0");
    const numstat = numstatText.split("\0");
    const counts: Array<{ additions: number; deletions: number }> = [];
    for (let i = 0; i < numstat.length; i++) {
      const entry = numstat[i];
      if (!entry) continue;
      const [added, deleted, path] = entry.split("\t");
      if (path === "") i += 2; // rename: "a\td\t" then old\0new\0
      counts.push({
        additions: added === "-" ? 0 : Number(added),
        deletions: deleted === "-" ? 0 : Number(deleted),
      });
    }
    const files: ChangedFile[] = [];
    for (let i = 0; i < raw.length; ) {
      const meta = raw[i];
      if (!meta?.startsWith(":")) {
        i++;
        continue;
      }
      const [, , , newSha, statusField] = meta.slice(1).split(" ") as [
        string,
        string,
        string,
        string,
        string,
      ];
      const letter = statusField.charAt(0);
      const count = counts[files.length] ?? { additions: 0, deletions: 0 };
      const base = { ...count, changes: count.additions + count.deletions };
      if (letter === "R" || letter === "C") {
        const from = raw[i + 1] ?? "";
        const to = raw[i + 2] ?? "";
        files.push({
          filename: to,
          previous_filename: from,
          status: letter === "R" ? "renamed" : "copied",
          sha: newSha,
          ...base,
        });
        i += 3;
      } else {
        const path = raw[i + 1] ?? "";
        const status =
          letter === "A" ? "added" : letter === "D" ? "removed" : letter === "M" ? "modified" : "changed";
        files.push({
          filename: path,
          status,
          sha: status === "removed" ? (meta.split(" ")[2] ?? "") : newSha,
          ...base,
        });
        i += 2;
      }
    }
    return files;
  }

  /** `git archive` of a commit as tar.gz with GitHub's top-level folder. */
  archive(commit: string, prefix: string): Promise<Buffer> {
    return this.run(["archive", "--format=tar.gz", `--prefix=${prefix}/`, commit]);
  }
}
