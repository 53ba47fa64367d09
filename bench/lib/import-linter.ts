/**
 * Our `check` against import-linter's `lint-imports` on the same Python package and the same
 * contract (two subpackages independent of each other), both as fresh processes: cold (its
 * cache off with `--no-cache`, ours with an empty disk cache) and warm (both caches filled by
 * an unmeasured first run). Peak memory is the children's maximum resident set.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OUR_CLI } from "./depcruise.ts";
import { type ChildCommand, compareCold, NODE, runChild, spread, verdict } from "./measure.ts";
import type { Peer } from "./peers.ts";

const COLD_TARGET = 2;
const WARM_TARGET = 1;
const MEMORY_TARGET = 2;

export function compareWithImportLinter(peer: Peer, lintImports: string, count: number): void {
  const scratch = mkdtempSync(join(tmpdir(), "maestro-bench-import-linter-"));
  const [first, second] = peer.independent ?? [];
  if (peer.rootPackage === undefined || first === undefined || second === undefined)
    throw new Error("bench/peers.json: python needs rootPackage and two independent subpackages");
  const ini = join(scratch, "importlinter.ini");
  writeFileSync(
    ini,
    `[importlinter]\nroot_package = ${peer.rootPackage}\n\n[importlinter:contract:independent]\n` +
      `name = ${first} and ${second} are independent\ntype = independence\nmodules =\n    ${first}\n    ${second}\n`,
  );
  const yml = join(scratch, "maestro-hive.yml");
  writeFileSync(
    yml,
    `acc:\n  include: [${peer.scope.map((folder) => JSON.stringify(`${folder}/**`)).join(", ")}]\n` +
      `  rules:\n    - { id: independent, type: independence, modules: ["module:${first}", "module:${second}"] }\n`,
  );
  const ourCache = join(scratch, "maestro-cache");
  const theirCache = join(scratch, "import-linter-cache");
  const peerCommand = (cache: boolean): ChildCommand => ({
    command: lintImports,
    args: ["--config", ini, ...(cache ? ["--cache-dir", theirCache] : ["--no-cache"])],
    cwd: peer.dir,
    okStatus: [0, 1],
  });
  const ourCommand = (): ChildCommand => ({
    command: NODE,
    args: [OUR_CLI, "check", peer.dir, "--config", yml, "--format", "json"],
    env: { ...process.env, MAESTRO_CACHE_DIR: ourCache },
    okStatus: [0, 1],
  });
  const label = `${peer.name}@${peer.commit.slice(0, 12)}`;
  try {
    console.log(`  ${label} (${peer.rootPackage}), contract: ${first} and ${second} independent`);
    console.log("  cold: lint-imports --no-cache, ours with an empty disk cache");
    const cold = compareCold({
      count,
      peer: { label: "lint-imports", command: () => peerCommand(false) },
      ours: { label: "maestro-hive check", command: ourCommand },
      prepare: () => rmSync(ourCache, { recursive: true, force: true }),
    });
    const verdicts = (json: string) =>
      (JSON.parse(json) as { acc?: { violations?: unknown[] } }).acc?.violations?.length ?? 0;
    console.log(
      `    lint-imports exit ${cold.peer.runs[0]!.status} (${cold.peer.runs[0]!.status === 0 ? "kept" : "broken"}); ` +
        `ours exit ${cold.ours.runs[0]!.status}, ${verdicts(cold.ours.runs[0]!.stdout)} findings`,
    );
    verdict(
      `${label}: cold check ≥ ${COLD_TARGET}× faster than lint-imports --no-cache (wall, medians)`,
      cold.wallRatio >= COLD_TARGET,
      `${cold.wallRatio.toFixed(2)}× wall, ${cold.cpuRatio.toFixed(2)}× CPU${missed(cold.wallRatio, COLD_TARGET)}`,
    );
    const theirRss = spread(cold.peer.runs.map((r) => r.maxRssMb)).median;
    const ourRss = spread(cold.ours.runs.map((r) => r.maxRssMb)).median;
    verdict(
      `${label}: peak memory ≤ ${MEMORY_TARGET}× lint-imports' (max RSS, medians of the cold runs)`,
      ourRss <= MEMORY_TARGET * theirRss,
      `ours ${ourRss.toFixed(0)} MB, lint-imports ${theirRss.toFixed(0)} MB = ${(ourRss / theirRss).toFixed(2)}×`,
    );

    console.log("  warm: both caches filled by one unmeasured run each");
    runChild(peerCommand(true));
    runChild(ourCommand());
    const warm = compareCold({
      count,
      what: "warm rounds",
      peer: { label: "lint-imports (cache)", command: () => peerCommand(true) },
      ours: { label: "maestro-hive check (cache)", command: ourCommand },
    });
    verdict(
      `${label}: warm check at least as fast as lint-imports warm (wall, medians)`,
      warm.wallRatio >= WARM_TARGET,
      `${warm.wallRatio.toFixed(2)}× wall, ${warm.cpuRatio.toFixed(2)}× CPU${missed(warm.wallRatio, WARM_TARGET)}`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const missed = (ratio: number, target: number) =>
  ratio >= target ? "" : ` — missed: ours takes ${(target / ratio).toFixed(2)}× the time the target allows`;
