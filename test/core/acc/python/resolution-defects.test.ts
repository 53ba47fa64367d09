/**
 * Python resolution defects found on real repositories (issue 12): fixtures in
 * test/fixtures/python-resolution (see its SOURCE.md).
 */
import { describe, expect, it } from "vitest";
import { runAcc } from "../../../../src/core/acc/index.ts";
import { fixtureSnapshot } from "../fixture-snapshot.ts";
import { accConfig } from "../rules/harness.ts";

const NO_RULES = accConfig("acc: {}\n");

function importsOf(result: ReturnType<typeof runAcc>, path: string) {
  const file = result.graph.files.find((entry) => entry.path === path);
  if (!file) throw new Error(`${path} is not in the graph`);
  return file.imports.map(({ specifier, target, external }) => ({ specifier, target, external }));
}

describe("Python resolution on real layouts", () => {
  it("an absolute import of a library is the library, not a same-named package next to the importer", () => {
    const result = runAcc(fixtureSnapshot("python-resolution/local-shadow"), NO_RULES);
    expect(importsOf(result, "shop/utils/click/options.py")).toEqual([
      { specifier: "click", target: null, external: "click" },
      { specifier: "click", target: null, external: "click" },
    ]);
    expect(importsOf(result, "shop/utils/click/__init__.py")).toEqual([
      { specifier: "click", target: null, external: "click" },
      { specifier: ".options", target: "shop/utils/click/options.py", external: null },
    ]);
    // The wrapper itself is still reached by its full name, and pytest's rootdir insertion still holds.
    expect(importsOf(result, "shop/cli.py")).toEqual([
      { specifier: "shop.utils.click", target: "shop/utils/click/__init__.py", external: null },
    ]);
    expect(importsOf(result, "tests/test_cli.py")).toEqual([
      { specifier: "helpers", target: "tests/helpers.py", external: null },
    ]);
  });

  it("hides no violation behind the shadowing: a rule on the library sees the import", () => {
    const config = accConfig(`acc:
  rules:
    - { id: no-click-in-utils, type: forbidden, from: "module:shop.utils", to: "package:click" }
`);
    const result = runAcc(fixtureSnapshot("python-resolution/local-shadow"), config);
    expect(result.findings.map((finding) => [finding.file, finding.target])).toEqual([
      ["shop/utils/click/__init__.py", "click"],
      ["shop/utils/click/options.py", "click"],
    ]);
  });

  it("analyses a real package named build deep in the source tree, leaves out the top-level build output, and says so", () => {
    const result = runAcc(fixtureSnapshot("python-resolution/build-package"), NO_RULES);
    const paths = result.graph.files.map((file) => file.path);
    expect(paths).toContain("src/pipmini/_internal/operations/build/wheel.py");
    expect(paths.filter((path) => path.startsWith("build/"))).toEqual([]);
    expect(importsOf(result, "src/pipmini/_internal/operations/prepare.py")).toEqual([
      {
        specifier: "pipmini._internal.operations.build.wheel",
        target: "src/pipmini/_internal/operations/build/wheel.py",
        external: null,
      },
    ]);
    expect(result.notices.filter((notice) => notice.kind === "default-excludes")).toEqual([
      {
        file: null,
        kind: "default-excludes",
        message:
          "default excludes left out 2 files in 1 folder: build/ (2) (acc.defaultExcludes: false analyses them)",
      },
    ]);
    const all = runAcc(
      fixtureSnapshot("python-resolution/build-package"),
      accConfig("acc:\n  defaultExcludes: false\n"),
    );
    expect(all.graph.files.map((file) => file.path)).toContain("build/lib/pipmini/stale.py");
    expect(all.notices.filter((notice) => notice.kind === "default-excludes")).toEqual([]);
  });

  it("counts imports that look internal but resolve to nothing in one notice with examples", () => {
    const result = runAcc(fixtureSnapshot("python-resolution/unresolved"), NO_RULES);
    expect(result.notices.filter((notice) => notice.kind === "unresolved-imports")).toEqual([
      {
        file: null,
        kind: "unresolved-imports",
        message:
          '2 imports in 1 file resolve to no file and no package (rules cannot judge them; an `unresolvable` rule reports them): shop/orders.py:2 ".missing_module", shop/orders.py:3 "shop.gone"',
      },
    ]);
  });
});
