/**
 * Hostile repository contents through the real engine (runAcc, runBdv, analyze) and the CLI
 * on real git repositories: each is reported (a notice or a finding naming the file), none
 * crashes or hangs the analysis, and everything else in the repository is still analysed.
 */
import { afterAll, describe, expect, it } from "vitest";
import { gitBlobSha } from "../../src/cli/git-snapshot.ts";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { runAcc } from "../../src/core/acc/index.ts";
import { runBdv } from "../../src/core/bdv/index.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import type { MaestroConfig } from "../../src/core/config/schema.ts";
import type { Snapshot } from "../../src/core/snapshot.ts";
import { snapshotOf } from "../core/snapshot-builder.ts";
import { GitRepo } from "../harness/git-repo.ts";

function config(text: string): MaestroConfig {
  const result = loadConfig(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const ACC = config("acc: {}\n");
const BDV = config(`bdv:
  features: ["features/**/*.feature"]
  steps: ["features/**/*.ts"]
  contracts: [{ name: users, spec: api/users.yaml }]
`);

function withBytes(snapshot: Snapshot, path: string, content: Uint8Array): Snapshot {
  return { ...snapshot, files: [...snapshot.files, { path, blobSha: gitBlobSha(content), content }] };
}

const OK_FILES = {
  "src/a.ts": 'import { b } from "./b";\nexport const a = b;\n',
  "src/b.ts": "export const b = 1;\n",
};

function expectStillAnalysed(result: ReturnType<typeof runAcc>) {
  const a = result.graph.files.find((f) => f.path === "src/a.ts");
  expect(a?.imports.map((i) => i.target)).toEqual(["src/b.ts"]);
}

describe("bad source contents (engine)", () => {
  it("reports a binary file named .ts as an unreadable-file error instead of parsing it", () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 37) % 256);
    const result = runAcc(withBytes(snapshotOf(OK_FILES), "src/logo.ts", bytes), ACC.acc!);
    expect(result.findings).toContainEqual(
      expect.objectContaining({ type: "unreadable-file", file: "src/logo.ts", severity: "error" }),
    );
    expectStillAnalysed(result);
  });

  it("reads a .ts file that is not valid UTF-8 as tsc does (U+FFFD) and keeps its imports", () => {
    const bytes = Buffer.concat([
      Buffer.from('import "./b";\nconst s = "'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('";\n'),
    ]);
    const result = runAcc(withBytes(snapshotOf(OK_FILES), "src/latin1.ts", bytes), ACC.acc!);
    expect(result.findings).toEqual([]);
    expect(result.graph.files.find((f) => f.path === "src/latin1.ts")?.imports.map((i) => i.target)).toEqual([
      "src/b.ts",
    ]);
    expectStillAnalysed(result);
  });

  it("reports a 5 MB source file as an unreadable-file error, quickly", () => {
    const big = `${"export const x = 1;\n".repeat(262_144)}`;
    expect(big.length).toBeGreaterThan(5_000_000);
    const started = performance.now();
    const result = runAcc(snapshotOf({ ...OK_FILES, "src/generated.ts": big }), ACC.acc!);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(result.findings).toContainEqual(
      expect.objectContaining({ type: "unreadable-file", file: "src/generated.ts", severity: "error" }),
    );
    expectStillAnalysed(result);
  });

  it("extracts all 10,000 imports of one file", () => {
    const files: Record<string, string> = { ...OK_FILES };
    const lines: string[] = [];
    for (let i = 0; i < 10_000; i++) lines.push(`import { v${i} } from "./m${i % 50}";`);
    for (let i = 0; i < 50; i++) files[`src/m${i}.ts`] = `export const v${i} = ${i};\n`;
    files["src/hub.ts"] = `${lines.join("\n")}\n`;
    const started = performance.now();
    const result = runAcc(snapshotOf(files), ACC.acc!);
    expect(performance.now() - started).toBeLessThan(20_000);
    const hub = result.graph.files.find((f) => f.path === "src/hub.ts");
    expect(hub?.imports).toHaveLength(10_000);
    expect(new Set(hub?.imports.map((i) => i.target))).toEqual(
      new Set(Array.from({ length: 50 }, (_, i) => `src/m${i}.ts`)),
    );
  });

  it("resolves imports across 200 nested folders", () => {
    const deep = `${Array.from({ length: 200 }, (_, i) => `d${i}`).join("/")}/leaf.ts`;
    const result = runAcc(
      snapshotOf({
        ...OK_FILES,
        [deep]: `import { b } from "${"../".repeat(200)}src/b";\nexport const leaf = b;\n`,
      }),
      ACC.acc!,
    );
    expect(result.graph.files.find((f) => f.path === deep)?.imports[0]?.target).toBe("src/b.ts");
  });

  it("reports a TypeScript syntax error with file and line, and analyses the rest", () => {
    const result = runAcc(
      snapshotOf({ ...OK_FILES, "src/broken.ts": "export const = ;\nimport {\n" }),
      ACC.acc!,
    );
    expect(result.notices).toContainEqual(
      expect.objectContaining({ kind: "parse-error", file: "src/broken.ts", line: expect.any(Number) }),
    );
    expectStillAnalysed(result);
  });
});

