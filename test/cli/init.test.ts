import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import { starterConfig } from "../../src/core/config/starter.ts";

const FIXTURES = fileURLToPath(new URL("../fixtures/init/", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "maestro-init-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const env = { MAESTRO_CACHE_DIR: join(scratch, "cache") };

/** A copy of a committed fixture, as a plain folder (not a git work tree). */
function copyOf(fixture: string): string {
  const dir = mkdtempSync(join(scratch, `${fixture}-`));
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return dir;
}

async function cli(args: string[]) {
  const io = memoryIo(scratch, env);
  const code = await main(args, io);
  return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
}

describe("maestro-hive init", () => {
  it("a TypeScript workspace: one component per package, the cycle between them printed", async () => {
    const dir = copyOf("ts-workspace");
    const { code, stdout } = await cli(["init", dir]);
    expect(code).toBe(0);
    const text = readFileSync(join(dir, ".github/maestro-hive.yml"), "utf8");
    const written = parse(text);
    expect(written.acc.components).toEqual({
      api: ["packages/api/**"],
      core: ["packages/core/**"],
      db: ["packages/db/**"],
    });
    expect(
      written.acc.rules.map((rule: { type: string; scope?: string }) => [rule.type, rule.scope]),
    ).toEqual([
      ["no-cycles", "component"],
      ["no-cycles", undefined],
    ]);
    expect(written.bdv).toBeUndefined();
    expect(loadConfig(text).ok).toBe(true);
    expect(stdout).toContain("component cycle: api → core → db → api");
    expect(stdout).toContain("Verdict: ARCHITECTURAL_EROSION");
    expect(stdout).toContain("--baseline");
  });

  it("a Python package: its subpackages as components, features for BDV, import-linter named", async () => {
    const dir = copyOf("py-package");
    const { code, stdout } = await cli(["init", dir]);
    expect(code).toBe(0);
    const text = readFileSync(join(dir, ".github/maestro-hive.yml"), "utf8");
    const written = parse(text);
    expect(Object.keys(written.acc.components)).toEqual(["shop", "api", "db", "orders"]);
    expect(written.acc.components.shop).toEqual(["shop/*"]);
    expect(written.acc.components.orders).toEqual(["shop/orders/**"]);
    expect(written.bdv).toEqual({ features: ["features/**/*.feature"] });
    expect(text).toContain("Contracts found in .importlinter are");
    expect(stdout).toContain("component cycle: db → orders → db");
    expect(stdout).toContain('Undefined step "When they place an order"');
  });

  it("refuses to overwrite without --force; --baseline accepts today's findings so check passes", async () => {
    const dir = copyOf("ts-workspace");
    expect((await cli(["init", dir])).code).toBe(0);
    const again = await cli(["init", dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("already exists; use --force");
    expect((await cli(["check", dir])).code).toBe(1);

    const baselined = await cli(["init", dir, "--force", "--baseline"]);
    expect(baselined.code).toBe(0);
    expect(baselined.stdout).toContain("baseline: 2 suppression(s)");
    const text = readFileSync(join(dir, ".github/maestro-hive.yml"), "utf8");
    expect(text).toContain("# one per workspace package"); // comments survive
    const suppressions = parse(text).acc.suppressions;
    expect(suppressions).toHaveLength(2);
    expect(suppressions[0]).toMatchObject({ level: "violation", patternType: "exact" });
    expect(suppressions[0].justification).toContain("present when maestro-hive was adopted");
    const check = await cli(["check", dir]);
    expect(check.stdout).toContain("2 suppressed");
    expect(check.code).toBe(0);
  });

  it("the starter: source root folders, tests and docs left out, names kept unique", () => {
    const starter = starterConfig({
      paths: [
        "src/web/a.ts",
        "src/web/b.ts",
        "src/util/c.ts",
        "src/legacy/util/d.ts",
        "test/a.test.ts",
        "docs/x.md",
        "node_modules/x/index.js",
        "setup.cfg",
      ],
      read: () => "[metadata]\nname = x\n",
    });
    expect(starter.basis).toBe("folders");
    expect(starter.components.map((c) => [c.name, c.glob, c.files])).toEqual([
      ["legacy", "src/legacy/**", 1],
      ["util", "src/util/**", 1],
      ["web", "src/web/**", 2],
    ]);
    expect(starter.adoptable).toEqual([]); // setup.cfg without an [importlinter] section
    expect(starterConfig({ paths: ["README.md"] }).text).toContain("components: {}");
  });

  it("the starter on a one-package repository with example packages (pallets/flask's shape)", () => {
    const starter = starterConfig({
      paths: [
        "pyproject.toml",
        "src/flask/__init__.py",
        "src/flask/app.py",
        "src/flask/cli.py",
        "src/flask/json/__init__.py",
        "src/flask/json/tag.py",
        "examples/tutorial/pyproject.toml",
        "examples/tutorial/flaskr/__init__.py",
        "tests/test_app.py",
      ],
    });
    expect(starter.basis).toBe("folders");
    expect(starter.components.map((c) => [c.name, c.glob])).toEqual([
      ["flask", "src/flask/*"],
      ["json", "src/flask/json/**"],
    ]);
  });
});
