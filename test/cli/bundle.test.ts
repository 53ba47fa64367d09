/**
 * The bundled CLI (`npm run bundle`) starts some modules by path rather than importing them: the
 * extraction worker and the analysis sandbox's child. Each must be in the bundle, next to the chunk
 * that starts it, and must start there. Bundled into a temporary directory, not dist/bundle.
 */
import { fork, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PROJECT = fileURLToPath(new URL("../..", import.meta.url));
const out = mkdtempSync(join(tmpdir(), "maestro-bundle-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("the bundled CLI", () => {
  beforeAll(() => {
    const built = spawnSync(process.execPath, [join(PROJECT, "scripts/bundle-cli.ts")], {
      env: { ...process.env, MAESTRO_BUNDLE_OUT: out },
      encoding: "utf8",
    });
    expect(built.stderr).toBe("");
    expect(built.status).toBe(0);
  }, 60_000);

  it("holds the modules it starts by path, next to the chunks that start them", () => {
    expect(existsSync(join(out, "extract-worker.mjs"))).toBe(true);
    expect(existsSync(join(out, "child.mjs"))).toBe(true);
  });

  it("checks an empty repository, warm, without loading what it does not use", () => {
    const repo = mkdtempSync(join(tmpdir(), "maestro-bundle-empty-"));
    try {
      spawnSync("git", ["init", "-q"], { cwd: repo });
      // An ES module that imports nothing itself: what it reports loaded, the check loaded.
      const script = `
        const { main } = await import(${JSON.stringify(pathToFileURL(join(out, "main.mjs")).href)});
        const io = { out() {}, err() {}, cwd: process.cwd(), env: { ...process.env, MAESTRO_CACHE_DIR: ${JSON.stringify(join(repo, ".cache"))} } };
        const codes = [await main(["check", ${JSON.stringify(repo)}], io), await main(["check", ${JSON.stringify(repo)}], io)];
        const packages = Object.keys(process.getBuiltinModule("node:module").createRequire(import.meta.url).cache);
        console.log(JSON.stringify({ codes, builtins: process.moduleLoadList, packages }));`;
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
      expect(run.stderr).toBe("");
      const { codes, builtins, packages } = JSON.parse(run.stdout) as {
        codes: number[];
        builtins: string[];
        packages: string[];
      };
      expect(codes).toEqual([0, 0]);
      for (const unused of ["crypto", "worker_threads", "readline", "perf_hooks", "internal/fs/streams"])
        expect(builtins).not.toContain(`NativeModule ${unused}`);
      expect(packages.filter((path) => /[\\/](re2js|yaml|oxc-parser)[\\/]/.test(path))).toEqual([]);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it("starts the sandbox child from the bundle", async () => {
    const child = fork(join(out, "child.mjs"), [], { serialization: "advanced", stdio: "pipe" });
    try {
      const first = await new Promise<unknown>((resolve, reject) => {
        child.once("message", resolve);
        child.once("exit", (code) => reject(new Error(`the child exited (${code}) before it was ready`)));
      });
      expect(first).toEqual({ type: "ready" });
    } finally {
      child.kill();
    }
  });

  it("keeps Node's compiled code across check and graph: neither rejects what the other cached", () => {
    // V8 stamps compiled code with a hash of its flags, and the analysis commands change flags
    // (v8-tuning.ts): changed at different points, each command's runs would reject the code the
    // other cached for the modules both load, and compile them again.
    const repo = mkdtempSync(join(tmpdir(), "maestro-bundle-cache-"));
    try {
      spawnSync("git", ["init", "-q"], { cwd: repo });
      mkdirSync(join(repo, "src"));
      writeFileSync(join(repo, "src/a.ts"), 'import { b } from "./b";\nexport const a = b;\n');
      writeFileSync(join(repo, "src/b.ts"), "export const b = 1;\n");
      writeFileSync(join(repo, "maestro-hive.yml"), 'acc:\n  include: ["src/**"]\n');
      const compileCache = join(repo, ".compile-cache");
      // What the launcher (bin/maestro-hive.js) does, on the bundle built here.
      const run = (command: string) => {
        const script = `
          process.getBuiltinModule("node:module").enableCompileCache(${JSON.stringify(compileCache)});
          const { main } = await import(${JSON.stringify(pathToFileURL(join(out, "main.mjs")).href)});
          const io = { out() {}, err() {}, cwd: process.cwd(), env: { ...process.env, MAESTRO_CACHE_DIR: ${JSON.stringify(join(repo, ".cache"))} } };
          process.exitCode = await main([${JSON.stringify(command)}, ${JSON.stringify(repo)}], io);`;
        const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
          encoding: "utf8",
          env: { ...process.env, NODE_DEBUG_NATIVE: "COMPILE_CACHE" },
        });
        expect(result.status, result.stderr).toBe(0);
        const lines = result.stderr.split("\n").filter((line) => line.startsWith("[compile cache]"));
        return {
          accepted: lines.filter((line) => /^\[compile cache\] reading cache .* success/.test(line)).length,
          rejected: lines.filter((line) => line.includes("was rejected")),
        };
      };
      const runs = ["check", "graph", "check", "graph"].map(run);
      for (const later of runs.slice(1)) expect(later.rejected).toEqual([]);
      // The cache was in use: the later runs found the code the first ones compiled.
      expect(runs[2]!.accepted).toBeGreaterThan(10);
      expect(runs[3]!.accepted).toBeGreaterThan(10);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
