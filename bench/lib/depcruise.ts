/**
 * Our `graph` command against dependency-cruiser on the same files, both as fresh
 * processes (cold): dependency-cruiser with `--ts-pre-compilation-deps` (type-only imports
 * count, as ours do) and the repository's tsconfig; ours with its disk cache pointed at a
 * new empty directory every round. Both graphs are reduced to internal edges
 * "importer -> imported file" and compared.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type ChildCommand,
  compareCold,
  describeSpread,
  NODE,
  runChild,
  spread,
  verdict,
} from "./measure.ts";

const ROOT = join(import.meta.dirname, "../..");
export const OUR_CLI = join(ROOT, "bin/maestro-hive.js");
const DEPCRUISE_CLI = join(ROOT, "node_modules/dependency-cruiser/bin/dependency-cruiser.mjs");
/** Edges may differ by at most this share of the peer's edges (symmetric difference). */
export const EDGE_TOLERANCE = 0.005;

export interface TypeScriptTarget {
  readonly label: string;
  /** A git work tree. */
  readonly dir: string;
  /** Top-level folders both tools analyse. */
  readonly scope: readonly string[];
  /** A dependency-cruiser JSON config (options) file. */
  readonly depcruiseConfig: string;
}

interface GraphJson {
  files: { path: string; imports: { target: string | null }[] }[];
}
interface DepcruiseJson {
  modules: {
    source: string;
    dependencies: { resolved: string; couldNotResolve: boolean; coreModule: boolean }[];
  }[];
}

const inScope = (scope: readonly string[]) => (path: string) =>
  scope.some((folder) => path === folder || path.startsWith(`${folder}/`));

export function ourEdges(stdout: string, scope: readonly string[]): Set<string> {
  const within = inScope(scope);
  const edges = new Set<string>();
  for (const file of (JSON.parse(stdout) as GraphJson).files) {
    if (!within(file.path)) continue;
    for (const item of file.imports) if (item.target !== null) edges.add(`${file.path} -> ${item.target}`);
  }
  return edges;
}

export function depcruiseEdges(stdout: string, scope: readonly string[]): Set<string> {
  const within = inScope(scope);
  const edges = new Set<string>();
  for (const module of (JSON.parse(stdout) as DepcruiseJson).modules) {
    if (!within(module.source)) continue;
    for (const dependency of module.dependencies) {
      if (dependency.couldNotResolve || dependency.coreModule) continue;
      if (dependency.resolved.includes("node_modules/")) continue;
      edges.add(`${module.source} -> ${dependency.resolved}`);
    }
  }
  return edges;
}

