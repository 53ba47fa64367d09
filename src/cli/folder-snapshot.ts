/**
 * Snapshots of a plain folder (a downloaded archive, a Docker build context): every file
 * below DIR that the `.gitignore` files on its way (DIR's own and nested ones, with git's
 * semantics through the `ignore` library) do not exclude. `.git` and `node_modules`
 * directories are never read. Entries are read like a git working tree's, so blob SHAs
 * and skip reasons are the same as `workingTreeSnapshot`'s.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ignore, { type Ignore } from "ignore";
import { type SkippedFile, type Snapshot, type SnapshotFile, sortSnapshot } from "../core/snapshot.ts";
import { type OnFileRead, readWorkingTreeEntry, withoutContent } from "./git-snapshot.ts";

const NEVER_READ: ReadonlySet<string> = new Set([".git", "node_modules"]);

interface IgnoreScope {
  /** Directory of the .gitignore, relative to DIR ("" for DIR itself). */
  readonly base: string;
  readonly rules: Ignore;
}

export function folderSnapshot(dir: string, onFile?: OnFileRead): Snapshot {
  const files: SnapshotFile[] = [];
  const skipped: SkippedFile[] = [];
  walk(dir, "", [], files, skipped, onFile);
  return sortSnapshot({ commit: null, files, skipped });
}

function walk(
  root: string,
  relativeDir: string,
  inherited: readonly IgnoreScope[],
  files: SnapshotFile[],
  skipped: SkippedFile[],
  onFile: OnFileRead | undefined,
): void {
  const absolute = join(root, relativeDir);
  const scopes = withGitignore(absolute, relativeDir, inherited);
  const entries = readdirSync(absolute, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const path = relativeDir === "" ? entry.name : `${relativeDir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (NEVER_READ.has(entry.name) || isIgnored(scopes, `${path}/`)) continue;
      walk(root, path, scopes, files, skipped, onFile);
      continue;
    }
    if (isIgnored(scopes, path)) continue;
    const read = readWorkingTreeEntry(root, path, null);
    if (read === null) continue;
    if ("reason" in read) skipped.push(read);
    else files.push(onFile?.(read) === true ? withoutContent(root, read) : read);
  }
}

function withGitignore(
  absoluteDir: string,
  relativeDir: string,
  inherited: readonly IgnoreScope[],
): readonly IgnoreScope[] {
  let text: string;
  try {
    text = readFileSync(join(absoluteDir, ".gitignore"), "utf8");
  } catch {
    return inherited;
  }
  return [...inherited, { base: relativeDir, rules: ignore().add(text) }];
}

/**
 * git's precedence: the deepest .gitignore that has an opinion wins; a path is also ignored
 * when an ancestor directory is (directories are tested before being entered, so that case
 * never reaches here).
 */
function isIgnored(scopes: readonly IgnoreScope[], path: string): boolean {
  for (let i = scopes.length - 1; i >= 0; i--) {
    const scope = scopes[i]!;
    const local = scope.base === "" ? path : path.slice(scope.base.length + 1);
    const result = scope.rules.test(local);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}
