/**
 * dependency-cruiser adoption on committed fixtures (test/fixtures/acc/depcruise): one rule
 * per mapped kind, checked against the findings dependency-cruiser 18.7.2 gives on the same
 * files (listed in PEER below; the peer itself does not run in CI), and split configs read
 * statically (require of presets, spreads, extends of dependency-cruiser's own presets).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { adoptDependencyCruiser } from "../../../../src/core/acc/adopt/dependency-cruiser.ts";
import { policyFilesOf, withAdoptedRules } from "../../../../src/core/acc/adopt/index.ts";
import { runAcc } from "../../../../src/core/acc/index.ts";
import type { Finding } from "../../../../src/core/findings.ts";
import { snapshotOf } from "../helpers.ts";
import { accConfig } from "../rules/harness.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/acc/depcruise");

function filesOf(name: string): Record<string, string> {
  const root = join(FIXTURES, name);
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[relative(root, path)] = readFileSync(path, "utf8");
    }
  };
  walk(root);
  return out;
}

async function adoptAndRun(files: Record<string, string>, yaml = 'acc:\n  include: ["src/**", "test/**"]\n') {
  const snapshot = snapshotOf(files);
  const adopted = await withAdoptedRules(accConfig(yaml), policyFilesOf(snapshot));
  const result = runAcc(snapshot, adopted.config);
  return { adopted, result };
}

/** `rule severity from -> to` for every finding of an adopted rule, sorted (orphans etc.: `from`). */
function pairs(findings: readonly Finding[]): string[] {
  return findings
    .filter((finding) => finding.rule.startsWith("depcruise:"))
    .map((finding) => {
      const name = finding.rule.slice("depcruise:".length);
      const moduleLevel = ["orphans", "unreachable", "required"].includes(finding.type);
      const target =
        finding.target === null || moduleLevel ? "" : ` -> ${finding.target.replace(/^node:/, "")}`;
      return `${name} ${finding.severity} ${finding.file}${target}`;
    })
    .sort();
}

/** What dependency-cruiser 18.7.2 reports on the rule-kinds fixture (packages by name, core modules without node:). */
const PEER = [
  "controllers-extend-base warning src/controllers/order-controller.ts",
  "domain-types-only-to-ui error src/domain/orders.ts -> src/ui/page.ts",
  "no-circular error src/domain/orders.ts -> src/ui/page.ts",
  "no-circular error src/ui/page.ts -> src/domain/orders.ts",
  "no-duplicate-dep-types warning src/domain/orders.ts -> yaml",
  "no-non-package-json error src/db/repository.ts -> zod",
  "no-orphans warning src/legacy/old.ts",
  "not-in-allowed info src/db/repository.ts -> zod",
  "not-in-allowed info src/domain/orders.ts -> ./missing.ts",
  "not-in-allowed info src/domain/orders.ts -> vitest",
  "not-to-dev-dep error src/domain/orders.ts -> vitest",
  "not-to-dev-dep error src/domain/orders.ts -> yaml",
  "not-to-unresolvable error src/domain/orders.ts -> ./missing.ts",
  "packages-stay-apart error src/packages/alpha/index.ts -> src/packages/beta/index.ts",
  "ui-not-reaching-db warning src/ui/page.ts -> src/db/client.ts",
  "ui-not-reaching-db warning src/ui/page.ts -> src/db/repository.ts",
  "ui-not-reaching-db warning src/ui/page.ts -> src/db/types.ts",
  "ui-not-to-db error src/ui/page.ts -> src/db/client.ts",
  "use-assert-strict error src/db/client.ts -> assert",
  "use-assert-strict error src/main.ts -> assert",
];

