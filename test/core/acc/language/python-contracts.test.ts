import { describe, expect, it } from "vitest";
import { pairs, runOn } from "../rules/harness.ts";

/**
 * A Python project in the shape import-linter users write contracts for: a src layout, a
 * package with two features that repeat the same layers, and a TYPE_CHECKING import.
 */
const SHOP = {
  "pyproject.toml": '[project]\nname = "shop"\ndependencies = ["django>=4"]\n',
  "src/shop/__init__.py": "",
  "src/shop/utils.py": "from shop.orders.api import views\n",
  "src/shop/orders/__init__.py": "",
  "src/shop/orders/api/__init__.py": "",
  "src/shop/orders/api/views.py": "from shop.orders.domain import model\n",
  "src/shop/orders/domain/__init__.py": "",
  "src/shop/orders/domain/model.py": [
    "from typing import TYPE_CHECKING",
    "from shop import utils",
    "if TYPE_CHECKING:",
    "    from shop.orders.api.views import View",
  ].join("\n"),
  "src/shop/orders/data/__init__.py": "",
  "src/shop/orders/data/repo.py": "import django\n",
  "src/shop/billing/__init__.py": "",
  "src/shop/billing/api/__init__.py": "",
  "src/shop/billing/api/views.py": "from shop.orders.api import views\n",
  "src/shop/billing/domain/__init__.py": "",
  "src/shop/billing/domain/model.py": "",
  "src/shop/billing/scripts.py": "",
};

describe("import-linter contracts as rules", () => {
  it("layers in containers: chains through unlisted modules, TYPE_CHECKING imports left out on request", () => {
    const yaml = (extra: string) => `acc:
  rules:
    - id: layered
      type: layers
      containers: ["module:shop.orders", "module:shop.billing"]
      layers: [api, domain, { layer: data, optional: true }]
${extra}`;
    // The TYPE_CHECKING import of line 4 is direct (and wins over the chain through utils)...
    expect(pairs(runOn(SHOP, yaml("")).findings)).toEqual([
      { file: "src/shop/orders/domain/model.py", line: 4, target: "src/shop/orders/api/views.py" },
    ]);
    // ... unless type-checking imports are left out (import-linter exclude_type_checking_imports).
    const runtime = runOn(SHOP, yaml("      ignoreKinds: [type-checking]\n"));
    expect(pairs(runtime.findings)).toEqual([
      {
        file: "src/shop/orders/domain/model.py",
        line: 2,
        target: "src/shop/orders/api/views.py",
        via: ["src/shop/utils.py"],
      },
    ]);
    expect(runtime.findings[0]!.message).toBe(
      "src/shop/orders/domain/model.py (domain) imports src/shop/orders/api/views.py (api) indirectly (2 imports: " +
        "src/shop/orders/domain/model.py → src/shop/utils.py → src/shop/orders/api/views.py): " +
        'layer "domain" may not depend on the higher layer "api" (api > domain > (data))',
    );
    const direct = runOn(SHOP, yaml("      indirect: false\n      ignoreKinds: [type-checking]\n"));
    expect(pairs(direct.findings)).toEqual([]);
  });

  it("a required layer missing from a container and an unlisted child of an exhaustive container are findings", () => {
    const result = runOn(
      SHOP,
      `acc:
  rules:
    - id: layered
      type: layers
      containers: ["module:shop.orders", "module:shop.billing"]
      layers: [api, domain, data]
      exhaustive: true
      exhaustiveIgnores: [utils]
      indirect: false
`,
    );
    expect(result.findings.map(({ file, target, message }) => ({ file, target, message }))).toEqual([
      {
        file: null,
        target: "shop.billing.data",
        message:
          'layer "data" in container "shop.billing" matches no file; mark it optional if it may be absent',
      },
      {
        file: null,
        target: "shop.billing.scripts",
        message:
          '"shop.billing.scripts" is not listed as a layer (the rule is exhaustive: every child of "shop.billing" must be a layer or in exhaustiveIgnores)',
      },
      {
        file: "src/shop/orders/domain/model.py",
        target: "src/shop/orders/api/views.py",
        message: expect.any(String),
      },
    ]);
  });

  it("independent siblings in one layer (a | b) may not import each other; siblings (a : b) may", () => {
    const yaml = (key: string) => `acc:
  rules:
    - id: features
      type: layers
      layers: ["module:shop.utils", { ${key}: ["module:shop.orders", "module:shop.billing"] }]
      indirect: false
`;
    const upwards = { file: "src/shop/orders/domain/model.py", line: 2, target: "src/shop/utils.py" };
    expect(pairs(runOn(SHOP, yaml("independent")).findings)).toEqual([
      { file: "src/shop/billing/api/views.py", line: 1, target: "src/shop/orders/api/views.py" },
      upwards,
    ]);
    expect(pairs(runOn(SHOP, yaml("siblings")).findings)).toEqual([upwards]);
  });

  it("independence with a module wildcard, and forbidden with overlapping modules skipped", () => {
    const result = runOn(
      SHOP,
      `acc:
  rules:
    - { id: independent, type: independence, modules: "module:shop.*" , ignoreKinds: [type-checking] }
    - id: orders-not-siblings
      type: forbidden
      from: "module:shop.orders"
      to: "module:shop.*"
      overlapping: skip
      indirect: false
`,
    );
    expect(pairs(result.findings, "independent")).toEqual([
      { file: "src/shop/billing/api/views.py", line: 1, target: "src/shop/orders/api/views.py" },
      { file: "src/shop/orders/domain/model.py", line: 2, target: "src/shop/utils.py" },
      { file: "src/shop/utils.py", line: 1, target: "src/shop/orders/api/views.py" },
    ]);
    expect(pairs(result.findings, "orders-not-siblings")).toEqual([
      { file: "src/shop/orders/domain/model.py", line: 2, target: "src/shop/utils.py" },
    ]);
  });

  it("protected modules and acyclic siblings", () => {
    const result = runOn(
      SHOP,
      `acc:
  rules:
    - id: orders-api-protected
      type: protected
      modules: "module:shop.orders.api"
      allowedImporters: "module:shop.utils"
    - id: acyclic
      type: acyclic-siblings
      ancestors: ["module:shop"]
      ignoreKinds: [type-checking]
`,
    );
    expect(pairs(result.findings, "orders-api-protected")).toEqual([
      { file: "src/shop/billing/api/views.py", line: 1, target: "src/shop/orders/api/views.py" },
      { file: "src/shop/orders/domain/model.py", line: 4, target: "src/shop/orders/api/views.py" },
    ]);
    const cycles = result.findings.filter((finding) => finding.rule === "acyclic");
    expect(cycles.map(({ members, message }) => ({ members, message }))).toEqual([
      {
        members: ["shop.orders", "shop.utils"],
        message: "the children of shop depend on each other in a cycle: orders → utils → orders",
      },
    ]);
  });
});
