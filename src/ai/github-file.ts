/**
 * Reads one file of a commit through the GitHub contents API, for an explanation asked for
 * by command (the analysis job has the whole snapshot already). The reply carries the blob
 * SHA, which keys the explanation cache.
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { FileSource, SourceFile } from "./explain.ts";

/** Larger files are not excerpted (the contents API stops inlining them at 1 MB anyway). */
const MAX_FILE_BYTES = 1_000_000;

const contentsFile = z.object({
  type: z.literal("file"),
  sha: z.string().regex(/^[0-9a-f]{40}$/),
  size: z.number().int().nonnegative(),
  encoding: z.string().optional(),
  content: z.string().optional(),
});

export function githubFileReader(
  octokit: Pick<ProbotOctokit, "rest">,
  repo: { readonly owner: string; readonly repo: string },
  ref: string,
): FileSource {
  return async (path: string): Promise<SourceFile | null> => {
    const response = await octokit.rest.repos.getContent({
      ...repo,
      path,
      ref,
    });
    const parsed = contentsFile.safeParse(response.data);
    if (!parsed.success || parsed.data.size > MAX_FILE_BYTES) return null;
    const { sha, encoding, content } = parsed.data;
    if (encoding !== "base64" || content === undefined) return null;
    return { path, blobSha: sha, content: new Uint8Array(Buffer.from(content, "base64")) };
  };
}
