/**
 * import-linter contracts adopted as ACC rules, on reduced real configs and package shapes
 * (test/fixtures/import-linter, see its SOURCE.md). The verdicts of the kedro and wemake
 * fixtures are import-linter 1.10's own (scripts/accuracy/importlinter_truth.py).
 */
import { describe, expect, it } from "vitest";
import { policyFilesFrom, policyFilesOf, withAdoptedRules } from "../../../../src/core/acc/adopt/index.ts";
import { runAcc } from "../../../../src/core/acc/index.ts";
import { analyze } from "../../../../src/core/analyze.ts";
import { loadConfig } from "../../../../src/core/config/load.ts";
import { snapshotOf } from "../../snapshot-builder.ts";
import { fixtureFiles, fixtureSnapshot } from "../fixture-snapshot.ts";
import { accConfig } from "../rules/harness.ts";

const NO_RULES = accConfig("acc: {}\n");

/** Adopt the fixture's own config and run ACC: [rule, file, target] per finding, and adoption's notices. */
async function adoptAndRun(name: string) {
  const snapshot = fixtureSnapshot(`import-linter/${name}`);
  const adopted = await withAdoptedRules(NO_RULES, policyFilesOf(snapshot));
  const result = runAcc(snapshot, adopted.config);
  return {
    rules: adopted.config.rules,
    notices: adopted.notices,
    findings: result.findings.map((finding) => [finding.rule, finding.file, finding.target]),
  };
}

async function adoptFrom(texts: Record<string, string>) {
  return withAdoptedRules(NO_RULES, policyFilesFrom(texts));
}

describe("import-linter contracts, adopted", () => {
  it("kedro's pyproject.toml: layers with containers and ignore_imports, independence, forbidden — indirect by default", async () => {
    const run = await adoptAndRun("kedro-pyproject");
    expect(run.rules.map((rule) => rule.id)).toEqual([
      "importlinter:CLI-Context-Library-Runner-Extras-IO-Pipeline",
      "importlinter:Pipeline-and-IO-are-independent",
      "importlinter:Config-cannot-import-Runner-et-al",
    ]);
    // import-linter 1.10: layers broken (config -> pipeline through kedro.utils), independence
    // broken (io -> pipeline), forbidden broken (config -> pipeline through kedro.utils); the
    // exempted runner.task -> framework.project import is no violation.
    expect(run.findings).toEqual([
      [
        "importlinter:CLI-Context-Library-Runner-Extras-IO-Pipeline",
        "kedro/config/__init__.py",
        "kedro/pipeline/__init__.py",
      ],
      ["importlinter:Pipeline-and-IO-are-independent", "kedro/io/__init__.py", "kedro/pipeline/__init__.py"],
      [
        "importlinter:Config-cannot-import-Runner-et-al",
        "kedro/config/__init__.py",
        "kedro/pipeline/__init__.py",
      ],
    ]);
  });

  it("wemake's .importlinter: external forbidden packages, ignore_imports, exclude_type_checking_imports", async () => {
    const run = await adoptAndRun("wemake-importlinter");
    // Kept: naming imports oop only under TYPE_CHECKING. Broken: logic.tokens imports pygments;
    // checker -> flake8 is exempted.
    expect(run.findings).toEqual([
      ["importlinter:api-restrictions", "wemake_python_styleguide/logic/tokens.py", "pygments"],
    ]);
    const withTypeChecking = await withAdoptedRules(
      NO_RULES,
      policyFilesFrom({
        ".importlinter": fixtureFiles("import-linter/wemake-importlinter")[".importlinter"]!.replace(
          "exclude_type_checking_imports = True\n",
          "",
        ),
      }),
    );
    const result = runAcc(fixtureSnapshot("import-linter/wemake-importlinter"), withTypeChecking.config);
    expect(result.findings.map((finding) => [finding.rule, finding.file, finding.target])).toContainEqual([
      "importlinter:violation-independence",
      "wemake_python_styleguide/violations/naming.py",
      "wemake_python_styleguide/violations/oop.py",
    ]);
  });

  it("import-linter 2 types in setup.cfg: layers with | siblings, optional layer, containers, exhaustive; protected; acyclic_siblings", async () => {
    const run = await adoptAndRun("shop-setupcfg");
    expect(run.findings).toEqual([
      ["importlinter:layers", null, "shop.orders.extra"],
      ["importlinter:layers", "shop/orders/domain.py", "shop/orders/adapters.py"],
      ["importlinter:models-protected", "shop/billing/adapters.py", "shop/orders/models.py"],
      ["importlinter:models-protected", "shop/orders/extra.py", "shop/orders/models.py"],
      ["importlinter:acyclic", "shop/billing/adapters.py", "shop.orders"],
    ]);
    // A custom contract type is Python code: never run, named in a notice.
    expect(run.notices).toContainEqual({
      file: "setup.cfg",
      line: 41,
      kind: "adopt-unsupported",
      message:
        'import-linter contract "A custom contract": contract type "shop_contracts.NoPrints" is not one import-linter ships: not enforced',
    });
  });

  it("reads setup.cfg before .importlinter before pyproject.toml, as import-linter does", async () => {
    const contract = (name: string) =>
      `[importlinter]\nroot_package = app\n\n[importlinter:contract:${name}]\nname = ${name}\ntype = independence\nmodules =\n    app.a\n    app.b\n`;
    const adopted = await adoptFrom({
      "setup.cfg": "[metadata]\nname = app\n",
      ".importlinter": contract("from-importlinter"),
      "pyproject.toml": '[tool.importlinter]\nroot_package = "app"\n',
    });
    expect(adopted.config.rules.map((rule) => rule.id)).toEqual(["importlinter:from-importlinter"]);
  });

  it("maps each option: allow_indirect_imports, as_packages, unmatched alerting, wildcards, external ignores", async () => {
    const adopted = await adoptFrom({
      "pyproject.toml": `[tool.importlinter]
root_packages = ["app"]
include_external_packages = true

[[tool.importlinter.contracts]]
id = "no-db"
name = "UI may not use the DB"
type = "forbidden"
source_modules = ["app.ui.*"]
forbidden_modules = ["app.db", "sqlalchemy"]
allow_indirect_imports = true
as_packages = false
ignore_imports = ["app.ui.**.legacy -> sqlalchemy"]
unmatched_ignore_imports_alerting = "warn"
`,
    });
    expect(adopted.config.rules).toEqual([
      expect.objectContaining({
        id: "importlinter:no-db",
        type: "forbidden",
        description: "UI may not use the DB",
        from: ["module:app.ui.*"],
        to: ["module:app.db", "package:sqlalchemy"],
        indirect: false,
        asPackages: false,
        overlapping: "skip",
        ignoreKinds: ["dynamic"],
        exempt: [{ from: "module:app.ui.**.legacy", to: "package:sqlalchemy" }],
        unmatchedExemptions: "warning",
      }),
    ]);
  });

  it("a contract import-linter refuses is a notice with file and line, never a silent gap", async () => {
    const adopted = await adoptFrom({
      ".importlinter": `[importlinter]
root_package = app

[importlinter:contract:ext]
name = External without include_external_packages
type = forbidden
source_modules = app
forbidden_modules = requests

[importlinter:contract:bad-layer]
name = Mixed siblings
type = layers
layers =
    high
    a | b : c
    low
`,
    });
    expect(adopted.config.rules).toEqual([]);
    expect(adopted.notices.map((notice) => [notice.kind, notice.line, notice.message])).toEqual([
      [
        "adopt-invalid",
        8,
        'import-linter contract "External without include_external_packages": forbidden_modules: "requests" is outside the root packages, which needs include_external_packages = True (import-linter refuses this contract): not enforced',
      ],
      [
        "adopt-invalid",
        13,
        'import-linter contract "Mixed siblings": layers: "a | b : c": a layer cannot mix independent ("|") and non-independent (":") siblings (import-linter refuses this contract): not enforced',
      ],
    ]);
  });

  it("a peer config that does not parse is a notice naming the file and line", async () => {
    const ini = await adoptFrom({ ".importlinter": "root_package = app\n[importlinter]\n" });
    expect(ini.notices).toEqual([
      {
        file: ".importlinter",
        line: 1,
        kind: "adopt-invalid",
        message:
          ".importlinter cannot be read as INI: a key before any [section] header (configparser refuses the file)",
      },
    ]);
    const toml = await adoptFrom({ "pyproject.toml": '[tool.importlinter]\nroot_package = "app\n' });
    expect(toml.notices).toEqual([
      expect.objectContaining({ file: "pyproject.toml", line: 2, kind: "adopt-invalid" }),
    ]);
    expect(toml.notices[0]?.message).toMatch(/^pyproject\.toml cannot be read as TOML: /);
  });

  it("an option no contract type has is named, not dropped silently", async () => {
    const adopted = await adoptFrom({
      ".importlinter":
        "[importlinter]\nroot_package = app\n\n[importlinter:contract:x]\nname = X\ntype = independence\nmodules =\n    app.a\n    app.b\nallow_indirect_imports = True\n",
    });
    expect(adopted.config.rules.map((rule) => rule.id)).toEqual(["importlinter:x"]);
    expect(adopted.notices[0]).toEqual({
      file: ".importlinter",
      line: 10,
      kind: "adopt-unsupported",
      message:
        'import-linter contract "X": option "allow_indirect_imports" is not an option of independence contracts: ignored',
    });
  });
});

