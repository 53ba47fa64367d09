import { describe, expect, it } from "vitest";
import { createProjectFiles } from "../../../../src/core/acc/graph.ts";
import type { ResolvedImport } from "../../../../src/core/acc/model.ts";
import { ProjectFacts } from "../../../../src/core/acc/project-facts.ts";
import { CompiledSelector, type SelectionContext } from "../../../../src/core/acc/select/compile.ts";
import {
  moduleExpressionProblem,
  moduleExpressionRegex,
} from "../../../../src/core/acc/select/module-expression.ts";
import { parseSelector } from "../../../../src/core/acc/select/parse.ts";
import type { SelectorValue } from "../../../../src/core/acc/select/schema.ts";
import type { ConfigIssue } from "../../../../src/core/config/validate.ts";
import { snapshotOf } from "../helpers.ts";

function selection(paths: string[], facts = ProjectFacts.ofPaths(paths)): SelectionContext {
  return {
    names: paths,
    component: paths.map((path) => (path.startsWith("app/ui/") ? "ui" : null)),
    language: paths.map((path) => (path.endsWith(".py") ? "python" : "typescript")),
    moduleName: (node) => facts.moduleName(paths[node]!),
    declaredClasses: () => [],
  };
}

function compile(value: SelectorValue, ctx: SelectionContext, options = {}) {
  const issues: ConfigIssue[] = [];
  const selector = parseSelector(value, [], { components: new Set(["ui"]) }, issues);
  expect(issues).toEqual([]);
  return new CompiledSelector(selector, ctx, options);
}

function matching(selector: CompiledSelector, ctx: SelectionContext) {
  return ctx.names.flatMap((path, node) => {
    const match = selector.file(node);
    return match === null ? [] : [{ path, bindings: match.bindings }];
  });
}

describe("selectors", () => {
  const paths = [
    "app/ui/page.ts",
    "packages/billing/src/index.ts",
    "packages/billing/src/internal/charge.ts",
    "packages/audit/src/internal/log.ts",
    "src/legacy/old.ts",
    "src/new.ts",
  ];
  const ctx = selection(paths);

  it("glob captures bind one path-segment part, and a bound capture matches only its value", () => {
    const from = compile("glob:packages/{pkg}/src/**", ctx);
    expect(matching(from, ctx).map((m) => m.bindings)).toEqual([
      { pkg: "billing" },
      { pkg: "billing" },
      { pkg: "audit" },
    ]);
    const to = compile({ glob: "packages/*/src/internal/**", not: "glob:packages/{pkg}/**" }, ctx, {
      outerNames: from.captureNames(),
    });
    expect(matching(to.bound({ pkg: "billing" }), ctx).map((m) => m.path)).toEqual([
      "packages/audit/src/internal/log.ts",
    ]);
  });

  it("regex groups are $1 on the other side (dependency-cruiser), a list of regexes is one alternation", () => {
    const from = compile("regex:^packages/([^/]+)/", ctx);
    expect(from.file(1)!.bindings).toMatchObject({ "1": "billing" });
    const to = compile({ regex: ["^packages/[^/]+/src/internal/"], not: "regex:^packages/$1/" }, ctx, {
      outerNames: from.captureNames(),
    });
    expect(matching(to.bound(from.file(1)!.bindings), ctx).map((m) => m.path)).toEqual([
      "packages/audit/src/internal/log.ts",
    ]);
    const either = compile({ regex: ["^src/(new)", "^app/(ui)/"] }, ctx);
    expect(either.file(0)!.bindings).toMatchObject({ "2": "ui" });
  });

  it("units: each component, each capture value, each term of a list", () => {
    const units = compile(["ui", "glob:packages/{pkg}/**", "glob:src/**"], ctx);
    const unitOf = (node: number) => units.file(node)?.unit;
    expect(unitOf(1)).toBe(unitOf(2));
    expect(unitOf(1)).not.toBe(unitOf(3));
    expect(unitOf(4)).toBe(unitOf(5));
    expect(new Set(paths.map((_, node) => unitOf(node))).size).toBe(4);
  });

  it("packages: exact names include deep imports, wildcards match names", () => {
    const edge = (specifier: string, external: string): ResolvedImport => ({
      specifier,
      line: 1,
      kind: "import",
      target: null,
      external,
    });
    const lodash = compile("package:lodash", ctx);
    expect(lodash.package(0, edge("lodash/fp", "lodash"))).toBe("lodash");
    expect(lodash.package(0, edge("lodash-es", "lodash-es"))).toBeNull();
    const scoped = compile("package:@org/*", ctx);
    expect(scoped.package(0, edge("@org/ui/button", "@org/ui"))).toBe("@org/ui");
    expect(scoped.package(0, edge("@other/ui", "@other/ui"))).toBeNull();
  });
});

describe("Python module expressions (import-linter's wildcard rules)", () => {
  it.each([
    ["mypackage.*", "mypackage.foo", true],
    ["mypackage.*", "mypackage.foo.bar", false],
    ["mypackage.*.baz", "mypackage.foo.baz", true],
    ["mypackage.*.baz", "mypackage.foo.bar.baz", false],
    ["mypackage.*.*", "mypackage.foobar.baz", true],
    ["mypackage.**", "mypackage.foo.bar.baz", true],
    ["mypackage.**", "mypackage", false],
    ["mypackage.**.qux", "mypackage.foo.bar.baz.qux", true],
  ])("%s matches %s: %s", (expression, module, expected) => {
    expect(moduleExpressionRegex(expression).test(module)).toBe(expected);
  });

  it.each(["mypackage.foo*", ".foo", "foo.", "foo..bar", "foo.***", "foo.*.**.bar", "foo.**.**.bar"])(
    "%s is not a valid expression",
    (expression) => {
      expect(moduleExpressionProblem(expression)).not.toBeNull();
    },
  );

  it("module names come from the source roots of the project layout", () => {
    const snapshot = snapshotOf({
      "pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["lib"]\n',
      "lib/shop/__init__.py": "",
      "lib/shop/orders/api.py": "",
      "tests/test_api.py": "",
      "web/app.ts": "",
    });
    const facts = new ProjectFacts(createProjectFiles(snapshot.files));
    expect(facts.moduleName("lib/shop/__init__.py")).toBe("shop");
    expect(facts.moduleName("lib/shop/orders/api.py")).toBe("shop.orders.api");
    expect(facts.moduleName("tests/test_api.py")).toBe("tests.test_api");
    expect(facts.moduleName("web/app.ts")).toBeNull();
    const names = ["lib/shop/__init__.py", "lib/shop/orders/api.py", "tests/test_api.py"];
    const ctx = selection(names, facts);
    // As packages (import-linter's default), `shop` is the package and everything below it.
    expect(matching(compile("module:shop", ctx), ctx).map((m) => m.path)).toEqual(names.slice(0, 2));
    expect(matching(compile("module:shop", ctx, { asPackages: false }), ctx).map((m) => m.path)).toEqual(
      names.slice(0, 1),
    );
  });
});
