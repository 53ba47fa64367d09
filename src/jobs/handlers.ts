/**
 * The delivery handler registry: the job for a recorded webhook delivery dispatches to every
 * handler registered for its event ("pull_request") or event.action ("pull_request.opened").
 * Feature modules register their handlers in `registerDefaultHandlers`.
 */
import { createCommandHandler } from "../github/comment-commands/handler.ts";
import type { DeliveryHandler } from "../github/delivery.ts";
import { ANALYSIS_EVENT_KEYS } from "../github/events.ts";
import { type AnalysisOptions, createAnalysisHandler, reanalysePullRequest } from "./analysis-job.ts";
import {
  handleInstallation,
  handleInstallationRepositories,
  handleOnboarding,
} from "./installation-handlers.ts";
import { createResultsIntakeHandler } from "./results-intake.ts";

interface Registration {
  name: string;
  handler: DeliveryHandler;
}

export class HandlerRegistry {
  readonly #byKey = new Map<string, Registration[]>();

  /**
   * Registers `handler` under a name (shown in logs and audit rows) for one or more keys:
   * an event ("push") or an event with its action ("pull_request.opened").
   */
  on(keys: string | readonly string[], name: string, handler: DeliveryHandler): this {
    for (const key of typeof keys === "string" ? [keys] : keys) {
      if (!/^[a-z_]+(\.[a-z_]+)?$/.test(key)) throw new Error(`invalid handler key "${key}"`);
      const list = this.#byKey.get(key) ?? [];
      list.push({ name, handler });
      this.#byKey.set(key, list);
    }
    return this;
  }

  /** Handlers for a delivery: those for the bare event first, then those for event.action. */
  handlersFor(event: string, action: string | null): Registration[] {
    const forEvent = this.#byKey.get(event) ?? [];
    const forAction = action ? (this.#byKey.get(`${event}.${action}`) ?? []) : [];
    return [...forEvent, ...forAction];
  }

  /** Every key with at least one handler. */
  keys(): string[] {
    return [...this.#byKey.keys()].sort();
  }
}

/** The product's handlers. Feature modules add their registrations here. */
export function registerDefaultHandlers(
  registry: HandlerRegistry,
  options: { analysis?: AnalysisOptions; onboarding?: boolean } = {},
): HandlerRegistry {
  registry.on("installation", "installations", handleInstallation);
  registry.on("installation_repositories", "installation-repositories", handleInstallationRepositories);
  if (options.onboarding)
    registry.on(["installation.created", "installation_repositories.added"], "onboarding", handleOnboarding);
  registry.on(ANALYSIS_EVENT_KEYS, "analysis", createAnalysisHandler(options.analysis));
  registry.on("workflow_run.completed", "bdv-results", createResultsIntakeHandler(options.analysis));
  registry.on(
    "issue_comment.created",
    "commands",
    createCommandHandler({
      ai: options.analysis?.ai,
      rerun: (context, prNumber) => reanalysePullRequest(context, prNumber, options.analysis ?? {}),
    }),
  );
  return registry;
}
