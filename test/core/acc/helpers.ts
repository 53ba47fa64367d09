import { createHash } from "node:crypto";
import type { LanguageSupport } from "../../../src/core/acc/graph.ts";
import { extractTypeScript } from "../../../src/core/acc/languages/typescript.ts";
import type { ProjectFiles, RawImport, ResolvedImport, Resolver } from "../../../src/core/acc/model.ts";
import type { Snapshot, SnapshotFile } from "../../../src/core/snapshot.ts";

/** The git blob SHA of some content, as `git hash-object` computes it. */
export function gitBlobSha(content: Uint8Array): string {
  return createHash("sha1").update(`blob ${content.byteLength}\0`).update(content).digest("hex");
}

export function snapshotOf(files: Record<string, string | Uint8Array>): Snapshot {
  const entries: SnapshotFile[] = Object.entries(files).map(([path, text]) => {
    const content = typeof text === "string" ? new TextEncoder().encode(text) : text;
    return { path, blobSha: gitBlobSha(content), content };
  });
  return { commit: null, files: entries, skipped: [] };
}

/**
 * A deliberately small resolver for graph-assembly tests: relative specifiers are joined
 * to the importing file's folder and probed with the TS/JS extensions; anything else is an
 * external package named by its first segment. The real resolvers are tested on their own.
 */
export function relativeOnlyResolver(project: ProjectFiles): Resolver {
  return (fromFile: string, raw: RawImport): readonly ResolvedImport[] => {
    const base = { specifier: raw.specifier, line: raw.line, kind: raw.kind };
    if (!raw.specifier.startsWith(".")) {
      return [{ ...base, target: null, external: raw.specifier.split("/")[0]! }];
    }
    const parts = fromFile.split("/").slice(0, -1);
    for (const part of raw.specifier.split("/")) {
      if (part === "..") parts.pop();
      else if (part !== ".") parts.push(part);
    }
    const joined = parts.join("/");
    const target = [joined, `${joined}.ts`, `${joined}.js`, `${joined}/index.ts`].find((path) =>
      project.has(path),
    );
    return [{ ...base, target: target ?? null, external: null }];
  };
}

export function typescriptSupport(overrides: Partial<LanguageSupport> = {}): LanguageSupport {
  return {
    extractorVersion: "test-1",
    extract: extractTypeScript,
    createResolver: relativeOnlyResolver,
    ...overrides,
  };
}
