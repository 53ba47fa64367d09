/**
 * The four check runs of one analysis on GitHub, written as few times as the result allows:
 * under GitHub's throttle (Probot's: writes of an installation at least 1 s apart) every
 * write costs about a second.
 *
 * - A quick analysis publishes each run with one request: created already completed, with
 *   its conclusion and first 50 annotations. Only further annotation batches are PATCHes.
 * - A slow one shows the runs in progress once `showProgressAfter`'s delay has passed
 *   (created `in_progress`), then completes them; a run not yet created when the result
 *   comes is created completed.
 * - A run whose commit already has a completed run of that name showing exactly this output
 *   (the same digest: a retried job, the same commit analysed again for its pull request) is
 *   not written at all — unless a re-run was asked for (`reuseUnchanged` false).
 * - The gate goes first (PUBLISH_ORDER).
 *
 * Ids and accepted requests are kept across retried attempts of the analysis: a run is
 * created once and an annotation batch (GitHub appends them, for good) sent once.
 */
import type { CheckConclusion } from "../core/report/check-runs.ts";
import { completedCheckRuns, markCheckRunsCompleted, recordCheckRun } from "../store/check-runs.ts";
import {
  type CheckRunIds,
  messageOutput,
  outputBody,
  PUBLISH_ORDER,
  type PublishableOutput,
  type PublishStats,
  type PublishTarget,
  RERUN_ACTION,
} from "./publish.ts";

export interface CheckRunSetOptions {
  /** The runs' external_id: the analysis run's id. */
  readonly externalId: string;
  /** When the analysis started: the runs' started_at. */
  readonly startedAt: Date;
  /** Reuse a completed run that shows the same output instead of writing (false: a re-run was asked for). */
  readonly reuseUnchanged: boolean;
  /** Runs GitHub work with the job's retry policy (showing progress). */
  readonly retrying: <T>(work: () => Promise<T>) => Promise<T>;
  /** Checked before the runs are shown in progress: false when a newer analysis took over. */
  readonly stillCurrent?: () => Promise<boolean>;
  /** Showing progress failed: logged; the result creates the runs anyway. */
  readonly onProgressError?: (error: unknown) => void;
}

export class CheckRunSet {
  readonly target: PublishTarget;
  readonly #options: CheckRunSetOptions;
  readonly #ids = new Map<string, number>();
  /** Requests GitHub accepted per run id (the create counts when it carried a batch). */
  readonly #sent = new Map<number, number>();
  readonly #completed = new Set<string>();
  readonly #inProgress = new Set<string>();
  readonly #reused = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #showing: Promise<void> | undefined;
  #progressOver = false;

  constructor(target: PublishTarget, options: CheckRunSetOptions) {
    this.target = target;
    this.#options = options;
  }

