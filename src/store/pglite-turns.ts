/**
 * PGlite with fair turns for the event loop, and a fast lane for urgent work.
 *
 * PGlite runs statements inside this thread and answers through promises that never wait for the
 * event loop, so a chain of statements (a job's fetch, reads, writes and completion) would keep
 * the HTTP server from reading a request until the chain ends. Every statement and transaction
 * outside a transaction passes PGlite's transaction lock (`_runExclusiveTransaction`); here the
 * event loop takes a turn before it when it had none for TURN_MS, and the next holder of the lock
 * is picked among its waiters, the urgent ones (`urgently`, the webhook intake's transactions) first.
 * The lock itself stays PGlite's, so `close()` and its own users behave as before.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";

const urgency = new AsyncLocalStorage<boolean>();

/**
 * Runs `work` with its embedded-database transactions and statements ahead of the others waiting
 * (the webhook intake's, which a sender waits for). No effect on PostgreSQL.
 */
export function urgently<T>(work: () => Promise<T>): Promise<T> {
  return urgency.run(true, work);
}

/**
 * A chain of statements runs on for at most this long (plus its last statement) before the event
 * loop takes a turn: short enough for the HTTP server, without a loop turn per statement for the
 * many quick ones of an analysis.
 */
const TURN_MS = 2;

export class TurnTakingPGlite extends PGlite {
  /** Told once the instance has closed (connect.ts: the data directory's lock is released). */
  readonly #onClosed: (() => void) | undefined;
  #held = false;
  #granting = false;
  /** When the event loop last took a turn this instance asked for. */
  #lastTurn = 0;
  readonly #urgent: Array<() => void> = [];
  readonly #others: Array<() => void> = [];

  constructor({ onClosed, ...options }: PGliteOptions & { onClosed?: (() => void) | undefined }) {
    super(options);
    this.#onClosed = onClosed;
  }

  override async _runExclusiveTransaction<T>(fn: () => Promise<T>): Promise<T> {
    await this.#acquire(urgency.getStore() === true);
    try {
      return await super._runExclusiveTransaction(fn);
    } finally {
      this.#release();
    }
  }

  /** Waits for the statements and transactions asked for before it, as PGlite's own close does. */
  override async close(): Promise<void> {
    try {
      // As PGlite's own close: the statements asked for before it, also waiting for the start, go first.
      await this._checkReady();
      await this.#acquire(false);
      try {
        await super.close();
      } finally {
        this.#release();
      }
    } finally {
      this.#onClosed?.();
    }
  }

  #acquire(urgent: boolean): Promise<void> {
    return new Promise((resolve) => {
      (urgent ? this.#urgent : this.#others).push(resolve);
      this.#grantAfterTurn();
    });
  }

  #release(): void {
    this.#held = false;
    this.#grantAfterTurn();
  }

  /**
   * Hands the lock to the first urgent waiter, else the first other: at once while the event loop
   * had a turn within TURN_MS, else after its next turn (its I/O read meanwhile).
   */
  #grantAfterTurn(): void {
    if (this.#held || this.#granting) return;
    if (this.#urgent.length === 0 && this.#others.length === 0) return;
    if (performance.now() - this.#lastTurn < TURN_MS) {
      this.#grant();
      return;
    }
    this.#granting = true;
    setImmediate(() => {
      this.#granting = false;
      this.#lastTurn = performance.now();
      if (!this.#held) this.#grant();
    });
  }

  #grant(): void {
    const next = this.#urgent.shift() ?? this.#others.shift();
    if (!next) return;
    this.#held = true;
    next();
  }
}
