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

const crypto = once(() => process.getBuiltinModule("node:crypto"));
