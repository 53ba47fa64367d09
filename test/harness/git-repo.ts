/**
 * Real git repositories for tests, built with the git CLI in a temp directory.
 *
 *   const repo = GitRepo.create();                       // empty repo, branch "main"
 *   const c1 = repo.commit("init", { "src/a.ts": "export const a = 1;\n" });
 *   repo.branch("feature");                              // create at HEAD + switch
 *   const c2 = repo.commit("change", { "src/a.ts": null, "src/b.ts": "..." }); // null deletes
 *   repo.switch("main"); repo.merge("feature"); repo.revParse("main"); repo.hashObject(bytes);
 *   repo.cleanup();
 *
 * Commits are written with `git fast-import` (one pack per commit, so a 5,000-file commit takes well
 * under a second; `git add` of loose objects is far slower) on top of the current branch: each commit
 * holds the parent's files plus the changes given. The working tree in `repo.dir` follows HEAD unless
 * `worktree: false`. Fixed author and an increasing fixed clock make SHAs reproducible.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gitEnv } from "./git-env.ts";

/** File content; `null` deletes; `{ symlink }` a symbolic link; `{ submodule }` a gitlink to a commit SHA. */
export type FileContent = string | Uint8Array | null | { symlink: string } | { submodule: string };

export interface GitRepoOptions {
  defaultBranch?: string;
  /** Seconds since epoch of the first commit; each commit adds 60 s. */
  startTime?: number;
  /** Keep `repo.dir`'s files in sync with HEAD (default true; false is faster for large generated repos). */
  worktree?: boolean;
}

const AUTHOR = { name: "Maestro Test", email: "test@maestro-hive.invalid" };

export class GitRepo {
  readonly dir: string;
  readonly defaultBranch: string;
  private readonly worktree: boolean;
  private clock: number;

  private constructor(dir: string, defaultBranch: string, startTime: number, worktree: boolean) {
    this.dir = dir;
    this.defaultBranch = defaultBranch;
    this.clock = startTime;
    this.worktree = worktree;
  }

  static create(options: GitRepoOptions = {}): GitRepo {
    const dir = mkdtempSync(join(tmpdir(), "maestro-git-"));
    const branch = options.defaultBranch ?? "main";
    const repo = new GitRepo(dir, branch, options.startTime ?? 1_767_225_600, options.worktree ?? true);
    repo.git("init", "--quiet", `--initial-branch=${branch}`);
    repo.git("config", "core.autocrlf", "false");
    repo.git("config", "commit.gpgsign", "false");
    return repo;
  }

  /** Runs git in the repository and returns stdout as text (one trailing newline trimmed). */
  git(...args: string[]): string {
    return this.gitBuffer(...args)
      .toString("utf8")
      .replace(/\n$/, "");
  }

  gitBuffer(...args: string[]): Buffer {
    return this.exec(args);
  }

  private exec(args: string[], input?: Buffer): Buffer {
    const date = `${this.clock} +0000`;
    return execFileSync("git", args, {
      cwd: this.dir,
      input,
      maxBuffer: 1024 * 1024 * 1024,
      env: gitEnv({
        GIT_AUTHOR_NAME: AUTHOR.name,
        GIT_AUTHOR_EMAIL: AUTHOR.email,
        GIT_COMMITTER_NAME: AUTHOR.name,
        GIT_COMMITTER_EMAIL: AUTHOR.email,
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        HOME: this.dir,
      }),
      stdio: ["pipe", "pipe", "pipe"],
    });
  }

  /** The branch HEAD points to. */
  currentBranch(): string {
    return this.git("symbolic-ref", "--short", "HEAD");
  }

  /** Commits `files` (changes on top of the current branch's tip) and returns the new commit SHA. */
  commit(message: string, files: Record<string, FileContent> = {}): string {
    return this.commits([{ message, files }])[0]!;
  }

