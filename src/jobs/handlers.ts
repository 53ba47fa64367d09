/**
 * The delivery handler registry: the job for a recorded webhook delivery dispatches to every
 * handler registered for its event ("pull_request") or event.action ("pull_request.opened").
 * Feature modules register their handlers in `registerDefaultHandlers`.
 */
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Context, ProbotOctokit } from "probot";
import { createCommandHandler } from "../github/commands/handler.ts";
import { ANALYSIS_EVENT_KEYS } from "../github/events.ts";
import type { NewAuditEvent } from "../store/audit.ts";
import type { Database } from "../store/schema.ts";
import { type AnalysisOptions, createAnalysisHandler } from "./analysis.ts";
import { handleInstallation, handleInstallationRepositories } from "./installation-handlers.ts";

export interface DeliveryContext {
  readonly deliveryId: string;
  readonly jobId: string;
  readonly event: string;
  readonly action: string | null;
  /** The webhook payload as GitHub sent it (validated for its required fields at ingest). */
  readonly payload: Record<string, unknown>;
  readonly installationId: number | null;
  /** "owner/name" of the repository the event concerns, when it has one. */
  readonly repository: string | null;
  readonly db: Kysely<Database>;
  /** Carries deliveryId and jobId on every line. */
  readonly log: Logger;
  now(): Date;
  /** Appends an audit event on this installation's chain. */
  audit(event: Omit<NewAuditEvent, "chain">): Promise<void>;
  /** An Octokit authenticated as the delivery's installation. Fails in setup mode. */
  octokit(): Promise<ProbotOctokit>;
  /** A Probot Context for the delivery (context.config(), context.repo(), …). */
  probotContext(): Promise<Context>;
}

export type DeliveryHandler = (context: DeliveryContext) => Promise<void>;

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
  options: { analysis?: AnalysisOptions } = {},
): HandlerRegistry {
  registry.on("installation", "installations", handleInstallation);
  registry.on("installation_repositories", "installation-repositories", handleInstallationRepositories);
  registry.on(ANALYSIS_EVENT_KEYS, "analysis", createAnalysisHandler(options.analysis));
  registry.on(
    "issue_comment.created",
    "commands",
    createCommandHandler({ analysis: options.analysis ?? {} }),
  );
  return registry;
}