describe("analyze with adopted contracts", () => {
  const config = (() => {
    const loaded = loadConfig("acc: {}\n", ".github/maestro-hive.yml");
    if (!loaded.ok) throw new Error("config");
    return loaded.config;
  })();
  const now = new Date("2026-12-06T00:00:00Z");

  it("reads the contracts from the policy files, not from the analysed head", async () => {
    const files = fixtureFiles("import-linter/kedro-pyproject");
    // The head deletes the forbidden contract; the policy commit (the base) still has it.
    const weakened = files["pyproject.toml"]!.split('[[tool.importlinter.contracts]]\nname = "Config')[0]!;
    const head = snapshotOf({ ...files, "pyproject.toml": weakened });
    const result = await analyze({
      head,
      config,
      now,
      policy: policyFilesOf(fixtureSnapshot("import-linter/kedro-pyproject")),
    });
    expect(result.streams.acc.findings.map((finding) => finding.rule)).toContain(
      "importlinter:Config-cannot-import-Runner-et-al",
    );
    const fromHead = await analyze({ head, config, now });
    expect(fromHead.streams.acc.findings.map((finding) => finding.rule)).not.toContain(
      "importlinter:Config-cannot-import-Runner-et-al",
    );
    expect(fromHead.streams.acc.passed).toBe(false);
  });

  it("acc.adopt: false turns adoption off", async () => {
    const loaded = loadConfig("acc:\n  adopt: false\n", ".github/maestro-hive.yml");
    if (!loaded.ok) throw new Error("config");
    const result = await analyze({
      head: fixtureSnapshot("import-linter/kedro-pyproject"),
      config: loaded.config,
      now,
    });
    expect(result.streams.acc.findings).toEqual([]);
    expect(result.notices.filter((notice) => notice.kind === "adopted-rules")).toEqual([]);
  });
});
