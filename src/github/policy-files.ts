/**
 * The files peer configs are adopted from (acc.adopt), read through the contents API at the
 * commit the config came from: a pull request, even from a fork, never changes the contracts
 * that judge it. Reads are lazy (an adopter asks for the few files it needs), cached, and
 * bounded in number and size.
 */
import type { ProbotOctokit } from "probot";
import type { PolicyFiles } from "../core/acc/adopt/index.ts";
import type { RepoRef } from "./snapshot.ts";

/** More reads than this for one analysis is not a real peer config: the rest read as absent. */
export const MAX_POLICY_READS = 64;
/** A peer config larger than this is not read. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

export function githubPolicyFiles(octokit: ProbotOctokit, repo: RepoRef, ref: string): PolicyFiles {
  const cache = new Map<string, Promise<string | null>>();
  return {
    read(path) {
      const cached = cache.get(path);
      if (cached) return cached;
      if (!isRepoPath(path) || cache.size >= MAX_POLICY_READS) return Promise.resolve(null);
      const text = readText(octokit, repo, ref, path);
      cache.set(path, text);
      return text;
    },
  };
}

/** A repo-relative POSIX path with no "..", "." or empty segment. */
function isRepoPath(path: string): boolean {
  return path !== "" && path.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

async function readText(
  octokit: ProbotOctokit,
  repo: RepoRef,
  ref: string,
  path: string,
): Promise<string | null> {
  try {
    const response = await octokit.rest.repos.getContent({
      owner: repo.owner,
      repo: repo.repo,
      path,
      ref,
      mediaType: { format: "raw" },
    });
    const data: unknown = response.data;
    const bytes =
      typeof data === "string"
        ? new TextEncoder().encode(data)
        : data instanceof ArrayBuffer
          ? new Uint8Array(data)
          : null;
    if (bytes === null || bytes.byteLength > MAX_POLICY_FILE_BYTES) return null;
    return new TextDecoder().decode(bytes);
  } catch (error) {
    // A missing file (or a directory in its place) is simply no config.
    if ((error as { status?: number }).status === 404) return null;
    throw error;
  }
}
