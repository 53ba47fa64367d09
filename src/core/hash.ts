import type { Hash } from "node:crypto";
import { once } from "./once.ts";

/**
 * node:crypto's createHash, with the module loaded on first use: loading it takes about 10 ms
 * of a CLI run's start-up, which a check that hashes nothing (an empty repository, a warm
 * re-check whose files are all known) never spends.
 */
export function createHash(algorithm: string): Hash {
  return crypto().createHash(algorithm);
}

/** The hex digest of `bytes`: one call, no Hash object where Node has crypto.hash (20.12+). */
export function hashHex(algorithm: string, bytes: Uint8Array): string {
  const { hash } = crypto();
  return typeof hash === "function"
    ? hash(algorithm, bytes, "hex")
    : crypto().createHash(algorithm).update(bytes).digest("hex");
}

const crypto = once(() => process.getBuiltinModule("node:crypto"));
