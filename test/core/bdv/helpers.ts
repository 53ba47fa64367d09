import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ExplainedSteps } from "../../../src/core/bdv/index.ts";
import { type BdvConfig, bdvSchema } from "../../../src/core/config/schema.ts";
import type { Finding } from "../../../src/core/findings.ts";
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

/** A snapshot of a committed fixture directory (test/fixtures/bdv/NAME), paths relative to it. */
export function fixtureSnapshot(name: string): Snapshot {
  const root = join(import.meta.dirname, "../../fixtures/bdv", name);
  const files: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else if (entry.name !== "SOURCE.md") files[path] = readFileSync(join(root, path), "utf8");
    }
  };
  visit("");
  return snapshotOf(files);
}

/** "line text -> file:line" (or undefined / ambiguous) for every step BDV resolved, in feature order. */
export function bindings(explained: ExplainedSteps): string[] {
  return explained.steps.map((step) => {
    const where = step.definition ? `${step.definition.file}:${step.definition.line}` : step.verdict;
    return `${step.scope ? `${step.scope} ` : ""}${step.feature}:${step.line} ${step.text} -> ${where}`;
  });
}

/** What identifies a finding in these tests: everything but the wording. */
export function brief(findings: readonly Finding[]) {
  return findings.map((finding) => [
    finding.type,
    finding.severity,
    finding.file,
    finding.line,
    finding.target,
  ]);
}
