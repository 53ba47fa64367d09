/**
 * Onboarding: for a repository without `.github/maestro-hive.yml`, ONE pull request from the
 * branch `maestro-hive/onboarding` adding the generated starter config, with what it finds
 * today. Any pull request from that branch, open or closed, means onboarding was offered: a
 * closed one is the maintainers' answer and is respected (no new one, ever). Stateless: GitHub
 * is the record, so a lost database or a second worker cannot open a duplicate PR.
 */
import type { Logger } from "pino";
import type { ProbotOctokit } from "probot";
import { analyze } from "../core/analyze.ts";
import { DEFAULT_CONFIG_PATH, loadConfig } from "../core/config/load.ts";
import { starterForSnapshot } from "../core/config/starter.ts";
import { renderOnboardingBody } from "../core/report/onboarding.ts";
import type { Db } from "../store/db.ts";
import { SnapshotFetcher } from "./snapshot.ts";

export const ONBOARDING_BRANCH = "maestro-hive/onboarding";
export const ONBOARDING_TITLE = "Configure Maestro Hive";

export type OnboardingOutcome =
  | { readonly outcome: "configured" }
  | { readonly outcome: "offered"; readonly number: number; readonly state: string }
  | { readonly outcome: "opened"; readonly number: number; readonly findings: number };

export interface OnboardingTarget {
  readonly octokit: ProbotOctokit;
  readonly db: Db;
  readonly fullName: string;
  readonly log: Logger;
  readonly now: Date;
}

export async function onboardRepository(target: OnboardingTarget): Promise<OnboardingOutcome> {
  const { octokit } = target;
  const [owner, repo] = target.fullName.split("/") as [string, string];
  const { data: repository } = await octokit.rest.repos.get({ owner, repo });
  const base = repository.default_branch;
  const { data: ref } = await octokit.rest.git.getRef({ owner, repo, ref: `heads/${base}` });
  const snapshot = await new SnapshotFetcher(octokit, target.db, { owner, repo }).fetch(
    ref.object.sha,
    "tarball",
  );
  const paths = [...snapshot.files, ...snapshot.skipped].map((file) => file.path);
  if (paths.includes(DEFAULT_CONFIG_PATH)) return { outcome: "configured" };

  const { data: earlier } = await octokit.rest.pulls.list({
    owner,
    repo,
    head: `${owner}:${ONBOARDING_BRANCH}`,
    state: "all",
    per_page: 1,
  });
  const [offered] = earlier;
  if (offered) return { outcome: "offered", number: offered.number, state: offered.state };

  const starter = starterForSnapshot(snapshot);
  const loaded = loadConfig(starter.text, DEFAULT_CONFIG_PATH);
  if (!loaded.ok) throw new Error(`the generated config does not validate: ${loaded.errors[0]?.message}`);
  const result = await analyze({ head: snapshot, base: null, config: loaded.config, now: target.now });
  const findings = Object.values(result.streams).reduce(
    (sum, stream) => sum + stream.findings.filter((f) => !f.suppressed).length,
    0,
  );
  await octokit.rest.git.createRef({
    owner,
    repo,
    ref: `refs/heads/${ONBOARDING_BRANCH}`,
    sha: ref.object.sha,
  });
  await octokit.rest.repos.createOrUpdateFileContents({
    owner,
    repo,
    path: DEFAULT_CONFIG_PATH,
    branch: ONBOARDING_BRANCH,
    message: "Add a starting Maestro Hive config",
    content: Buffer.from(starter.text, "utf8").toString("base64"),
  });
  const { data: pull } = await octokit.rest.pulls.create({
    owner,
    repo,
    head: ONBOARDING_BRANCH,
    base,
    title: ONBOARDING_TITLE,
    body: renderOnboardingBody(starter, result),
  });
  target.log.info(
    { repository: target.fullName, number: pull.number, findings },
    "onboarding pull request opened",
  );
  return { outcome: "opened", number: pull.number, findings };
}
