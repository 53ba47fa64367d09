/** Edits a checkout's working tree without committing (uncommitted changes for `check`). */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function writeFiles(
  dir: string,
  files: Record<string, string | Uint8Array | null | { symlink: string }>,
): void {
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    rmSync(full, { force: true });
    if (content === null) continue;
    mkdirSync(dirname(full), { recursive: true });
    if (typeof content === "object" && "symlink" in content) symlinkSync(content.symlink, full);
    else writeFileSync(full, content);
  }
}