describe("dependency-cruiser adoption: one rule per kind", () => {
  it("gives the findings dependency-cruiser gives, rule by rule and pair by pair", async () => {
    const { result } = await adoptAndRun(filesOf("rule-kinds"));
    expect(pairs(result.findings)).toEqual(PEER);
  });

  it("names what it cannot express, and drops rules switched off with severity ignore", async () => {
    const { adopted } = await adoptAndRun(filesOf("rule-kinds"));
    const ids = adopted.config.rules.map((rule) => rule.id);
    expect(ids).not.toContain("depcruise:switched-off");
    expect(ids).not.toContain("depcruise:no-gpl");
    expect(adopted.notices.map((notice) => notice.message)).toContainEqual(
      expect.stringMatching(/rule "no-gpl" is not enforced: to\.license cannot be expressed/),
    );
    const notice = adopted.notices.find((n) => n.message.includes('"no-gpl"'))!;
    expect(notice.file).toBe(".dependency-cruiser.json");
  });

  it("a new import is judged as dependency-cruiser would: pathNot exempts, type-only is left out where dependencyTypesNot says so", async () => {
    const files = filesOf("rule-kinds");
    const mutated = {
      ...files,
      // ui-not-to-db: pathNot exempts types.ts (already imported) — a value import of db/repository is new.
      "src/ui/list.ts":
        'import type { Row } from "../db/types.ts";\nimport { repository } from "../db/repository.ts";\nexport const list = (): Row[] => repository() as Row[];\n',
      // domain-types-only-to-ui: a type-only import is fine, a value import is not.
      "src/domain/labels.ts":
        'import type { PageProps } from "../ui/props.ts";\nimport { list } from "../ui/list.ts";\nexport const labels = (p: PageProps) => [p, list];\n',
      "src/main.ts": `${files["src/main.ts"]}import { labels } from "./domain/labels.ts";\nvoid labels;\n`,
    };
    const { result } = await adoptAndRun(mutated);
    const added = pairs(result.findings).filter((pair) => !PEER.includes(pair));
    expect(added).toEqual([
      "domain-types-only-to-ui error src/domain/labels.ts -> src/ui/list.ts",
      "ui-not-reaching-db warning src/ui/list.ts -> src/db/client.ts",
      "ui-not-reaching-db warning src/ui/list.ts -> src/db/repository.ts",
      "ui-not-reaching-db warning src/ui/list.ts -> src/db/types.ts",
      "ui-not-to-db error src/ui/list.ts -> src/db/repository.ts",
    ]);
  });

  it("acc.adopt: false adopts nothing", async () => {
    const { adopted } = await adoptAndRun(filesOf("rule-kinds"), "acc:\n  adopt: false\n");
    expect(adopted.config.rules).toEqual([]);
  });
});

describe("dependency-cruiser adoption: a config split over files", () => {
  it("follows module.exports = require(…), spreads of another file's rules and extends of a preset, without running them", async () => {
    const { adopted, result } = await adoptAndRun(filesOf("split-config"), 'acc:\n  include: ["src/**"]\n');
    const severities = Object.fromEntries(adopted.config.rules.map((rule) => [rule.id, rule.severity]));
    // recommended-strict makes the preset's rules errors; the config's own no-orphans (info) wins by name.
    expect(severities).toEqual({
      "depcruise:core-not-to-cli": "error",
      "depcruise:no-orphans": "info",
      "depcruise:no-circular": "error",
      "depcruise:no-deprecated-core": "error",
      "depcruise:no-duplicate-dep-types": "error",
      "depcruise:no-non-package-json": "error",
      "depcruise:not-to-unresolvable": "error",
    });
    expect(pairs(result.findings)).toEqual([
      "core-not-to-cli error src/core/run.ts -> src/cli/usage.ts",
      "no-circular error src/core/helper.ts -> src/core/run.ts",
      "no-circular error src/core/run.ts -> src/core/helper.ts",
      "no-orphans info src/core/dead.ts",
    ]);
  });

  it("a rule whose value is computed at run time is not enforced, with a notice naming the file and line", async () => {
    const { adopted } = await adoptAndRun(filesOf("split-config"));
    const notice = adopted.notices.find((n) => n.message.includes('"computed-severity"'));
    expect(notice).toMatchObject({ file: "tools/depcruise/layers.cjs", line: 10, kind: "adopt-unsupported" });
    expect(notice!.message).toContain("tools/depcruise/layers.cjs:12");
    expect(notice!.message).toContain("not a static value");
    // prefix uses process.cwd() too, but it only changes how dependency-cruiser prints: no notice.
    expect(adopted.notices.some((n) => n.message.includes("prefix"))).toBe(false);
  });
});

