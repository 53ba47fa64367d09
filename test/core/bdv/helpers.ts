import { createHash } from "node:crypto";
import { type BdvConfig, bdvSchema } from "../../../src/core/config/schema.ts";
import type { Snapshot } from "../../../src/core/snapshot.ts";

/** Git blob SHA of some content: sha1("blob <length>\0" + content). */
export function blobSha(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.byteLength}\u0000`).update(content).digest("hex");
}

/** A snapshot built in memory from path -> text. */
export function snapshotOf(files: Record<string, string>, commit: string | null = null): Snapshot {
  const encoder = new TextEncoder();
  return {
    commit,
    files: Object.entries(files).map(([path, text]) => {
      const content = encoder.encode(text);
      return { path, blobSha: blobSha(content), content };
    }),
    skipped: [],
  };
}

/** A BDV config as the schema produces it from the given YAML-level input. */
export function bdvConfig(input: Record<string, unknown> = {}): BdvConfig {
  return bdvSchema.parse(input);
}
