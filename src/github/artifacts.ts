/**
 * A workflow run's artifacts: listed by name, downloaded as zip. GitHub answers the download with
 * a 302 to a short-lived blob URL, which fetch follows. Artifacts are untrusted: the listing's
 * size is checked against the cap before downloading, and the bytes again after.
 */
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import type { RepoRef } from "./snapshot.ts";

const artifactSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  size_in_bytes: z.number(),
  expired: z.boolean(),
  created_at: z.string().nullable(),
  workflow_run: z
    .object({ id: z.number().int().optional(), head_sha: z.string().optional() })
    .nullable()
    .optional(),
});
const listSchema = z.object({ total_count: z.number(), artifacts: z.array(artifactSchema) });

export type Artifact = z.infer<typeof artifactSchema>;

/** Pages of the listing read at most (100 per page). */
const MAX_PAGES = 10;

/** The newest unexpired artifact of the run with this name, or null. */
export async function findArtifact(
  octokit: ProbotOctokit,
  repo: RepoRef,
  runId: number,
  name: string,
): Promise<Artifact | null> {
  const found: Artifact[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const response = await octokit.request("GET /repos/{owner}/{repo}/actions/runs/{run_id}/artifacts", {
      owner: repo.owner,
      repo: repo.repo,
      run_id: runId,
      name,
      per_page: 100,
      page,
    });
    const list = listSchema.parse(response.data);
    found.push(...list.artifacts.filter((artifact) => artifact.name === name));
    if (list.artifacts.length < 100 || page * 100 >= list.total_count) break;
  }
  const usable = found.filter((artifact) => !artifact.expired);
  usable.sort((a, b) => (b.created_at ?? "").localeCompare(a.created_at ?? "") || b.id - a.id);
  return usable[0] ?? null;
}

export class ArtifactTooLarge extends Error {}

/** Downloads an artifact's zip; refuses one over `maxBytes` before and after downloading. */
export async function downloadArtifact(
  octokit: ProbotOctokit,
  repo: RepoRef,
  artifact: Artifact,
  maxBytes: number,
): Promise<Uint8Array> {
  if (artifact.size_in_bytes > maxBytes)
    throw new ArtifactTooLarge(
      `artifact ${artifact.name} is ${artifact.size_in_bytes} bytes, over the cap of ${maxBytes}`,
    );
  const response = await octokit.request(
    "GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/{archive_format}",
    {
      owner: repo.owner,
      repo: repo.repo,
      artifact_id: artifact.id,
      archive_format: "zip",
    },
  );
  const data: unknown = response.data;
  const bytes =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
        : null;
  if (!bytes) throw new Error(`artifact ${artifact.name} came back as ${typeof data}, not bytes`);
  if (bytes.length > maxBytes)
    throw new ArtifactTooLarge(
      `artifact ${artifact.name} is ${bytes.length} bytes, over the cap of ${maxBytes}`,
    );
  return bytes;
}