describe("bad behaviour contracts (engine)", () => {
  const STEPS = "import { Given } from '@cucumber/cucumber';\nGiven('a user', () => {});\n";
  const SPEC =
    "openapi: 3.0.0\ninfo: { title: users, version: 1.0.0 }\npaths:\n  /users:\n    get:\n      responses:\n        '200': { description: ok }\n";

  it("reports every Gherkin syntax error with its line", () => {
    const head = snapshotOf({
      "features/users.feature":
        "Feature: users\n  Scenario: one\n    Given a user\n  This line is not Gherkin\n    Then\n",
      "features/steps.ts": STEPS,
      "api/users.yaml": SPEC,
    });
    const result = runBdv({ head, config: BDV.bdv! });
    const parse = result.findings.filter((f) => f.type === "gherkin-parse-error");
    expect(parse.length).toBeGreaterThan(0);
    expect(parse[0]).toMatchObject({
      file: "features/users.feature",
      line: expect.any(Number),
      severity: "error",
    });
  });

  it("reports an OpenAPI document that is not valid YAML as an invalid contract", () => {
    const head = snapshotOf({
      "features/users.feature": "Feature: users\n  Scenario: one\n    Given a user\n",
      "features/steps.ts": STEPS,
      "api/users.yaml": "openapi: 3.0.0\npaths: [unclosed\n",
    });
    const result = runBdv({ head, config: BDV.bdv! });
    expect(result.findings).toContainEqual(
      expect.objectContaining({ type: "invalid-contract", file: "api/users.yaml", severity: "error" }),
    );
  });

  it("reports a contract whose spec file does not exist", () => {
    const head = snapshotOf({ "features/users.feature": "Feature: users\n", "features/steps.ts": STEPS });
    const result = runBdv({ head, config: BDV.bdv! });
    expect(result.findings).toContainEqual(
      expect.objectContaining({ type: "invalid-contract", severity: "error" }),
    );
  });

  it("survives a $ref cycle in the OpenAPI document without hanging", () => {
    const cyclic = `${SPEC}components:
  schemas:
    A: { $ref: "#/components/schemas/B" }
    B: { $ref: "#/components/schemas/A" }
    Node:
      type: object
      properties:
        next: { $ref: "#/components/schemas/Node" }
`;
    const base = snapshotOf({
      "features/users.feature": "Feature: users\n",
      "features/steps.ts": STEPS,
      "api/users.yaml": cyclic,
    });
    const head = snapshotOf({
      "features/users.feature": "Feature: users\n",
      "features/steps.ts": STEPS,
      "api/users.yaml": cyclic.replace("'200': { description: ok }", "'201': { description: created }"),
    });
    const started = performance.now();
    const result = runBdv({ head, base, config: BDV.bdv! });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.summary.coverage.map((c) => c.contract)).toEqual(["users"]);
    expect(result.findings.some((f) => f.type === "breaking-change")).toBe(true);
  });
});

describe("odd repository entries (CLI on real git repositories)", () => {
  const repos: GitRepo[] = [];
  afterAll(() => {
    for (const repo of repos) repo.cleanup();
  });

  async function check(files: Parameters<GitRepo["commit"]>[1]) {
    const repo = GitRepo.create();
    repos.push(repo);
    repo.commit("base", { ".github/maestro-hive.yml": "acc: {}\n", ...OK_FILES, ...files });
    const io = memoryIo(repo.dir);
    const code = await main(["check", repo.dir, "--base", "HEAD", "--format", "json"], io);
    return {
      code,
      json: JSON.parse(io.stdout.join("")) as {
        verdict: string;
        notices?: Array<{ kind: string; file: string }>;
      },
      stderr: io.stderr.join("\n"),
    };
  }

  it("reports a symlink loop as skipped and checks the rest", async () => {
    const { code, json } = await check({
      "src/loop-a.ts": { symlink: "loop-b.ts" },
      "src/loop-b.ts": { symlink: "loop-a.ts" },
    });
    expect(code).toBe(0);
    expect(json.verdict).toBe("pass");
    expect(JSON.stringify(json)).toMatch(/symlink/);
  });

  it("reports a submodule as skipped", async () => {
    const { code, json } = await check({ vendor: { submodule: "0123456789abcdef0123456789abcdef01234567" } });
    expect(code).toBe(0);
    expect(JSON.stringify(json)).toMatch(/submodule/);
  });

  it("reports a Git LFS pointer as skipped, not as source", async () => {
    const pointer =
      "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n";
    const { code, json } = await check({ "src/model.ts": pointer });
    expect(code).toBe(0);
    expect(JSON.stringify(json)).toMatch(/lfs/i);
  });
});
