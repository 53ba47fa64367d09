#!/usr/bin/env node
// Picks the runnable form of the CLI:
// - installed as a package: the bundle (dist/bundle, `npm run bundle`: a few pre-compiled
//   files instead of the ~400 modules the sources load; start-up is most of a small check),
//   else the compiled build (Node cannot strip types under node_modules);
// - in a checkout: the TypeScript sources (Node 24 strips the types), or the bundle when
//   MAESTRO_CLI_BUNDLE=1 (the benchmarks build it first and measure that form).
// Node's compile cache keeps V8's compiled code between runs (in the OS temp directory).
import { existsSync } from "node:fs";
import { enableCompileCache } from "node:module";
import { fileURLToPath } from "node:url";

enableCompileCache?.();

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const source = here("../src/cli/main.ts");
const built = here("../dist/cli/main.js");
const bundle = here("../dist/bundle/main.mjs");
const inCheckout = existsSync(source) && !source.includes("/node_modules/");
const useBundle = existsSync(bundle) && (!inCheckout || process.env.MAESTRO_CLI_BUNDLE === "1");

const entry = useBundle ? bundle : inCheckout ? source : built;
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
