/**
 * A snapshot is one commit of a repository as the engine sees it: repo-relative paths
 * with their git blob SHA and contents. The app builds it from the GitHub API, the CLI
 * from a local git checkout; the engine never reads anything else.
 */
export interface SnapshotFile {
  /** Repo-relative POSIX path, no leading "./" or "/". */
  readonly path: string;
  /** Git blob SHA of the contents; the key of every content-addressed cache. */
  readonly blobSha: string;
  readonly content: Uint8Array;
}

export type SkipReason = "binary" | "too-large" | "lfs-pointer" | "submodule" | "symlink" | "invalid-utf8";

export interface SkippedFile {
  readonly path: string;
  readonly reason: SkipReason;
}

export interface Snapshot {
  /** Commit SHA, or null for a working tree. */
  readonly commit: string | null;
  readonly files: readonly SnapshotFile[];
  /** Entries left out before analysis, counted in reports. */
  readonly skipped: readonly SkippedFile[];
}