/** A config for our CLI that restricts the graph to the scope folders. */
export function scopeConfig(scope: readonly string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "maestro-bench-config-"));
  const file = join(dir, "maestro-hive.yml");
  writeFileSync(
    file,
    `acc:\n  include: [${scope.map((folder) => JSON.stringify(`${folder}/**`)).join(", ")}]\n`,
  );
  return file;
}

export function ourGraphCommand(dir: string, config: string, cacheDir: string): ChildCommand {
  return {
    command: NODE,
    args: [OUR_CLI, "graph", dir, "--format", "json", "--config", config],
    env: { ...process.env, MAESTRO_CACHE_DIR: cacheDir },
  };
}

function depcruiseCommand(target: TypeScriptTarget): ChildCommand {
  return {
    command: NODE,
    args: [DEPCRUISE_CLI, "--config", target.depcruiseConfig, "--output-type", "json", ...target.scope],
    cwd: target.dir,
  };
}

/**
 * Cold comparison: prints both sides, the edge counts and the ratio; returns false when a
 * target is missed (edges differ beyond the tolerance, or the speed-up is below `minRatio`).
 */
export function compareWithDepcruise(target: TypeScriptTarget, count: number, minRatio: number): boolean {
  const cacheDir = mkdtempSync(join(tmpdir(), "maestro-bench-cache-"));
  const config = scopeConfig(target.scope);
  try {
    console.log(`  ${target.label}: dependency-cruiser vs maestro-hive graph, ${target.scope.join(", ")}`);
    const result = compareCold({
      count,
      peer: { label: "dependency-cruiser", command: () => depcruiseCommand(target) },
      ours: { label: "maestro-hive graph", command: () => ourGraphCommand(target.dir, config, cacheDir) },
      prepare: () => {
        rmSync(cacheDir, { recursive: true, force: true });
      },
    });
    const theirs = depcruiseEdges(result.peer.runs[0]!.stdout, target.scope);
    const mine = ourEdges(result.ours.runs[0]!.stdout, target.scope);
    const onlyTheirs = [...theirs].filter((edge) => !mine.has(edge));
    const onlyMine = [...mine].filter((edge) => !theirs.has(edge));
    const differing = onlyTheirs.length + onlyMine.length;
    console.log(
      `    internal edges: dependency-cruiser ${theirs.size.toLocaleString("en-US")}, ours ${mine.size.toLocaleString("en-US")}; ` +
        `only dependency-cruiser ${onlyTheirs.length}, only ours ${onlyMine.length}`,
    );
    for (const edge of onlyTheirs.slice(0, 3)) console.log(`      only dependency-cruiser: ${edge}`);
    for (const edge of onlyMine.slice(0, 3)) console.log(`      only ours: ${edge}`);
    const edgesOk = verdict(
      `${target.label}: same edges (differ by ≤ ${EDGE_TOLERANCE * 100}% of dependency-cruiser's)`,
      differing <= EDGE_TOLERANCE * theirs.size,
      `${differing} differ of ${theirs.size}`,
    );
    const speedOk = verdict(
      `${target.label}: cold graph ≥ ${minRatio}× faster than dependency-cruiser (wall, medians)`,
      result.wallRatio >= minRatio,
      `${result.wallRatio.toFixed(1)}× wall, ${result.cpuRatio.toFixed(1)}× CPU` +
        (result.wallRatio >= minRatio
          ? ""
          : ` — missed by ${(minRatio / result.wallRatio).toFixed(1)}× (ours needs ≤ ${Math.round(
              spread(result.peer.runs.map((r) => r.wallMs)).median / minRatio,
            )} ms)`),
    );
    return edgesOk && speedOk;
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(join(config, ".."), { recursive: true, force: true });
  }
}

/**
 * The whole `check` command after a 10-file change, warm disk cache: the first run fills the
 * cache, then each round edits 10 more files (a new line each) and times one run. The files
 * are restored with `git checkout` at the end.
 */
export function warmRecheck(target: TypeScriptTarget, count: number, maxMs: number): boolean {
  const cacheDir = mkdtempSync(join(tmpdir(), "maestro-bench-cache-"));
  const config = scopeConfig(target.scope);
  const sources = execFileSync("git", ["ls-files", "--", ...target.scope], {
    cwd: target.dir,
    encoding: "utf8",
  })
    .split("\n")
    .filter((path) => /\.(ts|tsx)$/.test(path) && !path.endsWith(".d.ts"));
  const touched: string[] = [];
  const command = (): ChildCommand => ({
    command: NODE,
    args: [OUR_CLI, "check", target.dir, "--config", config, "--format", "json"],
    env: { ...process.env, MAESTRO_CACHE_DIR: cacheDir },
    okStatus: [0, 1],
  });
  try {
    runChild(command());
    const runs = [];
    for (let round = 0; round < count; round++) {
      const batch = sources.slice(100 + round * 37, 100 + round * 37 + 10);
      for (const path of batch) appendFileSync(join(target.dir, path), `\n// bench edit ${round}\n`);
      touched.push(...batch);
      runs.push(runChild(command()));
    }
    console.log(
      `  ${target.label}: maestro-hive check after a 10-file change, warm disk cache: wall ${describeSpread(
        runs.map((r) => r.wallMs),
      )}, CPU ${describeSpread(runs.map((r) => r.cpuMs))}, peak RSS ${describeSpread(
        runs.map((r) => r.maxRssMb),
        "MB",
      )} [${count} rounds]`,
    );
    const median = spread(runs.map((r) => r.wallMs)).median;
    return verdict(
      `${target.label}: warm re-check after a 10-file change ≤ ${maxMs} ms (wall, median)`,
      median <= maxMs,
      `${Math.round(median)} ms` + (median <= maxMs ? "" : ` — over by ${Math.round(median - maxMs)} ms`),
    );
  } finally {
    if (touched.length > 0) execFileSync("git", ["checkout", "--", ...touched], { cwd: target.dir });
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(join(config, ".."), { recursive: true, force: true });
  }
}

/** The repository's tsconfig without `extends` of a package that is not installed. */
export function depcruiseConfigFor(dir: string, tsconfig: string): string {
  const scratch = mkdtempSync(join(tmpdir(), "maestro-bench-depcruise-"));
  const parsed = JSON.parse(readFileSync(join(dir, tsconfig), "utf8")) as {
    extends?: string;
    include?: string[];
    exclude?: string[];
  };
  // `extends` names an npm package (a base tsconfig) that a checkout without node_modules
  // lacks; TypeScript would refuse the file. Its options only set the target and lib, which
  // do not change resolution.
  if (parsed.extends !== undefined && !parsed.extends.startsWith(".")) delete parsed.extends;
  parsed.include = parsed.include?.map((pattern) => join(dir, pattern));
  parsed.exclude = parsed.exclude?.map((pattern) => join(dir, pattern));
  const tsconfigFile = join(scratch, "tsconfig.json");
  writeFileSync(tsconfigFile, JSON.stringify(parsed));
  const configFile = join(scratch, "depcruise.json");
  writeFileSync(
    configFile,
    JSON.stringify({
      options: {
        tsPreCompilationDeps: true,
        tsConfig: { fileName: tsconfigFile },
        doNotFollow: { path: "node_modules" },
        exclude: { path: "node_modules" },
      },
    }),
  );
  return configFile;
}
