/** A snapshot of a committed fixture directory under test/fixtures (SOURCE.md left out). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Snapshot } from "../../../src/core/snapshot.ts";
import { snapshotOf } from "../snapshot-builder.ts";

export function fixtureFiles(relative: string): Record<string, string> {
  const root = join(import.meta.dirname, "../../fixtures", relative);
  const files: Record<string, string> = {};
  const visit = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir === "" ? entry.name : `${dir}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else if (entry.name !== "SOURCE.md") files[path] = readFileSync(join(root, path), "utf8");
    }
  };
  visit("");
  return files;
}

export function fixtureSnapshot(relative: string): Snapshot {
  return snapshotOf(fixtureFiles(relative));
}
