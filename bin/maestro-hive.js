#!/usr/bin/env node
// Picks the runnable form of the CLI:
// - in a checkout, on a Node that strips types (22.18+, 23.6+, 24): the TypeScript sources, or
//   the bundle when MAESTRO_CLI_BUNDLE=1 (the benchmarks build it first and measure that form);
// - installed as a package (Node never strips types under node_modules) or on an older Node:
//   the bundle (dist/bundle, `npm run bundle`: a few files instead of the ~400 modules the
//   sources load), else the compiled build (`npm run build` writes dist/; it runs on Node 20).
// Node's compile cache keeps V8's compiled code between runs (in the OS temp directory).
import * as nodeModule from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

// Not `import … from "node:fs"`: its ES module facade loads fs streams, fs/promises and
// readline (~10 ms of each start); the bundle's modules avoid it too (scripts/bundle-cli.ts).
const { existsSync } = nodeModule.createRequire(import.meta.url)("node:fs");

nodeModule.enableCompileCache?.();

const ANALYSIS_COMMANDS = new Set(["check", "graph", "init"]);

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const source = here("../src/cli/main.ts");
const built = here("../dist/cli/main.js");
const bundle = here("../dist/bundle/main.mjs");

function stripsTypes() {
  const feature = process.features?.typescript;
  if (feature !== undefined) return Boolean(feature);
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

const fromSources = existsSync(source) && !source.includes("/node_modules/") && stripsTypes();
const wantsBundle = !fromSources || process.env.MAESTRO_CLI_BUNDLE === "1";
const entry =
  wantsBundle && existsSync(bundle) ? bundle : fromSources ? source : existsSync(built) ? built : null;
if (entry === null) {
  process.stderr.write(
    `maestro-hive: this Node (${process.version}) cannot run the TypeScript sources, and there is no build at ${built}.\n` +
      "Run `npm run build` first (the build runs on Node 20 or later), or use Node 22.18 or later (`npx node bin/maestro-hive.js` in a checkout uses the project's Node 24).\n",
  );
  process.exitCode = 2;
} else {
  const { main } = await import(pathToFileURL(entry).href);
  const args = process.argv.slice(2);
  const code = await main(args);
  process.exitCode = code;
  // The analysis commands exit as soon as stdout and stderr have taken everything written,
  // without waiting for Node to tear down the heaps (tens of milliseconds after a big run).
  // The app's commands (serve, worker, …) end the ordinary way: their loggers may still flush.
  if (ANALYSIS_COMMANDS.has(args[0])) {
    await Promise.all(
      [process.stdout, process.stderr].map((stream) => new Promise((done) => stream.write("", done))),
    );
    process.exit(code);
  }
}
