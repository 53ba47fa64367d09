/**
 * Where a Python repository keeps its importable code: its projects (the repository root,
 * and every directory holding pyproject.toml, setup.cfg, setup.py or pytest.ini) and, per
 * project, its source roots in priority order:
 *   1. roots declared in configuration —
 *      pyproject.toml: [tool.setuptools] package-dir ("" key), [tool.setuptools.packages.find]
 *      where, [tool.poetry] packages `from`, [tool.hatch.build(.targets.wheel)] packages /
 *      sources, [tool.pdm.build] package-dir, [tool.maturin] python-source,
 *      [tool.pytest.ini_options] pythonpath, [tool.mypy] mypy_path;
 *      setup.cfg: [options] package_dir, [options.packages.find] where, [tool:pytest]
 *      pythonpath, [mypy] mypy_path; pytest.ini / tox.ini: [pytest] pythonpath;
 *   2. `src/` (the src layout) when it exists;
 *   3. the project directory itself.
 * Package-dir mappings of a single package (`package-dir = {"mypkg" = "lib"}`) are kept
 * apart: they name where one top-level package lives.
 */
import type { ProjectFiles } from "../model.ts";
import { parseIni } from "./py-ini.ts";
import { parseToml, type TomlTable, type TomlValue } from "./py-toml.ts";

export interface PythonLayout {
  /** Project directories, "" (the repository root) first, then sorted. */
  readonly projects: readonly string[];
  /** Source roots of each project, in priority order; every one is an existing directory. */
  readonly rootsByProject: ReadonlyMap<string, readonly string[]>;
  /** Top-level package name -> its directory, from explicit package-dir mappings. */
  readonly packageDirs: ReadonlyMap<string, string>;
}

const PROJECT_MARKERS = ["pyproject.toml", "setup.cfg", "setup.py", "pytest.ini"];

/** Path segments under which no project or source root is looked for (virtualenvs, vendored installs). */
export const NON_SOURCE_SEGMENTS: ReadonlySet<string> = new Set([
  "node_modules",
  ".git",
  ".venv",
  "venv",
  ".tox",
  ".nox",
  "site-packages",
  "dist-packages",
  "__pycache__",
  ".mypy_cache",
]);

export function isUnderNonSourceSegment(path: string): boolean {
  for (const segment of path.split("/")) if (NON_SOURCE_SEGMENTS.has(segment)) return true;
  return false;
}