  /**
   * Several commits in a row on the current branch, each on top of the previous one, in one
   * `git fast-import` run (for benches that need hundreds of commits); returns their SHAs.
   */
  commits(series: readonly { message: string; files?: Record<string, FileContent> }[]): string[] {
    if (series.length === 0) return [];
    const branch = this.currentBranch();
    const parent = this.tryRevParse(`refs/heads/${branch}`);
    const chunks: Buffer[] = [];
    const line = (text: string) => chunks.push(Buffer.from(`${text}\n`));
    const data = (bytes: Buffer) => {
      line(`data ${bytes.length}`);
      chunks.push(bytes, Buffer.from("\n"));
    };
    for (const [i, { message, files = {} }] of series.entries()) {
      const who = `${AUTHOR.name} <${AUTHOR.email}> ${this.clock + 60 * i} +0000`;
      line(`commit refs/heads/${branch}`);
      line(`mark :${i + 1}`);
      line(`author ${who}`);
      line(`committer ${who}`);
      data(Buffer.from(message));
      if (i > 0) line(`from :${i}`);
      else if (parent) line(`from ${parent}`);
      for (const [path, content] of Object.entries(files)) {
        if (/^\/|(^|\/)\.\.?(\/|$)|\n/.test(path))
          throw new Error(`invalid path for a commit: ${JSON.stringify(path)}`);
        if (content === null) {
          line(`D ${path}`);
        } else if (typeof content === "object" && "submodule" in content) {
          line(`M 160000 ${content.submodule} ${path}`);
        } else if (typeof content === "object" && "symlink" in content) {
          line(`M 120000 inline ${path}`);
          data(Buffer.from(content.symlink));
        } else {
          line(`M 100644 inline ${path}`);
          data(Buffer.from(content));
        }
      }
    }
    line("done");
    const marks = join(this.dir, ".git", "maestro-marks");
    this.exec(
      ["fast-import", "--quiet", "--done", "--force", `--export-marks=${marks}`],
      Buffer.concat(chunks),
    );
    this.clock += 60 * series.length;
    this.syncWorktree();
    const shas = new Map<string, string>();
    for (const entry of readFileSync(marks, "utf8").split("\n")) {
      const [mark, sha] = entry.split(" ");
      if (mark && sha) shas.set(mark, sha);
    }
    rmSync(marks, { force: true });
    return series.map((_, i) => shas.get(`:${i + 1}`)!);
  }

  /** Creates branch `name` at `from` (default: HEAD) and switches to it. */
  branch(name: string, from = "HEAD"): void {
    const sha = this.tryRevParse(from);
    if (sha) this.git("update-ref", `refs/heads/${name}`, sha);
    this.git("symbolic-ref", "HEAD", `refs/heads/${name}`);
    this.syncWorktree();
  }

  /** Switches to an existing branch. */
  switch(name: string): void {
    this.revParse(`refs/heads/${name}`);
    this.git("symbolic-ref", "HEAD", `refs/heads/${name}`);
    this.syncWorktree();
  }

  /** Merges `branch` into the current branch with a merge commit (fails on conflicts); returns HEAD. */
  merge(branch: string, message = `Merge ${branch}`): string {
    const ours = this.head();
    const theirs = this.revParse(branch);
    const tree = this.git("merge-tree", "--write-tree", ours, theirs).split("\n")[0] ?? "";
    const commit = this.git("commit-tree", tree, "-p", ours, "-p", theirs, "-m", message);
    this.git("update-ref", `refs/heads/${this.currentBranch()}`, commit);
    this.clock += 60;
    this.syncWorktree();
    return commit;
  }

  tag(name: string, ref = "HEAD"): void {
    this.git("tag", name, ref);
  }

  head(): string {
    return this.revParse("HEAD");
  }

  /** Resolves a ref or SHA to a full commit SHA; throws when it does not exist. */
  revParse(ref: string): string {
    const sha = this.tryRevParse(ref);
    if (!sha) throw new Error(`no commit ${ref} in ${this.dir}`);
    return sha;
  }

  private tryRevParse(ref: string): string | undefined {
    try {
      return this.git("rev-parse", "--verify", "--quiet", `${ref}^{commit}`) || undefined;
    } catch {
      return undefined;
    }
  }

  /** The git blob SHA of `content` (what GitHub reports as a file's `sha`). */
  hashObject(content: string | Uint8Array): string {
    return this.exec(["hash-object", "--stdin"], Buffer.from(content)).toString("utf8").trim();
  }

  /** Bytes of `path` at `ref`. */
  show(ref: string, path: string): Buffer {
    return this.gitBuffer("show", `${ref}:${path}`);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private syncWorktree(): void {
    if (this.worktree && this.tryRevParse("HEAD")) this.git("reset", "--hard", "--quiet");
  }
}
