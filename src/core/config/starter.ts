/**
 * A starting `.github/maestro-hive.yml` from what a repository shows (`maestro-hive init`
 * and the app's onboarding pull request): its workspace packages, or else the folders of its
 * source root, as components; a no-cycles rule between them (and a warning for file cycles);
 * BDV when it has feature files. Pure: it reads paths only. Import-linter and
 * dependency-cruiser configs are not translated here: `acc.adopt: auto` (the default)
 * enforces them, and the file says which ones it found.
 */
import { DEFAULT_EXCLUDES } from "../acc/path-filter.ts";
import type { Snapshot } from "../snapshot.ts";

const SOURCE_EXTENSION = /\.(?:[cm]?[jt]sx?|py)$/;
const PACKAGE_MANIFESTS: ReadonlySet<string> = new Set(["package.json", "pyproject.toml", "setup.py"]);
/** Folders that hold tests, docs or tooling rather than architecture. */
const NOT_COMPONENTS: ReadonlySet<string> = new Set([
  "test",
  "tests",
  "__tests__",
  "spec",
  "specs",
  "e2e",
  "docs",
  "doc",
  "examples",
  "example",
  "scripts",
  "bench",
  "benchmarks",
  "fixtures",
  "features",
  ".github",
]);
const SOURCE_ROOTS = ["src", "lib", "app"];
export const MAX_STARTER_COMPONENTS = 20;
const ADOPTED_CONFIGS = [
  /^\.importlinter$/,
  /^setup\.cfg$/,
  /^tox\.ini$/,
  /^pyproject\.toml$/,
  /^\.dependency-cruiser\.(?:c?m?js|json)$/,
];
const CUCUMBER_CONFIG = /^cucumber\.(?:c?m?js|json|ya?ml)$/;

export interface StarterComponent {
  readonly name: string;
  readonly glob: string;
  readonly files: number;
}

export interface StarterConfig {
  /** The YAML text to write, with comments. */
  readonly text: string;
  readonly components: readonly StarterComponent[];
  /** How components were found: workspace packages, folders of a source root, or none. */
  readonly basis: "packages" | "folders" | "none";
  readonly featureGlob: string | null;
  /** Repository files that may hold import-linter / dependency-cruiser contracts. */
  readonly adoptable: readonly string[];
  /** Components beyond MAX_STARTER_COMPONENTS, left out. */
  readonly omitted: number;
}

export interface StarterInput {
  readonly paths: readonly string[];
  /** Contents of candidate contract files (`setup.cfg`, `pyproject.toml`…), when known. */
  readonly read?: (path: string) => string | null;
}

export function starterConfig(input: StarterInput): StarterConfig {
  const sources = input.paths.filter((path) => SOURCE_EXTENSION.test(path) && !isDefaultExcluded(path));
  const fromPackages = packageComponents(input.paths, sources);
  const candidates = fromPackages.length >= 2 ? fromPackages : folderComponents(sources);
  const basis = candidates.length === 0 ? "none" : fromPackages.length >= 2 ? "packages" : "folders";
  const ranked = [...candidates].sort((a, b) => b.files - a.files || compare(a.glob, b.glob));
  const components = ranked.slice(0, MAX_STARTER_COMPONENTS).sort((a, b) => compare(a.glob, b.glob));
  const featureGlob = featureGlobOf(input.paths);
  const adoptable = input.paths.filter((path) => isAdoptable(path, input.read));
  const cucumberConfig = input.paths.some((path) => CUCUMBER_CONFIG.test(path));
  const text = render({
    components,
    basis,
    featureGlob,
    cucumberConfig,
    adoptable,
    omitted: ranked.length - components.length,
  });
  return { text, components, basis, featureGlob, adoptable, omitted: ranked.length - components.length };
}

/** The starter config for a snapshot, reading candidate contract files from it. */
export function starterForSnapshot(snapshot: Snapshot): StarterConfig {
  const byPath = new Map(snapshot.files.map((file) => [file.path, file.content] as const));
  const decoder = new TextDecoder();
  return starterConfig({
    paths: [...snapshot.files.map((file) => file.path), ...snapshot.skipped.map((file) => file.path)],
    read: (path) => {
      const content = byPath.get(path);
      return content ? decoder.decode(content) : null;
    },
  });
}

function isDefaultExcluded(path: string): boolean {
  return path.split("/").some((segment) => DEFAULT_EXCLUDES.includes(segment));
}

/** Every folder below the root with a package manifest and source files of its own. */
function packageComponents(paths: readonly string[], sources: readonly string[]): StarterComponent[] {
  const dirs = paths
    .filter((path) => path.includes("/") && PACKAGE_MANIFESTS.has(basename(path)) && !isDefaultExcluded(path))
    .map(dirname)
    .filter((dir) => !dir.split("/").some((segment) => NOT_COMPONENTS.has(segment)));
  const unique = [...new Set(dirs)].filter(
    (dir) => !dirs.some((other) => other !== dir && dir.startsWith(`${other}/`)),
  );
  const packages = unique
    .map((dir) => ({ dir, files: sources.filter((path) => path.startsWith(`${dir}/`)).length }))
    .filter((entry) => entry.files > 0);
  // Packages that hold a minority of the sources are examples or tools beside one main package.
  const covered = packages.reduce((sum, entry) => sum + entry.files, 0);
  return covered * 2 > sources.length ? named(packages) : [];
}

