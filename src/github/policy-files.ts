/**
 * The files peer configs are adopted from (acc.adopt), read at the commit the config came from:
 * a pull request, even from a fork, never changes the contracts that judge it. Reads are lazy
 * (an adopter asks for the few files it needs): the folder's tree is listed first, so a file
 * that does not exist costs no request that GitHub answers with 404, and an existing one is one
 * blob read. Cached, bounded in number and size. When the snapshot already listed that commit's
 * tree (`listed`), the listing and the blobs it read are used instead: no request at all for an
 * absent file, none for one the snapshot holds.
 */
import type { ProbotOctokit } from "probot";
import type { PolicyFiles } from "../core/acc/adopt/index.ts";
import type { ListedTree, RepoRef } from "./snapshot.ts";

/** More reads than this for one analysis is not a real peer config: the rest read as absent. */
export const MAX_POLICY_READS = 64;
/** A peer config larger than this is not read. */
export const MAX_POLICY_FILE_BYTES = 1024 * 1024;

interface Entry {
  readonly type: string;
  readonly sha: string;
  readonly size?: number | undefined;
}

export function githubPolicyFiles(
  octokit: ProbotOctokit,
  repo: RepoRef,
  ref: string,
  listed?: ListedTree,
): PolicyFiles {
  const folders = new Map<string, Promise<Map<string, Entry> | null>>();
  const texts = new Map<string, Promise<string | null>>();

  const list = (treeSha: string): Promise<Map<string, Entry>> =>
    octokit.rest.git
      .getTree({ owner: repo.owner, repo: repo.repo, tree_sha: treeSha })
      .then(({ data }) => new Map(data.tree.map((entry) => [entry.path ?? "", entry as Entry])));

  const folder = (path: string): Promise<Map<string, Entry> | null> => {
    let listing = folders.get(path);
    if (listing === undefined) {
      if (path === "") listing = list(ref);
      else {
        const slash = path.lastIndexOf("/");
        listing = folder(slash === -1 ? "" : path.slice(0, slash)).then((parent) => {
          const entry = parent?.get(path.slice(slash + 1));
          return entry?.type === "tree" ? list(entry.sha) : null;
        });
      }
      folders.set(path, listing);
    }
    return listing;
  };

  const entryAt = async (path: string): Promise<Entry | undefined> => {
    if (listed) return listed.entry(path);
    const slash = path.lastIndexOf("/");
    return (await folder(slash === -1 ? "" : path.slice(0, slash)))?.get(path.slice(slash + 1));
  };

  const readBlob = async (path: string): Promise<string | null> => {
    const entry = await entryAt(path);
    if (entry?.type !== "blob" || (entry.size ?? 0) > MAX_POLICY_FILE_BYTES) return null;
    const held = listed?.content(entry.sha);
    const bytes = held ?? (await fetchBlob(entry.sha));
    return bytes.byteLength > MAX_POLICY_FILE_BYTES ? null : new TextDecoder().decode(bytes);
  };

  const fetchBlob = async (sha: string): Promise<Uint8Array> => {
    const { data } = await octokit.rest.git.getBlob({ owner: repo.owner, repo: repo.repo, file_sha: sha });
    return data.encoding === "base64"
      ? Buffer.from(data.content, "base64")
      : Buffer.from(data.content, "utf8");
  };

  return {
    read(path) {
      const cached = texts.get(path);
      if (cached) return cached;
      if (!isRepoPath(path) || texts.size >= MAX_POLICY_READS) return Promise.resolve(null);
      const text = readBlob(path);
      texts.set(path, text);
      return text;
    },
  };
}

/** A repo-relative POSIX path with no "..", "." or empty segment. */
function isRepoPath(path: string): boolean {
  return path !== "" && path.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}
