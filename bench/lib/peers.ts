/**
 * The real repositories the peer comparisons run on (bench/peers.json): where each is
 * expected, which commit, and how to get it. A bench whose repository is absent (or at
 * another commit) prints "skipped: …" with the commands that fetch it, and goes on.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

interface PeerEntry {
  readonly name: string;
  readonly repository: string;
  readonly commit: string;
  readonly path: string;
  readonly env: string;
  readonly scope: string[];
  readonly tsconfig?: string;
  /** Python: the package import-linter analyses, and two subpackages for an independence contract. */
  readonly rootPackage?: string;
  readonly independent?: string[];
}

export interface Peer extends PeerEntry {
  readonly dir: string;
  /** Why the comparison cannot run, with the commands that make it possible; null when it can. */
  readonly skip: string | null;
}

const listing = JSON.parse(readFileSync(join(import.meta.dirname, "../peers.json"), "utf8")) as {
  typescript?: PeerEntry;
  python?: PeerEntry;
  importLinter: { lintImports: string; env: string; build: string };
};

function peer(kind: "typescript" | "python"): Peer {
  const entry = listing[kind];
  if (entry === undefined) throw new Error(`bench/peers.json has no "${kind}" entry`);
  const dir = process.env[entry.env]?.trim() || entry.path;
  const how =
    `fetch ${entry.repository} at commit ${entry.commit} with ` +
    `\`git clone ${entry.repository} ${dir} && git -C ${dir} checkout ${entry.commit}\` ` +
    `(or set ${entry.env} to such a checkout)`;
  let skip: string | null = null;
  if (!existsSync(join(dir, ".git"))) skip = `no git checkout at ${dir}: ${how}`;
  else {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], {
      cwd: dir,
      encoding: "utf8",
    }).trim();
    if (head !== entry.commit) skip = `${dir} is at ${head}, not ${entry.commit}: ${how}`;
    else if (dirty !== "") skip = `${dir} has local changes (git -C ${dir} checkout -- .)`;
  }
  return { ...entry, dir, skip };
}

export const typescriptPeer = (): Peer => peer("typescript");
export const pythonPeer = (): Peer => peer("python");

/** import-linter's `lint-imports` (built from source, see bench/peers.json), or why it is missing. */
export function lintImports(): { path: string; skip: string | null } {
  const entry = listing.importLinter;
  const path = process.env[entry.env]?.trim() || entry.lintImports;
  return { path, skip: existsSync(path) ? null : `no ${path}: ${entry.build} (or set ${entry.env})` };
}
