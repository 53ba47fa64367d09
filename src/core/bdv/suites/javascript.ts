import { createProjectFiles } from "../../acc/graph.ts";
import { createTypeScriptResolver } from "../../acc/resolve/typescript.ts";
import type { SnapshotFile } from "../../snapshot.ts";
import {
  type JavaScriptProjectFiles,
  type JavaScriptSteps,
  readJavaScriptProject,
} from "../steps/javascript-project.ts";

/**
 * The project view the cucumber-js reader needs: file text, import resolution through ACC's
 * TypeScript resolver (relative paths, tsconfig paths, workspace packages), and the package a
 * relative import names by its directory (cucumber-js's own suite imports `'../../'`).
 */
export function javaScriptProjectFiles(files: readonly SnapshotFile[]): JavaScriptProjectFiles {
  const project = createProjectFiles(files);
  const resolver = createTypeScriptResolver(project);
  const packageNameIn = (dir: string): string | null => {
    const manifest = project.read(dir === "" ? "package.json" : `${dir}/package.json`);
    if (manifest === undefined) return null;
    try {
      const parsed = JSON.parse(manifest) as { name?: unknown };
      return typeof parsed.name === "string" ? parsed.name : null;
    } catch {
      return null;
    }
  };
  return {
    read: (path) => project.read(path),
    resolve: (fromFile, specifier) => {
      const [resolved] = resolver(fromFile, { specifier, line: 0, kind: "import" });
      return resolved?.target ?? null;
    },
    packageNamed: (fromFile, specifier) => {
      if (!specifier.startsWith(".")) return null;
      const parts = fromFile.split("/").slice(0, -1);
      for (const part of specifier.split("/")) {
        if (part === "" || part === ".") continue;
        if (part !== "..") parts.push(part);
        else if (parts.pop() === undefined) return null;
      }
      return packageNameIn(parts.join("/"));
    },
  };
}

const JAVASCRIPT = /\.(?:[cm]?[jt]s|[jt]sx)$/;

export function isJavaScriptStepFile(path: string): boolean {
  return JAVASCRIPT.test(path) && !path.endsWith(".d.ts");
}

/** Definitions of the support files (sorted, as cucumber-js expands its globs) and what they import. */
export function loadJavaScriptSteps(
  entries: readonly string[],
  files: readonly SnapshotFile[],
): JavaScriptSteps {
  return readJavaScriptProject(entries, javaScriptProjectFiles(files));
}
