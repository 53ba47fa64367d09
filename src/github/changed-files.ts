/**
 * The paths a pull request changes: the pull request files API (100 per page, GitHub lists
 * at most 3,000). Beyond that limit the list is incomplete, so the answer is "unknown" and
 * the engine compares the base and head trees by blob SHA instead.
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { RepoRef } from "./snapshot.ts";

export const PR_FILES_LIMIT = 3000;
const PER_PAGE = 100;

const fileSchema = z.object({ filename: z.string(), previous_filename: z.string().optional() });

export interface ChangedFiles {
  /** The changed paths, or null when the API cannot list them all (compare trees instead). */
  readonly paths: ReadonlySet<string> | null;
  readonly source: "pull-request-files" | "tree-compare";
  readonly requests: number;
}

/**
 * `knownCount` is the pull request's `changed_files` from the webhook, when present: beyond
 * the limit no page is fetched at all.
 */
export async function pullRequestChangedFiles(
  octokit: ProbotOctokit,
  repo: RepoRef,
  pullNumber: number,
  knownCount?: number | null,
): Promise<ChangedFiles> {
  if (knownCount !== undefined && knownCount !== null && knownCount >= PR_FILES_LIMIT) {
    return { paths: null, source: "tree-compare", requests: 0 };
  }
  const paths = new Set<string>();
  let listed = 0;
  let requests = 0;
  for (let page = 1; listed < PR_FILES_LIMIT; page++) {
    requests++;
    const response = await octokit.rest.pulls.listFiles({
      owner: repo.owner,
      repo: repo.repo,
      pull_number: pullNumber,
      per_page: PER_PAGE,
      page,
    });
    const files = z.array(fileSchema).parse(response.data);
    for (const file of files) {
      paths.add(file.filename);
      if (file.previous_filename) paths.add(file.previous_filename);
    }
    listed += files.length;
    if (files.length < PER_PAGE) return { paths, source: "pull-request-files", requests };
  }
  // Exactly at the limit: GitHub may have left files out.
  return { paths: null, source: "tree-compare", requests };
}
