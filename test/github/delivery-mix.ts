/**
 * The delivery mix of `npm run load` (scripts/load.ts) and the intake bench
 * (bench/webhook-intake.bench.ts): per repository one pull request on the fake GitHub, whose
 * deliveries cycle pull_request opened / synchronize / reopened / synchronize for the same head,
 * every fifth a push of that head — so the queue sees every delivery and the analysis runs once
 * per (repository, head SHA).
 */
import type { FakeGitHub } from "../harness/fake-github/index.ts";
import type { SendWebhookOptions } from "../harness/webhooks.ts";
import { pullRequestEvent, pushEvent } from "./app-harness.ts";
import { commitOnBranch, fixtureRepo, INSTALLATION } from "./fixture-repo.ts";

export type DeliveryTemplate = Omit<SendWebhookOptions, "url" | "secret">;

export interface DeliveryMix {
  /** Per repository, its deliveries in order. */
  readonly byRepository: readonly (readonly DeliveryTemplate[])[];
  /** Per repository, one `opened` of its pull request (to analyse each head before a measurement). */
  readonly opened: readonly DeliveryTemplate[];
  /** Per repository, its pull request's head commit (what the analyses must cover). */
  readonly heads: readonly PullRequestHead[];
}

export interface PullRequestHead {
  readonly owner: string;
  readonly name: string;
  readonly fullName: string;
  readonly head: string;
}

/** Creates `repositories` fixture repositories named `<prefix>-<i>`, each with `perRepository` deliveries. */
export function deliveryMix(
  gh: FakeGitHub,
  options: { readonly prefix: string; readonly repositories: number; readonly perRepository: number },
): DeliveryMix {
  const byRepository: DeliveryTemplate[][] = [];
  const opened: DeliveryTemplate[] = [];
  const heads: PullRequestHead[] = [];
  for (let i = 0; i < options.repositories; i++) {
    const repo = fixtureRepo(gh, `${options.prefix}-${i}`);
    const head = commitOnBranch(repo, "feature", {
      "src/data/rows.ts": 'import { page } from "../ui/page";\nexport const rows: number[] = [];\n',
    });
    gh.addPullRequest({ owner: repo.owner, repo: repo.name, number: 1, head: "feature", base: "main" });
    heads.push({ owner: repo.owner, name: repo.name, fullName: repo.fullName, head });
    const pr = {
      owner: repo.owner,
      repo: repo.name,
      repoId: repo.id,
      number: 1,
      headRef: "feature",
      headSha: head,
      baseSha: repo.baseSha,
      installationId: INSTALLATION,
    };
    opened.push(pullRequestEvent("opened", pr));
    const deliveries: DeliveryTemplate[] = [];
    for (let k = 0; k < options.perRepository; k++) {
      // Not `edited`: a base change re-analyses on purpose.
      const action = (["opened", "synchronize", "reopened", "synchronize"] as const)[k % 4] ?? "opened";
      deliveries.push(
        k % 5 === 4
          ? pushEvent({ ...pr, ref: "feature", before: repo.baseSha, after: head })
          : pullRequestEvent(action, pr),
      );
    }
    byRepository.push(deliveries);
  }
  return { byRepository, opened, heads };
}

/** The k-th delivery of every repository in turn, as concurrent pull requests would arrive. */
export function interleaved<T>(lists: readonly (readonly T[])[]): T[] {
  const longest = Math.max(0, ...lists.map((list) => list.length));
  const out: T[] = [];
  for (let k = 0; k < longest; k++) for (const list of lists) if (k < list.length) out.push(list[k]!);
  return out;
}
