/**
 * bin/maestro-hive.js picks the sources when this Node strips types, else the build, else
 * explains. Run with the machine's own Node when it is older than 22.18 (Node 20 here), on a
 * copy of the bin beside a stand-in build, so the test does not need `npm run build`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const PROJECT = fileURLToPath(new URL("../..", import.meta.url));
const SYSTEM_NODES = ["/usr/bin/node", "/usr/local/bin/node", "/bin/node"];

function oldNode(): string | null {
  for (const candidate of SYSTEM_NODES) {
    try {
      const version = execFileSync(candidate, ["--version"], { encoding: "utf8" }).trim();
      const [major, minor] = version.slice(1).split(".").map(Number);
      if (major! < 22 || (major === 22 && minor! < 18)) return candidate;
    } catch {}
  }
  return null;
}

const node = oldNode();
const root = mkdtempSync(join(tmpdir(), "maestro-bin-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function layout(withBuild: boolean): string {
  const dir = mkdtempSync(join(root, "pkg-"));
  mkdirSync(join(dir, "bin"));
  mkdirSync(join(dir, "src/cli"), { recursive: true });
  copyFileSync(join(PROJECT, "bin/maestro-hive.js"), join(dir, "bin/maestro-hive.js"));
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(
    join(dir, "src/cli/main.ts"),
    "export async function main(): Promise<number> { console.log('sources'); return 0; }\n",
  );
  if (withBuild) {
    mkdirSync(join(dir, "dist/cli"), { recursive: true });
    writeFileSync(
      join(dir, "dist/cli/main.js"),
      "export async function main(argv) { console.log('build ' + argv.join(' ')); return 3; }\n",
    );
  }
  return dir;
}

describe.skipIf(node === null)(`bin/maestro-hive.js on a Node without type stripping (${node})`, () => {
  it("runs the build when dist/ exists, with the arguments and exit code", () => {
    const dir = layout(true);
    const result = spawnSync(node!, [join(dir, "bin/maestro-hive.js"), "check", "."], { encoding: "utf8" });
    expect(result.stdout.trim()).toBe("build check .");
    expect(result.status).toBe(3);
  });

  it("explains what to do when there is no build", () => {
    const dir = layout(false);
    const result = spawnSync(node!, [join(dir, "bin/maestro-hive.js"), "check"], { encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("cannot run the TypeScript sources");
    expect(result.stderr).toContain("npm run build");
  });
});

describe("bin/maestro-hive.js on the project's Node 24", () => {
  it("runs the sources even when a build exists", () => {
    const dir = layout(true);
    const result = spawnSync(join(PROJECT, "node_modules/.bin/node"), [join(dir, "bin/maestro-hive.js")], {
      encoding: "utf8",
    });
    expect(result.stdout.trim()).toBe("sources");
    expect(result.status).toBe(0);
  });
});
