/**
 * `npm run bundle`: the CLI as a few pre-compiled ES modules in dist/bundle/ (rolldown), so
 * `maestro-hive check` starts without type-stripping and resolving the ~400 modules the
 * sources load. Commands stay separate chunks loaded on demand; packages only the app uses
 * (Probot, pino, pg-boss, PGlite, …) and native bindings stay external, resolved from
 * node_modules at run time. The sources remain runnable as they are (`node src/cli/main.ts`);
 * bin/maestro-hive.js runs this bundle when installed as a package (in a checkout only with
 * MAESTRO_CLI_BUNDLE=1, so a stale bundle never hides a source change).
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { join, sep } from "node:path";
import { build, type Plugin } from "rolldown";

const root = join(import.meta.dirname, "..");
/** MAESTRO_BUNDLE_OUT: elsewhere than dist/bundle (the bundle's own test builds into a temporary directory). */
const out = process.env.MAESTRO_BUNDLE_OUT ?? join(root, "dist/bundle");

/** Loaded by serve, worker, db, suppressions and audit only, or native: not bundled. */
const EXTERNAL_PACKAGES = [
  "probot",
  "pino",
  "pino-http",
  "pg",
  "pg-boss",
  "pg-native",
  "kysely",
  "@electric-sql/pglite",
  "prom-client",
  "@octokit/",
  "@anthropic-ai/sdk",
  "oxc-parser",
  "@oxc-parser/",
];

function external(id: string): boolean {
  if (id.startsWith("node:")) return true;
  if (id.startsWith(".") || id.startsWith("/")) return false;
  return EXTERNAL_PACKAGES.some((name) =>
    name.endsWith("/") ? id.startsWith(name) : id === name || id.startsWith(`${name}/`),
  );
}

/**
 * `import { a, b as c } from "node:fs"` in our modules becomes
 * `const { a, b: c } = process.getBuiltinModule("node:fs")` (node:util alike). The first ES
 * import of such a module builds its facade, which reads every export, lazy getters included
 * (fs: ReadStream loads fs streams, fs/promises and readline; util: its diff and colours):
 * about 10 ms of every start each, for functions we never use.
 */
const FACADE_IMPORT = /import\s*\{([^}]*)\}\s*from\s*"(node:fs|node:util)";/g;
const fsWithoutFacade: Plugin = {
  name: "fs-without-esm-facade",
  transform(code, id) {
    if (!id.startsWith(join(root, "src") + sep) || !/"node:(fs|util)"/.test(code)) return null;
    return code.replace(FACADE_IMPORT, (_, names: string, builtin: string) => {
      const bindings = names
        .split(",")
        .map((name) => name.trim())
        .filter((name) => name !== "" && !name.startsWith("type "))
        .map((name) => name.replace(/\s+as\s+/, ": "));
      return bindings.length === 0
        ? ""
        : `const { ${bindings.join(", ")} } = process.getBuiltinModule("${builtin}");`;
    });
  },
};

rmSync(out, { recursive: true, force: true });
const started = performance.now();
await build({
  input: {
    main: join(root, "src/cli/main.ts"),
    // Started by path, not imported: each must sit next to the chunk that starts it.
    "extract-worker": join(root, "src/parallel/extract-worker.ts"),
    child: join(root, "src/sandbox/child.ts"),
  },
  platform: "node",
  external,
  plugins: [fsWithoutFacade],
  // Each build is another engine: the warm state of check (src/cli/warm-state.ts) is tied to it.
  transform: { define: { __MAESTRO_BUILD_ID__: JSON.stringify(`${Date.now()}-${randomUUID()}`) } },
  logLevel: "warn",
  output: {
    dir: out,
    format: "esm",
    entryFileNames: "[name].mjs",
    chunkFileNames: "[name]-[hash].mjs",
    // Without comments and whitespace: about 30% fewer bytes for Node to read, decode and
    // hash against its compile cache at each start (names and code stay as written).
    minify: { compress: false, mangle: false, codegen: { removeWhitespace: true } },
  },
});
console.log(`bundled the CLI into ${out} in ${Math.round(performance.now() - started)} ms`);