  /** The runs that show this analysis (created by it, or reused), by name. */
  get ids(): CheckRunIds {
    return new Map(this.#ids);
  }

  /** Shows the runs in progress after `delayMs`, unless the result (or the end) comes first. */
  showProgressAfter(delayMs: number): void {
    if (this.#progressOver || this.#timer !== undefined || this.#showing !== undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#showing = this.#showProgress().catch((error: unknown) =>
          this.#options.onProgressError?.(error),
        );
      },
      Math.max(0, delayMs),
    );
  }

  async #showProgress(): Promise<void> {
    if (this.#options.stillCurrent && !(await this.#options.stillCurrent())) return;
    const { octokit, repo, headSha, db, fullName } = this.target;
    await this.#options.retrying(async () => {
      for (const name of PUBLISH_ORDER) {
        if (this.#progressOver) return;
        if (this.#ids.has(name)) continue;
        const response = await octokit.rest.checks.create({
          owner: repo.owner,
          repo: repo.repo,
          name,
          head_sha: headSha,
          status: "in_progress",
          started_at: this.#options.startedAt.toISOString(),
          external_id: this.#options.externalId,
          output: {
            title: "Analysing…",
            summary: `Maestro Hive is analysing \`${headSha.slice(0, 7)}\`.`,
          },
        });
        const id = Number(response.data.id);
        this.#ids.set(name, id);
        this.#inProgress.add(name);
        await recordCheckRun(db, fullName, headSha, name, id, "in_progress");
      }
    });
  }

  /** No more progress shown: the timer cancelled, a creation under way waited for. */
  async settle(): Promise<void> {
    this.#progressOver = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#showing;
  }

  /** Publishes the result: every run completed (or reused), the gate first. */
  async complete(outputs: readonly PublishableOutput[]): Promise<PublishStats> {
    await this.settle();
    const { db, fullName, headSha } = this.target;
    const recorded = this.#options.reuseUnchanged
      ? await completedCheckRuns(db, fullName, headSha)
      : new Map<string, { id: number; digest: string }>();
    let requests = 0;
    let annotations = 0;
    const batches: Record<string, number> = {};
    for (const output of outputs) {
      annotations += output.annotations;
      batches[output.name] = 0;
      if (this.#completed.has(output.name)) continue;
      let id = this.#ids.get(output.name);
      if (id === undefined) {
        const previous = recorded.get(output.name);
        if (previous !== undefined && previous.digest === output.digest) {
          this.#ids.set(output.name, previous.id);
          this.#reused.add(output.name);
          this.#completed.add(output.name);
          continue;
        }
        id = await this.#create(output);
        requests++;
        batches[output.name] = 1;
      }
      const from = this.#sent.get(id) ?? 0;
      for (let i = from; i < output.batches.length; i++) {
        await this.#update(id, output, i);
        this.#sent.set(id, i + 1);
        requests++;
        batches[output.name] = (batches[output.name] ?? 0) + 1;
      }
      if (from < output.batches.length) await markCheckRunsCompleted(db, fullName, [id], output.digest);
      this.#completed.add(output.name);
    }
    return {
      requests,
      annotations,
      batches,
      inProgress: PUBLISH_ORDER.filter((name) => this.#inProgress.has(name)),
      reused: PUBLISH_ORDER.filter((name) => this.#reused.has(name)),
    };
  }

  /** Creates a run with its first batch; completed at once when that is its only batch. */
  async #create(output: PublishableOutput): Promise<number> {
    const { octokit, repo, headSha, db, fullName } = this.target;
    const only = output.batches.length <= 1;
    const response = await octokit.rest.checks.create({
      owner: repo.owner,
      repo: repo.repo,
      name: output.name,
      head_sha: headSha,
      external_id: this.#options.externalId,
      started_at: this.#options.startedAt.toISOString(),
      output: outputBody(output, output.batches[0] ?? []),
      ...(only
        ? {
            status: "completed" as const,
            conclusion: output.conclusion,
            completed_at: new Date().toISOString(),
            actions: [RERUN_ACTION],
          }
        : { status: "in_progress" as const }),
    });
    const id = Number(response.data.id);
    this.#ids.set(output.name, id);
    this.#sent.set(id, 1);
    await recordCheckRun(
      db,
      fullName,
      headSha,
      output.name,
      id,
      only ? "completed" : "in_progress",
      only ? output.digest : null,
    );
    return id;
  }

  /** Sends batch `i` of a run's output; the last batch completes the run. */
  async #update(id: number, output: PublishableOutput, i: number): Promise<void> {
    const { octokit, repo } = this.target;
    const last = i === output.batches.length - 1;
    await octokit.rest.checks.update({
      owner: repo.owner,
      repo: repo.repo,
      check_run_id: id,
      ...(last
        ? {
            status: "completed",
            conclusion: output.conclusion,
            completed_at: new Date().toISOString(),
            actions: [RERUN_ACTION],
          }
        : {}),
      output: outputBody(output, output.batches[i] ?? []),
    });
  }

  /**
   * Completes all four runs with one conclusion and message, creating those not created yet
   * (one request each): a config error, a final failure.
   */
  async completeAll(conclusion: CheckConclusion, title: string, summary: string): Promise<void> {
    await this.settle();
    const { octokit, repo, headSha, db, fullName } = this.target;
    const output = messageOutput(title, summary);
    for (const name of PUBLISH_ORDER) {
      const id = this.#ids.get(name);
      const completion = {
        status: "completed" as const,
        conclusion,
        completed_at: new Date().toISOString(),
        output,
        actions: [RERUN_ACTION],
      };
      if (id === undefined) {
        const response = await octokit.rest.checks.create({
          owner: repo.owner,
          repo: repo.repo,
          name,
          head_sha: headSha,
          external_id: this.#options.externalId,
          started_at: this.#options.startedAt.toISOString(),
          ...completion,
        });
        const created = Number(response.data.id);
        this.#ids.set(name, created);
        await recordCheckRun(db, fullName, headSha, name, created, "completed");
      } else {
        await octokit.rest.checks.update({
          owner: repo.owner,
          repo: repo.repo,
          check_run_id: id,
          ...completion,
        });
        await markCheckRunsCompleted(db, fullName, [id]);
      }
      this.#completed.add(name);
    }
  }

  /** Runs this analysis created that it has not completed (shown in progress, then left). */
  unfinished(): number[] {
    return PUBLISH_ORDER.filter((name) => this.#ids.has(name) && !this.#completed.has(name)).map(
      (name) => this.#ids.get(name)!,
    );
  }
}
