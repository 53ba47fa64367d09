import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { gitIndexBytes } from "../../src/cli/git-snapshot.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { IMPORT_KINDS } from "../../src/core/acc/kinds.ts";
import { GitRepo } from "../harness/git-repo.ts";
import { writeFiles } from "./worktree.ts";

/** The design's `graph --format json` contract, with the import kinds rules filter on (`kinds`) beside `kind`. */
const graphContract = z.strictObject({
  files: z.array(
    z.strictObject({
      path: z.string(),
      language: z.enum(["typescript", "javascript", "python"]),
      imports: z.array(
        z.strictObject({
          specifier: z.string(),
          line: z.number().int().positive(),
          kind: z.enum(["import", "export", "require", "dynamic", "type"]),
          kinds: z.array(z.enum(IMPORT_KINDS)).min(1),
          target: z.string().nullable(),
          external: z.string().nullable(),
        }),
      ),
    }),
  ),
});

async function graph(args: string[], env: NodeJS.ProcessEnv = {}) {
  const io = memoryIo(tmpdir(), env);
  const code = await main(["graph", ...args], io);
  return { code, stdout: io.stdout.join(""), stderr: io.stderr.join("\n") };
}

describe("maestro-hive graph", () => {
  let repo: GitRepo;
  beforeAll(() => {
    repo = GitRepo.create();
    repo.commit("c", {
      "src/a.ts":
        'import { b } from "./b.ts";\nimport type { T } from "./types.ts";\nimport lodash from "lodash/fp";\nexport const a = [b, lodash];\nexport type X = T;\n',
      "src/b.ts": 'export * from "./c.js";\nexport const b = require("node:path");\n',
      "src/c.ts": "export const c = await import('./a.ts');\n",
      "src/types.ts": "export type T = 1;\n",
      "src/generated/big.ts": 'import "./nothing";\n',
      "README.md": "# not code\n",
    });
  });
  afterAll(() => repo.cleanup());

  it("json follows the contract with resolved targets, externals and kinds", async () => {
    const { code, stdout } = await graph([repo.dir]);
    expect(code).toBe(0);
    const parsed = graphContract.parse(JSON.parse(stdout));
    expect(parsed.files.map((f) => f.path)).toEqual([
      "src/a.ts",
      "src/b.ts",
      "src/c.ts",
      "src/generated/big.ts",
      "src/types.ts",
    ]);
    const a = parsed.files[0]!;
    expect(a.imports).toEqual([
      { specifier: "./b.ts", line: 1, kind: "import", kinds: ["static"], target: "src/b.ts", external: null },
      {
        specifier: "./types.ts",
        line: 2,
        kind: "type",
        kinds: ["static", "type-only"],
        target: "src/types.ts",
        external: null,
      },
      {
        specifier: "lodash/fp",
        line: 3,
        kind: "import",
        kinds: ["static"],
        target: null,
        external: "lodash",
      },
    ]);
    expect(parsed.files[3]!.imports[0]!.kinds).toEqual(["static", "side-effect"]);
    expect(parsed.files[1]!.imports.map((i) => [i.kind, i.target, i.external])).toEqual([
      ["export", "src/c.ts", null],
      ["require", null, "node:path"],
    ]);
    expect(parsed.files[2]!.imports[0]).toMatchObject({ kind: "dynamic", target: "src/a.ts" });
  });

  it("applies the config's excludes", async () => {
    writeFiles(repo.dir, { ".github/maestro-hive.yml": 'acc:\n  exclude: ["src/generated/**"]\n' });
    try {
      const parsed = graphContract.parse(JSON.parse((await graph([repo.dir])).stdout));
      expect(parsed.files.map((f) => f.path)).not.toContain("src/generated/big.ts");
    } finally {
      writeFiles(repo.dir, { ".github/maestro-hive.yml": null });
    }
  });

  it("dot and mermaid", async () => {
    const dot = await graph([repo.dir, "--format", "dot"]);
    expect(dot.code).toBe(0);
    expect(dot.stdout).toContain('"src/a.ts" -> "src/b.ts";');
    expect(dot.stdout).toContain('subgraph cluster_0 {\n    label="src";');
    const mermaid = await graph([repo.dir, "--format", "mermaid"]);
    expect(mermaid.stdout.startsWith("graph LR\n")).toBe(true);
    expect(mermaid.stdout).toMatch(/n\d+ --> n\d+/);
  });

  it("usage errors exit 2", async () => {
    const bad = await graph([repo.dir, "--format", "png"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown format "png"');
    expect((await graph([repo.dir, "extra"])).code).toBe(2);
  });
});

describe("maestro-hive graph on a big tree and a cold cache (a worker starts before the listing)", () => {
  let repo: GitRepo;
  let caches: string;
  beforeAll(() => {
    repo = GitRepo.create();
    const files: Record<string, string> = {};
    for (let i = 0; i < 700; i++) {
      const folder = `packages/feature-${i % 10}/src/components`;
      files[`${folder}/component-${i}.ts`] =
        `import { c${i + 1} } from "../../../feature-${(i + 1) % 10}/src/components/component-${(i + 1) % 700}";\nexport const c${i} = 1;\n`;
    }
    repo.commit("c", files);
    caches = mkdtempSync(join(tmpdir(), "maestro-graph-caches-"));
  });
  afterAll(() => {
    repo.cleanup();
    rmSync(caches, { recursive: true, force: true });
  });

  it("builds the graph a single thread builds", async () => {
    expect(gitIndexBytes(repo.dir)).toBeGreaterThan(64 * 1024); // big enough for the early worker
    expect(gitIndexBytes(join(repo.dir, "packages"))).toBe(0);
    const early = await graph([repo.dir], { MAESTRO_CACHE_DIR: join(caches, "early") });
    const single = await graph([repo.dir], {
      MAESTRO_CACHE_DIR: join(caches, "single"),
      MAESTRO_THREADS: "1",
    });
    expect(early.code).toBe(0);
    expect(JSON.parse(early.stdout).files).toHaveLength(700);
    expect(early.stdout).toBe(single.stdout);
  });

  it("ends the early worker when the config is invalid", async () => {
    const config = join(caches, "bad.yml");
    writeFiles(caches, { "bad.yml": "acc:\n  include: 7\n" });
    const run = await graph([repo.dir, "--config", config], { MAESTRO_CACHE_DIR: join(caches, "bad") });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("invalid config");
  });
});

describe("maestro-hive graph: collapsed, focused, violations in red", () => {
  it("collapses to the config's components and draws the violating import red", async () => {
    const dir = mkdtempSync(join(tmpdir(), "maestro-graph-view-"));
    try {
      writeFiles(dir, {
        ".github/maestro-hive.yml": `acc:
  components:
    ui: ["src/ui/**"]
    data: ["src/data/**"]
  rules:
    - { id: data-not-up, type: must-not-call, from: data, to: [ui] }
`,
        "src/ui/page.ts": 'import { row } from "../data/row.ts";\nexport const page = row;\n',
        "src/ui/list.ts": 'import { row } from "../data/row.ts";\nexport const list = row;\n',
        "src/data/row.ts": 'import { page } from "../ui/page.ts";\nexport const row = 1;\nvoid page;\n',
      });
      const io = memoryIo(tmpdir(), { MAESTRO_CACHE_DIR: join(dir, ".cache") });
      expect(await main(["graph", dir, "--format", "mermaid", "--collapse", "components"], io)).toBe(0);
      const mermaid = io.stdout.join("");
      expect(mermaid).toContain('n0["data"]');
      expect(mermaid).toContain('n1["ui (2)"]');
      expect(mermaid).toContain("n0 --> n1\n");
      expect(mermaid).toContain("n1 -->|2| n0\n");
      expect(mermaid).toContain("linkStyle 0 stroke:#d73a49");
      const focused = memoryIo(tmpdir(), { MAESTRO_CACHE_DIR: join(dir, ".cache") });
      await main(["graph", dir, "--format", "dot", "--focus", "src/ui/list.ts", "--depth", "1"], focused);
      expect(focused.stdout.join("")).toContain('"src/ui/list.ts" -> "src/data/row.ts";');
      expect(focused.stdout.join("")).not.toContain('"src/ui/page.ts" [');
      const bad = memoryIo(tmpdir(), { MAESTRO_CACHE_DIR: join(dir, ".cache") });
      expect(await main(["graph", dir, "--format", "dot", "--collapse", "depth:0"], bad)).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
