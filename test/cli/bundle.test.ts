/**
 * The bundled CLI (`npm run bundle`) starts some modules by path rather than importing them: the
 * extraction worker and the analysis sandbox's child. Each must be in the bundle, next to the chunk
 * that starts it, and must start there. Bundled into a temporary directory, not dist/bundle.
 */
import { fork, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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
});
