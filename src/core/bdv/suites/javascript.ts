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
 * file belongs to (so a workspace copy of @cucumber/cucumber counts as Cucumber).
 */
export function javaScriptProjectFiles(files: readonly SnapshotFile[]): JavaScriptProjectFiles {
  const project = createProjectFiles(files);
  const resolver = createTypeScriptResolver(project);
  const names = new Map<string, string | null>();
  const packageNameIn = (dir: string): string | null => {
    const cached = names.get(dir);
    if (cached !== undefined) return cached;
    const manifest = project.read(dir === "" ? "package.json" : `${dir}/package.json`);
    let name: string | null = null;
    if (manifest !== undefined) {
      try {
        const parsed = JSON.parse(manifest) as { name?: unknown };
        name = typeof parsed.name === "string" ? parsed.name : null;
      } catch {
        name = null;
      }
    } else if (dir !== "") {
      name = packageNameIn(dir.includes("/") ? dir.slice(0, dir.lastIndexOf("/")) : "");
    }
    names.set(dir, name);
    return name;
  };
  return {
    read: (path) => project.read(path),
    resolve: (fromFile, specifier) => {
      const [resolved] = resolver(fromFile, { specifier, line: 0, kind: "import" });
      return resolved?.target ?? null;
    },
    packageName: (file) => packageNameIn(file.includes("/") ? file.slice(0, file.lastIndexOf("/")) : ""),
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
