/**
 * `npm run bench`: runs every bench/*.bench.ts in its own Node process (so one bench's
 * heap does not skew another's memory figures) and prints their output in order.
 * `npm run bench -- suppressions` runs only the benches whose name contains the word.
 * A bench exits non-zero when one of its targets is missed (it prints FAIL and by how much),
 * and then so does this runner. BENCH_ROUNDS=n sets the repeat count of the peer comparisons.
 * `npm run bench` bundles the CLI first (scripts/bundle-cli.ts) and the benches run our CLI in
 * that installed form (MAESTRO_CLI_BUNDLE=1; set it to 0 to measure the TypeScript sources).
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((name) => name.endsWith(".bench.ts"))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

let failed = 0;
for (const name of benches) {
  console.log(`\n=== ${name}`);
  // Our CLI runs as installed: the bundle `npm run bench` builds first (bin/maestro-hive.js).
  const env = { ...process.env, MAESTRO_CLI_BUNDLE: process.env.MAESTRO_CLI_BUNDLE ?? "1" };
  const result = spawnSync(process.execPath, ["--expose-gc", join(here, name)], { stdio: "inherit", env });
  if (result.status !== 0) {
    failed += 1;
    console.log(`!!! ${name} exited with ${result.status ?? result.signal}`);
  }
}
console.log(
  `\n${benches.length} benchmarks ran: ${benches.length - failed} met every target, ${failed} missed a target or failed`,
);
process.exitCode = failed === 0 ? 0 : 1;