export function detectPythonLayout(project: ProjectFiles, directories: ReadonlySet<string>): PythonLayout {
  const projectSet = new Set<string>([""]);
  for (const path of project.paths) {
    const slash = path.lastIndexOf("/");
    const name = path.slice(slash + 1);
    if (!PROJECT_MARKERS.includes(name)) continue;
    const dir = slash === -1 ? "" : path.slice(0, slash);
    if (!isUnderNonSourceSegment(dir)) projectSet.add(dir);
  }
  const projects = [...projectSet].sort((a, b) =>
    a === "" ? -1 : b === "" ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const rootsByProject = new Map<string, readonly string[]>();
  const packageDirs = new Map<string, string>();
  for (const dir of projects) {
    const declared = new ProjectSettings(dir);
    declared.readPyproject(project.read(joinPath(dir, "pyproject.toml")));
    declared.readSetupCfg(project.read(joinPath(dir, "setup.cfg")));
    declared.readPytestIni(project.read(joinPath(dir, "pytest.ini")));
    declared.readPytestIni(project.read(joinPath(dir, "tox.ini")));
    const roots: string[] = [];
    const add = (root: string | undefined): void => {
      if (root !== undefined && (root === "" || directories.has(root)) && !roots.includes(root))
        roots.push(root);
    };
    for (const root of declared.roots) add(root);
    add(joinPath(dir, "src"));
    add(dir);
    rootsByProject.set(dir, roots);
    for (const [name, packageDir] of declared.packageDirs) {
      if (directories.has(packageDir) && !packageDirs.has(name)) packageDirs.set(name, packageDir);
    }
  }
  return { projects, rootsByProject, packageDirs };
}

class ProjectSettings {
  readonly roots: string[] = [];
  readonly packageDirs = new Map<string, string>();
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  readPyproject(text: string | undefined): void {
    if (text === undefined) return;
    const doc = parseToml(text);
    if (doc === undefined) return;
    const tool = table(doc.tool);
    const setuptools = table(tool.setuptools);
    this.packageDirMapping(setuptools["package-dir"]);
    for (const where of strings(table(table(setuptools.packages).find).where)) this.root(where);
    for (const entry of list(table(tool.poetry).packages)) {
      const from = table(entry).from;
      if (typeof from === "string") this.root(from);
    }
    const hatchBuild = table(table(tool.hatch).build);
    for (const build of [table(table(hatchBuild.targets).wheel), hatchBuild]) {
      for (const pkg of strings(build.packages)) this.root(parentPath(pkg));
      const sources = build.sources;
      if (Array.isArray(sources)) for (const source of strings(sources)) this.root(source);
      else if (sources !== undefined) {
        for (const [from, to] of Object.entries(table(sources))) {
          if (to === "") this.root(from);
          else if (typeof to === "string") this.packageDir(to, from);
        }
      }
    }
    const pdmDir = table(table(tool.pdm).build)["package-dir"];
    if (typeof pdmDir === "string") this.root(pdmDir);
    const maturinSource = table(tool.maturin)["python-source"];
    if (typeof maturinSource === "string") this.root(maturinSource);
    const pytest = table(table(tool.pytest).ini_options).pythonpath;
    for (const path of typeof pytest === "string" ? pytest.split(/\s+/) : strings(pytest)) this.root(path);
    const mypyPath = table(tool.mypy).mypy_path;
    if (typeof mypyPath === "string") for (const path of mypyPath.split(/[,:]/)) this.root(path);
  }

  readSetupCfg(text: string | undefined): void {
    if (text === undefined) return;
    const ini = parseIni(text);
    const packageDir = ini.get("options")?.get("package_dir");
    if (packageDir !== undefined) {
      for (const line of packageDir.split(/\n|,/)) {
        const eq = line.indexOf("=");
        if (eq === -1) continue;
        const name = line.slice(0, eq).trim();
        const dir = line.slice(eq + 1).trim();
        if (name === "") this.root(dir);
        else this.packageDir(name, dir);
      }
    }
    const where = ini.get("options.packages.find")?.get("where");
    if (where !== undefined) for (const path of where.split(/\s+/)) this.root(path);
    this.pythonpath(ini.get("tool:pytest")?.get("pythonpath"));
    const mypyPath = ini.get("mypy")?.get("mypy_path");
    if (mypyPath !== undefined) for (const path of mypyPath.split(/[,:\s]+/)) this.root(path);
  }

  readPytestIni(text: string | undefined): void {
    if (text === undefined) return;
    this.pythonpath(parseIni(text).get("pytest")?.get("pythonpath"));
  }

  private pythonpath(value: string | undefined): void {
    if (value !== undefined) for (const path of value.split(/\s+/)) this.root(path);
  }

  private packageDirMapping(value: TomlValue | undefined): void {
    for (const [name, dir] of Object.entries(table(value))) {
      if (typeof dir !== "string") continue;
      if (name === "") this.root(dir);
      else this.packageDir(name, dir);
    }
  }

  private packageDir(name: string, dir: string): void {
    if (name.includes(".")) return; // only top-level packages matter for lookup
    const path = resolvePath(this.dir, dir);
    if (path !== undefined) this.packageDirs.set(name, path);
  }

  private root(dir: string): void {
    const cleaned = dir.replace(/^\$MYPY_CONFIG_FILE_DIR\/?/, "").trim();
    if (cleaned === "" && dir.trim() === "") return;
    const path = resolvePath(this.dir, cleaned);
    if (path !== undefined && !this.roots.includes(path)) this.roots.push(path);
  }
}

function table(value: TomlValue | undefined): TomlTable {
  return value !== undefined && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function list(value: TomlValue | undefined): TomlValue[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: TomlValue | undefined): string[] {
  return list(value).filter((item): item is string => typeof item === "string");
}

export function joinPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

function parentPath(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  return slash === -1 ? "." : trimmed.slice(0, slash);
}

/** `dir`-relative `path` as a repository path ("" for the root); undefined when it leaves the repository. */
function resolvePath(dir: string, path: string): string | undefined {
  const segments = dir === "" ? [] : dir.split("/");
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (segments.length === 0) return undefined;
      segments.pop();
    } else segments.push(segment);
  }
  return segments.join("/");
}
