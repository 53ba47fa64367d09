/** A ProjectFiles over an in-memory map of repo-relative paths to text. */
import type { ProjectFiles } from "../../../../src/core/acc/model.ts";

export function projectFromMap(files: Record<string, string> | Map<string, string>): ProjectFiles {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return {
    paths: [...map.keys()],
    has: (path) => map.has(path),
    read: (path) => map.get(path),
  };
}