describe("dependency-cruiser adoption: reading", () => {
  const read = (files: Record<string, string>) => adoptDependencyCruiser((path) => files[path] ?? null);

  it("finds the config under dependency-cruiser's own names, in its order", () => {
    expect(read({}).config).toBeNull();
    const rule = { name: "x", from: {}, to: { path: "^a" } };
    expect(
      read({
        ".dependency-cruiser.mjs": `export default { forbidden: [${JSON.stringify(rule)}] };`,
        ".dependency-cruiser.json": JSON.stringify({ forbidden: [rule] }),
      }).config,
    ).toBe(".dependency-cruiser.json");
    expect(
      read({ ".dependency-cruiser.mjs": `export default { forbidden: [${JSON.stringify(rule)}] };` }).rules,
    ).toHaveLength(1);
  });

  it("a config that is not static, circular or broken is a notice naming the file, never a crash", () => {
    const cases: Record<string, string>[] = [
      { ".dependency-cruiser.js": 'import { parse } from "yaml";\nexport default parse("x");\n' },
      { ".dependency-cruiser.js": 'module.exports = { extends: "./.dependency-cruiser.js" };\n' },
      { ".dependency-cruiser.js": "module.exports = {\n" },
      { ".dependency-cruiser.json": "{ not json" },
    ];
    for (const files of cases) {
      const result = read(files);
      expect(result.rules).toEqual([]);
      expect(result.notices).toHaveLength(1);
      expect(result.notices[0]!.kind).toBe("adopt-invalid");
      expect(result.notices[0]!.file).toMatch(/^\.dependency-cruiser\.js(on)?$/);
    }
  });

  it("a config that names a preset file of the repository (dependency-cruiser's own) uses the embedded preset", () => {
    const result = read({
      ".dependency-cruiser.mjs":
        'import { fileURLToPath } from "node:url";\nexport default { extends: fileURLToPath(new URL("configs/recommended-strict.cjs", import.meta.url)) };\n',
      "configs/recommended-strict.cjs":
        'const recommended = require("./recommended.cjs");\nmodule.exports = { ...recommended, forbidden: recommended.forbidden.map((r) => ({ ...r, severity: "error" })) };\n',
    });
    expect(result.rules.map((rule) => rule.name)).toContain("no-circular");
    expect(result.notices.filter((notice) => notice.kind === "adopt-invalid")).toEqual([]);
  });
});

describe("dependency-cruiser adoption: dependencyTypesNot aliased-subpath-import", () => {
  it("leaves out imports written as #subpath (package.json imports), as dependency-cruiser's own config expects", async () => {
    const files = {
      "package.json": JSON.stringify({ name: "app", type: "module", imports: { "#db/*": "./src/db/*" } }),
      ".dependency-cruiser.json": JSON.stringify({
        forbidden: [
          {
            name: "db-via-subpath-only",
            severity: "error",
            from: { pathNot: "^src/db/" },
            to: { path: "^src/db/", dependencyTypesNot: ["aliased-subpath-import"] },
          },
        ],
        options: { tsPreCompilationDeps: true },
      }),
      "src/db/client.ts": "export const query = () => [];\n",
      "src/ui/aliased.ts": 'import { query } from "#db/client.ts";\nexport const a = query;\n',
      "src/ui/relative.ts": 'import { query } from "../db/client.ts";\nexport const r = query;\n',
      "src/ui/both.ts":
        'import { query } from "#db/client.ts";\nimport { query as q } from "../db/client.ts";\nexport const b = [query, q];\n',
    };
    const { adopted, result } = await adoptAndRun(files, 'acc:\n  include: ["src/**"]\n');
    expect(pairs(result.findings)).toEqual([
      "db-via-subpath-only error src/ui/both.ts -> src/db/client.ts",
      "db-via-subpath-only error src/ui/relative.ts -> src/db/client.ts",
    ]);
    expect(adopted.notices.some((notice) => notice.message.includes("aliased-subpath-import"))).toBe(false);
  });
});
