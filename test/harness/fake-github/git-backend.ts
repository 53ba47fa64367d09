/** Read-only git queries the fake GitHub answers from (async, so the server never blocks). */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
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

  constructor(dir: string) {
    this.dir = dir;
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
    try {
      const out = await this.text(["rev-parse", "--verify", "--quiet", `${ref}^{${kind}}`]);
      return out.trim() || undefined;
    } catch {
      return undefined;
    }
  }

  async objectType(sha: string): Promise<string | undefined> {
    try {
      return (await this.text(["cat-file", "-t", sha])).trim();
    } catch {
      return undefined;
    }
  }

  async tree(treeish: string, recursive: boolean): Promise<TreeEntry[]> {
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
  async entryAt(commit: string, path: string): Promise<TreeEntry | undefined> {
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

  blob(sha: string): Promise<Buffer> {
    return this.run(["cat-file", "blob", sha]);
  }

  commit(sha: string): Promise<CommitInfo> {
    return this.remember(`commit ${sha}`, () => this.commitUncached(sha));
  }

  private async commitUncached(sha: string): Promise<CommitInfo> {
    const format = ["%H", "%T", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"].join("%x00");
    const out = await this.text(["show", "-s", `--format=${format}`, sha]);
    const [full, tree, parents, an, ae, ad, cn, ce, cd, ...message] = out.split("\0");
    const toIso = (date: string | undefined) => new Date(date ?? 0).toISOString().replace(/\.\d{3}Z$/, "Z");
    return {
      sha: full ?? sha,
      tree: tree ?? "",
      parents: (parents ?? "").split(" ").filter(Boolean),
      message: message.join("\0").replace(/\n+$/, ""),
      author: { name: an ?? "", email: ae ?? "", date: toIso(ad) },
      committer: { name: cn ?? "", email: ce ?? "", date: toIso(cd) },
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
