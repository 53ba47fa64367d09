#!/usr/bin/env node
// Runs the TypeScript sources directly when this Node strips types (22.18+, 23.6+, 24) in a
// checkout, else the compiled build (`npm run build` writes dist/), which runs on Node 20.
// Installed as a package, Node never strips types under node_modules: the build runs.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const source = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));

function stripsTypes() {
  const feature = process.features?.typescript;
  if (feature !== undefined) return Boolean(feature);
  const [major, minor] = process.versions.node.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

const fromSources = existsSync(source) && !source.includes("/node_modules/") && stripsTypes();
const entry = fromSources ? source : existsSync(built) ? built : null;
if (entry === null) {
  process.stderr.write(
    `maestro-hive: this Node (${process.version}) cannot run the TypeScript sources, and there is no build at ${built}.\n` +
      "Run `npm run build` first (the build runs on Node 20 or later), or use Node 22.18 or later (`npx node bin/maestro-hive.js` in a checkout uses the project's Node 24).\n",
  );
  process.exitCode = 2;
} else {
  const { main } = await import(pathToFileURL(entry).href);
  process.exitCode = await main(process.argv.slice(2));
}