/**
 * The child folders of the source root: `src/`, `lib/` or `app/` when one holds most of the
 * sources, else the repository root; a root holding a single folder (a Python package,
 * `src/<name>/`) is descended into, up to two levels.
 */
function folderComponents(sources: readonly string[]): StarterComponent[] {
  let root = "";
  for (const candidate of SOURCE_ROOTS) {
    const inside = sources.filter((path) => path.startsWith(`${candidate}/`)).length;
    if (inside * 2 > sources.length) root = candidate;
  }
  for (let level = 0; level < 2; level++) {
    const children = childFolders(sources, root);
    const direct = sources.filter((path) => dirname(path) === root).length;
    if (children.size !== 1 || direct > 0) break;
    root = [...children.keys()][0]!;
  }
  const folders = [...childFolders(sources, root)]
    .filter(([dir]) => !NOT_COMPONENTS.has(basename(dir)))
    .map(([dir, files]) => ({ dir, files, glob: `${dir}/**` }));
  // A package's own modules (`src/flask/app.py`) are a component too: `*` stays in the folder.
  const direct = sources.filter((path) => dirname(path) === root).length;
  if (root !== "" && direct > 0) folders.push({ dir: root, files: direct, glob: `${root}/*` });
  return named(folders);
}

function childFolders(sources: readonly string[], root: string): Map<string, number> {
  const prefix = root === "" ? "" : `${root}/`;
  const counts = new Map<string, number>();
  for (const path of sources) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) continue;
    const dir = prefix + rest.slice(0, slash);
    if (NOT_COMPONENTS.has(rest.slice(0, slash)) && root === "") continue;
    counts.set(dir, (counts.get(dir) ?? 0) + 1);
  }
  return counts;
}

/** Component names from folder names; a clash takes the parent's name too. */
function named(entries: readonly { dir: string; files: number; glob?: string }[]): StarterComponent[] {
  const byName = new Map<string, number>();
  const simple = (dir: string) => slug(basename(dir));
  for (const { dir } of entries) byName.set(simple(dir), (byName.get(simple(dir)) ?? 0) + 1);
  return entries.map(({ dir, files, glob }) => ({
    name: byName.get(simple(dir))! > 1 ? slug(dir.replaceAll("/", "-")) : simple(dir),
    glob: glob ?? `${dir}/**`,
    files,
  }));
}

function featureGlobOf(paths: readonly string[]): string | null {
  const features = paths.filter((path) => path.endsWith(".feature") && !isDefaultExcluded(path));
  if (features.length === 0) return null;
  const tops = new Set(features.map((path) => (path.includes("/") ? path.slice(0, path.indexOf("/")) : "")));
  const [top] = [...tops];
  return tops.size === 1 && top !== "" ? `${top}/**/*.feature` : "**/*.feature";
}

function isAdoptable(path: string, read: StarterInput["read"]): boolean {
  if (path.includes("/") || !ADOPTED_CONFIGS.some((pattern) => pattern.test(path))) return false;
  if (path === "setup.cfg" || path === "tox.ini" || path === "pyproject.toml") {
    const text = read?.(path) ?? "";
    return /^\[(?:tool\.)?importlinter/m.test(text);
  }
  return true;
}

interface RenderInput {
  readonly components: readonly StarterComponent[];
  readonly basis: StarterConfig["basis"];
  readonly featureGlob: string | null;
  readonly cucumberConfig: boolean;
  readonly adoptable: readonly string[];
  readonly omitted: number;
}

function render(input: RenderInput): string {
  const q = (value: string) => JSON.stringify(value);
  const lines = [
    "# Maestro Hive: a starting config, generated by `maestro-hive init` from what this",
    "# repository shows. Edit the components, then add rules (layers, can-call, must-not-call,",
    '# forbidden…): see the README\'s "Configuration" section.',
  ];
  if (input.adoptable.length > 0) {
    lines.push(
      "#",
      `# Contracts found in ${input.adoptable.join(", ")} are enforced as they are`,
      "# (acc.adopt: auto, the default); set `adopt: false` under acc to turn that off.",
    );
  }
  lines.push("acc:");
  if (input.components.length === 0) {
    lines.push("  components: {}   # no source folders found: name some, as NAME: [GLOB]");
  } else {
    const basis =
      input.basis === "packages" ? "one per workspace package" : "one per folder of the source root";
    lines.push(`  components:   # ${basis}; a file belongs to the first that matches`);
    for (const component of input.components)
      lines.push(
        `    ${q(component.name)}: [${q(component.glob)}]   # ${component.files} source file${component.files === 1 ? "" : "s"}`,
      );
    if (input.omitted > 0) lines.push(`    # ${input.omitted} smaller folders left out`);
  }
  lines.push("  rules:");
  if (input.components.length >= 2)
    lines.push("    - { id: no-component-cycles, type: no-cycles, scope: component }");
  lines.push("    - { id: no-file-cycles, type: no-cycles, severity: warning }");
  lines.push("  suppressions: []");
  if (input.featureGlob !== null || input.cucumberConfig) {
    lines.push("bdv:");
    if (input.cucumberConfig) lines.push("  {}   # features and steps as the cucumber-js config says");
    else lines.push(`  features: [${q(input.featureGlob!)}]   # steps: found by each runner's conventions`);
  }
  return `${lines.join("\n")}\n`;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function dirname(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

function slug(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "") || "root";
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
