#!/usr/bin/env node
// Runs the TypeScript sources directly on Node 24 (type stripping) in a checkout,
// and the compiled build when installed as a package (Node cannot strip types there).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../src/cli/main.ts", import.meta.url));
const built = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const entry = existsSync(source) && !source.includes("/node_modules/") ? source : built;
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
