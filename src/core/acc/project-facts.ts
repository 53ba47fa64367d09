/**
 * What rules need from the analysed snapshot beyond the import graph: Python module names
 * (module selectors) and the dependency manifests (declared selectors, dependencies rules).
 * Computed lazily, once per snapshot. `key` fingerprints every file they are derived from,
 * so an analysis of a similar snapshot may reuse findings only when the keys are equal.
 */
import { DependencyManifests } from "./manifests.ts";
import type { ProjectFiles } from "./model.ts";
import { detectPythonLayout, type PythonLayout } from "./resolve/py-layout.ts";

const FACT_FILE =
  /(^|\/)(package\.json|pyproject\.toml|setup\.cfg|setup\.py|pytest\.ini|tox\.ini|requirements[^/]*\.txt|requirements\/[^/]+\.txt)$/;

export class ProjectFacts {
  readonly key: string;
  private readonly project: ProjectFiles;
  private layout: PythonLayout | null = null;
  private manifestsValue: DependencyManifests | null = null;
  private readonly moduleCache = new Map<string, string | null>();

  /** `blobs`: content hash per path, for the key (paths and contents of the fact files). */
  constructor(project: ProjectFiles, blobs?: ReadonlyMap<string, string>) {
    this.project = project;
    this.key = `${project.paths.length}\u0001${project.paths
      .filter((path) => FACT_FILE.test(path))
      .map((path) => `${path}\u0000${blobs?.get(path) ?? ""}`)
      .join("\u0001")}`;
  }

  /** Facts of a project known only by its paths (tests on hand-made graphs). */
  static ofPaths(paths: readonly string[]): ProjectFacts {
    const sorted = [...paths].sort();
    const set = new Set(sorted);
    return new ProjectFacts({ paths: sorted, has: (path) => set.has(path), read: () => undefined });
  }

  get manifests(): DependencyManifests {
    this.manifestsValue ??= new DependencyManifests(this.project);
    return this.manifestsValue;
  }

  /**
   * The dotted module name of a Python file: its path below the first source root of its
   * project (layout.ts) that contains it, without `.py`/`.pyi` and `__init__`. Null for other files.
   */
  moduleName(path: string): string | null {
    const cached = this.moduleCache.get(path);
    if (cached !== undefined) return cached;
    const name = this.computeModuleName(path);
    this.moduleCache.set(path, name);
    return name;
  }

  private computeModuleName(path: string): string | null {
    const stem = /\.pyi?$/.exec(path) ? path.replace(/\.pyi?$/, "") : null;
    if (stem === null) return null;
    const layout = this.pythonLayout();
    for (const [name, dir] of layout.packageDirs) {
      if (stem === `${dir}/__init__` || stem.startsWith(`${dir}/`))
        return dotted(`${name}/${stem.slice(dir.length + 1)}`);
    }
    const project = layout.projects.filter((dir) => dir === "" || path.startsWith(`${dir}/`)).pop() ?? "";
    const roots = layout.rootsByProject.get(project) ?? [project];
    const root = roots.find((candidate) => candidate === "" || path.startsWith(`${candidate}/`));
    if (root === undefined) return null;
    return dotted(root === "" ? stem : stem.slice(root.length + 1));
  }

  private pythonLayout(): PythonLayout {
    if (this.layout === null) {
      const directories = new Set<string>();
      for (const path of this.project.paths) {
        for (let slash = path.indexOf("/"); slash >= 0; slash = path.indexOf("/", slash + 1)) {
          directories.add(path.slice(0, slash));
        }
      }
      this.layout = detectPythonLayout(this.project, directories);
    }
    return this.layout;
  }
}

function dotted(relative: string): string | null {
  const parts = relative.split("/");
  if (parts[parts.length - 1] === "__init__") parts.pop();
  return parts.length === 0 ? null : parts.join(".");
}
