import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { checkJsonContract } from "../core/report/json-contract.ts";
import { GitRepo } from "../harness/git-repo.ts";
import { writeFiles } from "./worktree.ts";

const PROJECT = fileURLToPath(new URL("../..", import.meta.url));

const CONFIG = `acc:
  components:
    ui: ["src/ui/**"]
    domain: ["src/domain/**"]
    data: ["src/data/**"]
  rules:
    - { id: layered, type: layers, layers: [ui, domain, data] }
dde:
  expect:
    - { id: api-scenarios, when: "api/**", changed: "features/**", severity: warning }
`;

const BASE_FILES = {
  ".github/maestro-hive.yml": CONFIG,
  "src/ui/page.ts": 'import { rule } from "../domain/rule.ts";\nexport const page = rule;\n',
  "src/domain/rule.ts": 'import { row } from "../data/repo.ts";\nexport const rule = row;\n',
  "src/data/repo.ts": 'import { rule } from "../domain/rule.ts";\nexport const row = 1;\nvoid rule;\n',
  "src/data/old.ts": 'import { page } from "../ui/page.ts";\nexport const old = page;\n',
  "features/users.feature": "Feature: users\n",
};

async function check(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  const io = memoryIo(cwd, env);
  const code = await main(["check", ...args], io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("\n") };
}

