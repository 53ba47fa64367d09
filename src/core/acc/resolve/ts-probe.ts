/**
 * File probing: how an import path becomes a file of the snapshot. Follows TypeScript's
 * "bundler"/"node" behaviour: the exact file, then the path with each source extension, then
 * the directory's package.json entry and index file. A `.js`-family extension may name a
 * TypeScript source (the TS ESM convention: `./a.js` → `a.ts`). Declaration files count
 * only when nothing else matches.
 */
import { joinPath } from "./ts-paths.ts";

/** Probed in this order for an extensionless path (and for `index`). */
export const PROBE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs", ".json"];
const DECLARATION_EXTENSIONS = [".d.ts", ".d.mts", ".d.cts"];
const EXTENSIONLESS_ORDER = [...PROBE_EXTENSIONS, ...DECLARATION_EXTENSIONS];

/** A JS-family extension → the sources it may name, most preferred first. */
const SOURCE_FOR_OUTPUT: Readonly<Record<string, readonly string[]>> = {
  ".js": [".ts", ".tsx", ".js", ".jsx", ".d.ts"],
  ".jsx": [".tsx", ".jsx", ".d.ts"],
  ".mjs": [".mts", ".mjs", ".d.mts"],
  ".cjs": [".cts", ".cjs", ".d.cts"],
};

/** Extensions a package's built output may carry, longest first. */
const OUTPUT_EXTENSIONS = [
  ".d.mts",
  ".d.cts",
  ".d.ts",
  ".mjs",
  ".cjs",
  ".jsx",
  ".js",
  ".mts",
  ".cts",
  ".tsx",
  ".ts",
];

/** Directories that hold a package's built output rather than its sources. */
const OUTPUT_DIRS = new Set([
  "dist",
  "build",
  "lib",
  "out",
  "esm",
  "cjs",
  "es",
  "types",
  "dist-types",
  "typings",
]);

/**
 * The snapshot's paths indexed for probing: one lookup finds every file that a path could
 * name with an added extension, instead of one existence check per extension.
 */
export class FileIndex {
  private readonly files: { has(path: string): boolean };
  /** stem → the one file with that stem, or all of them when there are several. */
  private readonly byStem = new Map<string, string | string[]>();
  private readonly directories = new Set<string>();

  constructor(paths: readonly string[], has: (path: string) => boolean) {
    this.files = { has };
    let previousDir = "";
    for (const path of paths) {
      const stem = stemOf(path);
      if (stem !== undefined) {
        const existing = this.byStem.get(stem);
        if (existing === undefined) this.byStem.set(stem, path);
        else if (typeof existing === "string") this.byStem.set(stem, [existing, path]);
        else existing.push(path);
      }
      const slash = path.lastIndexOf("/");
      if (slash <= 0) continue;
      // The folder of the previous path (paths come folder by folder): nothing to slice out.
      if (slash === previousDir.length && path.startsWith(previousDir)) continue;
      previousDir = path.slice(0, slash);
      this.addDirectory(previousDir);
    }
  }

  private addDirectory(dir: string): void {
    let current = dir;
    while (current !== "" && !this.directories.has(current)) {
      this.directories.add(current);
      const slash = current.lastIndexOf("/");
      current = slash === -1 ? "" : current.slice(0, slash);
    }
  }

  has(path: string): boolean {
    return this.files.has(path);
  }

  isDirectory(path: string): boolean {
    return path === "" || this.directories.has(path);
  }

  /** The file `stem + ext` for the first ext of `order` that exists. */
  withExtension(stem: string, order: readonly string[]): string | undefined {
    const found = this.byStem.get(stem);
    if (found === undefined) return undefined;
    if (typeof found === "string") return order.includes(found.slice(stem.length)) ? found : undefined;
    for (const ext of order) {
      const candidate = stem + ext;
      if (found.includes(candidate)) return candidate;
    }
    return undefined;
  }
}

function stemOf(path: string): string | undefined {
  for (const ext of DECLARATION_EXTENSIONS) if (path.endsWith(ext)) return path.slice(0, -ext.length);
  const dot = path.lastIndexOf(".");
  if (dot <= path.lastIndexOf("/") + 1) return undefined;
  return PROBE_EXTENSIONS.includes(path.slice(dot)) ? path.slice(0, dot) : undefined;
}

export interface PackageEntryReader {
  /** The `main`-like entry of the package.json in `dir`, if there is one. */
  entryOf(dir: string): string | undefined;
}

export function probeFile(path: string, files: FileIndex): string | undefined {
  const ext = extensionOf(path);
  if (ext !== undefined) {
    const sources = SOURCE_FOR_OUTPUT[ext];
    if (sources !== undefined) {
      const found = files.withExtension(path.slice(0, -ext.length), sources);
      if (found !== undefined) return found;
    } else if (files.has(path)) {
      return path;
    }
  }
  return files.withExtension(path, EXTENSIONLESS_ORDER);
}

export function probeIndex(dir: string, files: FileIndex): string | undefined {
  if (!files.isDirectory(dir)) return undefined;
  return files.withExtension(dir === "" ? "index" : `${dir}/index`, EXTENSIONLESS_ORDER);
}

/** A file, else a directory (its package.json entry, then its index). */
export function probeFileOrDirectory(
  path: string,
  files: FileIndex,
  packages: PackageEntryReader,
): string | undefined {
  const file = path === "" ? undefined : probeFile(path, files);
  if (file !== undefined) return file;
  if (!files.isDirectory(path)) return undefined;
  const entry = packages.entryOf(path);
  if (entry !== undefined) {
    const target = joinPath(path, entry);
    const resolved =
      target === undefined ? undefined : (probeFile(target, files) ?? probeIndex(target, files));
    if (resolved !== undefined) return resolved;
  }
  return probeIndex(path, files);
}

/**
 * A path into a package's build output (`dist/index.js`, `lib/esm/x.d.ts`) mapped back to
 * the source that produces it: the same path, then with the leading output directories
 * replaced by `src/`, then with them dropped. Paths are relative to the package directory.
 */
export function sourceCandidates(packageRelative: string): string[] {
  const clean = packageRelative.startsWith("./") ? packageRelative.slice(2) : packageRelative;
  const stem = stripOutputExtension(clean);
  const segments = stem.split("/");
  let outputDepth = 0;
  while (outputDepth < segments.length - 1 && OUTPUT_DIRS.has(segments[outputDepth] as string)) outputDepth++;
  const candidates = [clean];
  if (outputDepth > 0) {
    const rest = segments.slice(outputDepth).join("/");
    candidates.push(`src/${rest}`, rest);
  } else if (stem !== clean) {
    candidates.push(stem);
  }
  return candidates;
}

function stripOutputExtension(path: string): string {
  for (const ext of OUTPUT_EXTENSIONS) if (path.endsWith(ext)) return path.slice(0, -ext.length);
  return path;
}

function extensionOf(path: string): string | undefined {
  const slash = path.lastIndexOf("/");
  const dot = path.lastIndexOf(".");
  return dot > slash + 1 ? path.slice(dot) : undefined;
}
