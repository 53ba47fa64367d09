import type { Hash } from "node:crypto";

/**
 * node:crypto's createHash, with the module loaded on first use: loading it takes about 10 ms
 * of a CLI run's start-up, which a check that hashes nothing (an empty repository, a warm
 * re-check whose files are all known) never spends.
 */
export function createHash(algorithm: string): Hash {
  crypto ??= process.getBuiltinModule("node:crypto");
  return crypto.createHash(algorithm);
}

let crypto: typeof import("node:crypto") | undefined;