describe("maestro-hive check on a real git repository", () => {
  let repo: GitRepo;
  beforeAll(() => {
    repo = GitRepo.create();
    repo.commit("base", BASE_FILES);
    repo.branch("feature");
    // Head: a new upward import (domain → ui), data/old.ts removed (its violation fixed),
    // data/repo.ts's violation still there.
    repo.commit("feature", {
      "src/domain/rule.ts":
        'import { row } from "../data/repo.ts";\nimport { page } from "../ui/page.ts";\nexport const rule = [row, page];\n',
      "src/data/old.ts": null,
      "api/users.yaml": "openapi: 3.1.0\n",
    });
  });
  afterAll(() => repo.cleanup());

  it("--base: json output follows the contract with new, existing and fixed findings; the gate fails", async () => {
    const { code, stdout } = await check([repo.dir, "--base", "main", "--format", "json"], tmpdir());
    expect(code).toBe(1);
    const report = checkJsonContract.parse(JSON.parse(stdout));
    expect(report.verdict).toBe("fail");
    expect(report.acc.violations.map((v) => [v.file, v.target, v.status])).toEqual([
      ["src/data/repo.ts", "src/domain/rule.ts", "existing"],
      ["src/domain/rule.ts", "src/ui/page.ts", "new"],
    ]);
    expect(report.acc.fixed.map((f) => [f.file, f.target])).toEqual([["src/data/old.ts", "src/ui/page.ts"]]);
    // DDE: the API changed on the branch without a feature change; a warning, reported but not failing.
    expect(report.dde.findings.map((f) => [f.rule, f.severity, f.file, f.status])).toEqual([
      ["api-scenarios", "warning", "api/users.yaml", "new"],
    ]);
  });

  it("without --base every finding is new, and the whole tree counts as the change", async () => {
    const { code, stdout } = await check(["--format", "json"], repo.dir);
    expect(code).toBe(1);
    const report = checkJsonContract.parse(JSON.parse(stdout));
    expect(report.acc.violations.every((v) => v.status === "new")).toBe(true);
    expect(report.acc.fixed).toEqual([]);
    expect(report.dde.findings).toEqual([]); // features/** exists in the tree: satisfied
  });

  it("a pre-existing violation alone passes: base = head", async () => {
    const { code, stdout } = await check([repo.dir, "--base", "HEAD"], tmpdir());
    expect(stdout).toContain("Verdict: ALL_PASS — gate passes");
    expect(code).toBe(0);
  });

  it("text, markdown and sarif formats", async () => {
    const text = await check([repo.dir, "--base", "main"], tmpdir());
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("src/domain/rule.ts:2");
    expect(text.stdout).toContain("Verdict: ARCHITECTURAL_EROSION — gate fails");

    const markdown = await check([repo.dir, "--base", "main", "--format", "markdown"], tmpdir());
    expect(
      markdown.stdout.startsWith("<!-- maestro-hive:summary -->\n## ❌ Maestro Hive: ARCHITECTURAL_EROSION"),
    ).toBe(true);

    const sarif = await check([repo.dir, "--base", "main", "--format", "sarif"], tmpdir());
    expect(sarif.code).toBe(1);
    const schema = JSON.parse(
      readFileSync(join(PROJECT, "test/fixtures/sarif/sarif-schema-2.1.0-rtm.5.json"), "utf8"),
    );
    schema.$id = schema.id;
    delete schema.id;
    delete schema.$schema;
    const ajv = new Ajv({ strict: false, unicodeRegExp: false });
    addFormats.default(ajv);
    const validate = ajv.compile(schema);
    const log = JSON.parse(sarif.stdout);
    expect(validate(log)).toBe(true);
    expect(log.runs[0].results.map((r: { baselineState: string }) => r.baselineState).sort()).toEqual([
      "new",
      "new",
      "unchanged",
    ]);
  });

  it("html format: one page with the findings and the config's components drawn", async () => {
    const html = await check([repo.dir, "--base", "main", "--format", "html"], tmpdir());
    expect(html.code).toBe(1);
    expect(html.stdout.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(html.stdout).toContain("Maestro Hive: ARCHITECTURAL_EROSION");
    expect(html.stdout).toContain("<code>src/domain/rule.ts:2</code>");
    const nodes = [...html.stdout.matchAll(/data-node="([^"]*)"/g)].map((m) => m[1]).sort();
    expect(nodes).toEqual(["data", "domain", "ui"]);
    expect(html.stdout).toContain('<g class="edge bad"><title>domain → ui');
  });

  it("caches extraction results in the user's cache directory, never in the repository", async () => {
    const home = mkdtempSync(join(tmpdir(), "maestro-home-"));
    try {
      await check([repo.dir], tmpdir(), { HOME: home });
      const userCache = join(home, ".cache/maestro-hive");
      const [entry] = readdirSync(userCache);
      expect(entry).toMatch(/^[\w.-]+-[0-9a-f]{12}$/);
      expect(existsSync(join(userCache, entry!, "extract-v1.jsonl"))).toBe(true);
      expect(repo.git("status", "--porcelain", "--untracked-files=all", "--ignored")).toBe("");
      const elsewhere = join(home, "elsewhere");
      await check([repo.dir], tmpdir(), { HOME: home, MAESTRO_CACHE_DIR: elsewhere });
      expect(existsSync(join(elsewhere, "extract-v1.jsonl"))).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("check: config", () => {
  let repo: GitRepo;
  beforeAll(() => {
    repo = GitRepo.create();
    repo.commit("base", BASE_FILES);
  });
  afterAll(() => repo.cleanup());

  it("a suppression in the config turns the failing check into a pass", async () => {
    expect((await check([repo.dir], tmpdir())).code).toBe(1);
    const suppressed = `${CONFIG.replace(
      "dde:",
      `  suppressions:
    - id: untangle-later
      level: directory
      pattern: "src"
      rule: layered
      justification: tracked in TICKET-7
      expires: "2099-12-31"
dde:`,
    )}`;
    writeFiles(repo.dir, { ".github/maestro-hive.yml": suppressed });
    const { code, stdout } = await check([repo.dir, "--format", "json"], tmpdir());
    const report = checkJsonContract.parse(JSON.parse(stdout));
    expect(report.acc.violations.length).toBeGreaterThan(0);
    expect(report.acc.violations.every((v) => v.suppressed && v.suppressionId === "untangle-later")).toBe(
      true,
    );
    expect(code).toBe(0);
    writeFiles(repo.dir, { ".github/maestro-hive.yml": CONFIG });
  });

  it("config errors exit 2 with file:line:column", async () => {
    const broken = CONFIG.replace("layers: [ui, domain, data]", "layers: [ui, domain, dta]").concat(
      "unknown: 1\n",
    );
    writeFiles(repo.dir, { ".github/maestro-hive.yml": broken });
    try {
      const { code, stderr, stdout } = await check([repo.dir], repo.dir);
      expect(code).toBe(2);
      expect(stdout).toBe("");
      expect(stderr).toContain('.github/maestro-hive.yml:7:57: rule "layered" names unknown component "dta"');
      expect(stderr).toMatch(/\.github\/maestro-hive\.yml:11:1: .*unknown/);
    } finally {
      writeFiles(repo.dir, { ".github/maestro-hive.yml": CONFIG });
    }
  });

  it("--config FILE is used instead, and a missing one is an error", async () => {
    const other = join(repo.dir, "alt.yml");
    writeFiles(repo.dir, { "alt.yml": "acc:\n  rules: []\n" });
    expect((await check([repo.dir, "--config", other], tmpdir())).code).toBe(0);
    const missing = await check([repo.dir, "--config", join(repo.dir, "nope.yml")], tmpdir());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.yml: file not found");
  });

  it("without a config file it runs with no rules, says so, and passes", async () => {
    const bare = GitRepo.create();
    try {
      bare.commit("c", { "src/a.ts": 'import "./b.ts";\n', "src/b.ts": 'import "./a.ts";\n' });
      const { code, stderr } = await check([bare.dir], tmpdir());
      expect(code).toBe(0);
      expect(stderr).toContain("no .github/maestro-hive.yml");
    } finally {
      bare.cleanup();
    }
  });

  it("usage and git errors exit 2", async () => {
    expect((await check([repo.dir, "--format", "xml"], tmpdir())).stderr).toContain('unknown format "xml"');
    expect((await check([repo.dir, "--format", "xml"], tmpdir())).code).toBe(2);
    expect((await check([repo.dir, "--bogus"], tmpdir())).code).toBe(2);
    const badRef = await check([repo.dir, "--base", "no-such-ref"], tmpdir());
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toContain('unknown revision "no-such-ref"');
    const notGit = mkdtempSync(join(tmpdir(), "maestro-not-git-"));
    try {
      const result = await check([notGit, "--base", "main"], tmpdir());
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("--base needs a git work tree");
    } finally {
      rmSync(notGit, { recursive: true, force: true });
    }
    expect((await check(["/no/such/dir"], tmpdir())).code).toBe(2);
  });
});

describe("check: the spawned binary", () => {
  it("exits 0, 1 and 2 for real", () => {
    const repo = GitRepo.create();
    try {
      repo.commit("base", BASE_FILES);
      // The first run goes through npx as a user would; the others call the same pinned Node
      // binary directly (npm's own start-up costs seconds on a loaded machine).
      const run = (viaNpx: boolean, ...args: string[]) => {
        const command = viaNpx ? "npx" : join(PROJECT, "node_modules/.bin/node");
        const prefix = viaNpx ? ["node"] : [];
        return spawnSync(
          command,
          [...prefix, join(PROJECT, "bin/maestro-hive.js"), "check", repo.dir, ...args],
          {
            cwd: PROJECT,
            encoding: "utf8",
            env: { ...process.env, MAESTRO_CACHE_DIR: join(repo.dir, ".git/maestro-test-cache") },
          },
        );
      };
      const pass = run(true, "--base", "HEAD");
      expect(pass.stdout).toContain("ALL_PASS");
      expect(pass.status).toBe(0);
      const fail = run(false, "--format", "json");
      expect(JSON.parse(fail.stdout).verdict).toBe("fail");
      expect(fail.status).toBe(1);
      const usage = run(false, "--format", "yaml");
      expect(usage.stderr).toContain('unknown format "yaml"');
      expect(usage.status).toBe(2);
    } finally {
      repo.cleanup();
    }
  });
});

describe("check: memory", () => {
  it("keeps V8's young generation at its initial size (it would otherwise stay resident at its largest)", () => {
    const repo = GitRepo.create();
    try {
      const files: Record<string, string> = { "pyproject.toml": '[project]\nname = "app"\n' };
      for (let i = 0; i < 400; i++)
        files[`app/m${i}.py`] =
          `"""Module ${i}."""\nimport os\nfrom app import m${(i + 1) % 400}\n` +
          `def f${i}(x):\n    return [x * k for k in range(${i})]  # ${"pad ".repeat(200)}\n`.repeat(20);
      repo.commit("base", files);
      // A fresh process, the command's code loaded: its young generation before and after a cold
      // check (without the setting it grows, up to 32 MB on a large machine).
      const script = `
        import { getHeapSpaceStatistics } from "node:v8";
        import { main } from ${JSON.stringify(join(PROJECT, "src/cli/main.ts"))};
        import { memoryIo } from ${JSON.stringify(join(PROJECT, "src/cli/io.ts"))};
        import ${JSON.stringify(join(PROJECT, "src/cli/commands/check.ts"))};
        const young = () => getHeapSpaceStatistics().find((space) => space.space_name === "new_space").space_size;
        const before = young();
        const code = await main(["check", ${JSON.stringify(repo.dir)}, "--format", "json"], memoryIo(process.cwd(), process.env));
        console.log(JSON.stringify({ code, before, after: young() }));
      `;
      const child = spawnSync(
        join(PROJECT, "node_modules/.bin/node"),
        ["--input-type=module", "-e", script],
        {
          cwd: PROJECT,
          encoding: "utf8",
          env: { ...process.env, MAESTRO_CACHE_DIR: join(repo.dir, ".git/maestro-test-cache") },
        },
      );
      expect(child.stderr).toBe("");
      const { code, before, after } = JSON.parse(child.stdout) as Record<string, number>;
      expect(code).toBe(0);
      expect(after).toBe(before);
    } finally {
      repo.cleanup();
    }
  });
});

describe("dogfooding: the project's own layering", () => {
  it("the project passes its own check", async () => {
    const { code, stdout } = await check([PROJECT], PROJECT, {
      MAESTRO_CACHE_DIR: join(tmpdir(), "maestro-self-cache"),
    });
    expect(stdout).toContain("Verdict: ALL_PASS");
    expect(code).toBe(0);
  });

  it("the project's rules catch core importing another layer or an I/O package", async () => {
    const repo = GitRepo.create();
    try {
      repo.commit("c", {
        ".github/maestro-hive.yml": readFileSync(join(PROJECT, ".github/maestro-hive.yml"), "utf8"),
        "src/store/db.ts": "export const db = 1;\n",
        "src/core/engine.ts":
          'import { readFileSync } from "node:fs";\nimport pg from "pg";\nimport { db } from "../store/db.ts";\nexport const x = [readFileSync, pg, db];\n',
      });
      const { code, stdout } = await check([repo.dir, "--format", "json"], tmpdir());
      expect(code).toBe(1);
      const report = checkJsonContract.parse(JSON.parse(stdout));
      expect(report.acc.violations.map((v) => [v.rule, v.target]).sort()).toEqual([
        ["core-does-no-io", "node:fs"],
        ["core-does-no-io", "pg"],
        ["core-is-pure", "src/store/db.ts"],
        // No package.json in this repository: a package import is declared nowhere.
        ["declared-dependencies", "pg"],
      ]);
    } finally {
      repo.cleanup();
    }
  });
});
