import { describe, expect, it } from "vitest";
import { createPythonResolver } from "../../../../src/core/acc/resolve/python.ts";
import { projectFiles, resolveProject } from "./project.ts";

describe("createPythonResolver: packages and modules", () => {
  it("`from pkg import mod` is an edge to pkg/mod.py, so the a <-> b cycle is visible (the original gave -> pkg)", () => {
    const graph = resolveProject({
      "pkg/__init__.py": "",
      "pkg/a.py": "from pkg import b\n",
      "pkg/b.py": "from pkg import a\n",
    });
    expect(graph).toEqual({
      "pkg/a.py": [[1, "import", "pkg.b", "pkg/b.py", null]],
      "pkg/b.py": [[1, "import", "pkg.a", "pkg/a.py", null]],
    });
  });

  it("gives one edge per module name and one collapsed edge to the package for the other names", () => {
    const graph = resolveProject({
      "pkg/__init__.py": "VERSION = 1\n",
      "pkg/mod.py": "",
      "pkg/sub/__init__.py": "",
      "main.py": "from pkg import mod, VERSION, sub, helper, mod\nfrom pkg import VERSION\n",
    });
    expect(graph["main.py"]).toEqual([
      [1, "import", "pkg.mod", "pkg/mod.py", null],
      [1, "import", "pkg", "pkg/__init__.py", null],
      [1, "import", "pkg.sub", "pkg/sub/__init__.py", null],
      [2, "import", "pkg", "pkg/__init__.py", null],
    ]);
  });

  it("resolves `import a.b` to a module or a package, and star imports to the module", () => {
    const graph = resolveProject({
      "a/__init__.py": "",
      "a/b.py": "",
      "a/c/__init__.py": "",
      "a/c/d.py": "",
      "main.py": "import a.b\nimport a.c as c\nimport a.c.d\nfrom a.b import *\nimport a\n",
    });
    expect(graph["main.py"]).toEqual([
      [1, "import", "a.b", "a/b.py", null],
      [2, "import", "a.c", "a/c/__init__.py", null],
      [3, "import", "a.c.d", "a/c/d.py", null],
      [4, "import", "a.b", "a/b.py", null],
      [5, "import", "a", "a/__init__.py", null],
    ]);
  });

  it("prefers a package directory over a module file of the same name, as CPython does", () => {
    const graph = resolveProject({ "x/__init__.py": "", "x.py": "", "main.py": "import x\n" });
    expect(graph["main.py"]).toEqual([[1, "import", "x", "x/__init__.py", null]]);
  });

  it("ACC-014 / ACC-029: a project package resolves to its __init__.py; stdlib and third party are external", () => {
    const graph = resolveProject({
      "mypackage/__init__.py": "",
      "pkg/__init__.py": "",
      "main.py": [
        "import mypackage",
        "import pkg",
        "import os",
        "import os.path",
        "import requests",
        "from google.cloud import storage",
        "from __future__ import annotations",
        "from collections.abc import Mapping",
        "",
      ].join("\n"),
    });
    expect(graph["main.py"]).toEqual([
      [1, "import", "mypackage", "mypackage/__init__.py", null],
      [2, "import", "pkg", "pkg/__init__.py", null],
      [3, "import", "os", null, "os"],
      [4, "import", "os.path", null, "os"],
      [5, "import", "requests", null, "requests"],
      [6, "import", "google.cloud", null, "google"],
      [7, "import", "__future__", null, "__future__"],
      [8, "import", "collections.abc", null, "collections"],
    ]);
  });

  it("commits to a found package: a missing submodule is unresolved, not external", () => {
    const graph = resolveProject({
      "pkg/__init__.py": "",
      "main.py": "import pkg.missing\nfrom pkg.missing import x\nfrom pkg import missing\n",
    });
    expect(graph["main.py"]).toEqual([
      [1, "import", "pkg.missing", null, null],
      [2, "import", "pkg.missing", null, null],
      [3, "import", "pkg", "pkg/__init__.py", null],
    ]);
  });

  it("does not drop folders whose name contains an excluded word (builder_utils/ is not build/)", () => {
    const graph = resolveProject({
      "builder_utils/__init__.py": "",
      "builder_utils/helpers.py": "",
      "app.py": "from builder_utils import helpers\nimport builder_utils\n",
    });
    expect(graph["app.py"]).toEqual([
      [1, "import", "builder_utils.helpers", "builder_utils/helpers.py", null],
      [2, "import", "builder_utils", "builder_utils/__init__.py", null],
    ]);
  });

  it("keeps the import kind (type, dynamic) on every edge", () => {
    const graph = resolveProject({
      "pkg/__init__.py": "",
      "pkg/models.py": "",
      "pkg/plugins/__init__.py": "",
      "pkg/plugins/csv.py": "",
      "main.py": [
        "if TYPE_CHECKING:",
        "    from pkg import models, Thing",
        'plugin = importlib.import_module("pkg.plugins.csv")',
        'lazy = importlib.import_module(".plugins", __package__)',
        "",
      ].join("\n"),
    });
    expect(graph["main.py"]).toEqual([
      [2, "type", "pkg.models", "pkg/models.py", null],
      [2, "type", "pkg", "pkg/__init__.py", null],
      [3, "dynamic", "pkg.plugins.csv", "pkg/plugins/csv.py", null],
      [4, "dynamic", ".plugins", null, null],
    ]);
  });

  it("falls back to .pyi stubs when there is no .py file", () => {
    const graph = resolveProject({
      "stubs_only/__init__.pyi": "",
      "stubs_only/api.pyi": "",
      "both.py": "",
      "both.pyi": "",
      "main.py": "from stubs_only import api\nimport both\n",
    });
    expect(graph["main.py"]).toEqual([
      [1, "import", "stubs_only.api", "stubs_only/api.pyi", null],
      [2, "import", "both", "both.py", null],
    ]);
  });
});

describe("createPythonResolver: relative imports", () => {
  const files = {
    "pkg/__init__.py": "from . import core\nfrom .core import Engine\nfrom . import VERSION_INFO\n",
    "pkg/core.py": "",
    "pkg/sub/__init__.py": "from . import leaf\nfrom .. import core\n",
    "pkg/sub/leaf.py": [
      "from . import sibling, CONSTANT",
      "from .. import core, helper_name",
      "from ..other.mod import thing",
      "from .missing import x",
      "from ..... import too_far",
      "from ...top import y",
      "",
    ].join("\n"),
    "pkg/sub/sibling.py": "",
    "pkg/other/__init__.py": "",
    "pkg/other/mod.py": "",
    "top.py": "",
  };

  it("resolves against the file's package, with one directory up per extra dot", () => {
    const graph = resolveProject(files);
    expect(graph["pkg/sub/leaf.py"]).toEqual([
      [1, "import", ".sibling", "pkg/sub/sibling.py", null],
      [1, "import", ".", "pkg/sub/__init__.py", null],
      [2, "import", "..core", "pkg/core.py", null],
      [2, "import", "..", "pkg/__init__.py", null],
      [3, "import", "..other.mod", "pkg/other/mod.py", null],
      [4, "import", ".missing", null, null],
      [5, "import", ".....", null, null],
      [6, "import", "...top", "top.py", null],
    ]);
  });

  it("treats pkg/__init__.py as the package pkg itself (`.` is pkg, `..` its parent)", () => {
    const graph = resolveProject(files);
    expect(graph["pkg/__init__.py"]).toEqual([
      [1, "import", ".core", "pkg/core.py", null],
      [2, "import", ".core", "pkg/core.py", null],
      [3, "import", ".", "pkg/__init__.py", null],
    ]);
    expect(graph["pkg/sub/__init__.py"]).toEqual([
      [1, "import", ".leaf", "pkg/sub/leaf.py", null],
      [2, "import", "..core", "pkg/core.py", null],
    ]);
  });

  it("resolves raw relative imports handed in directly (star, and dynamic with __package__)", () => {
    const resolve = createPythonResolver(projectFiles(files));
    expect(
      resolve("pkg/sub/leaf.py", { specifier: "other", line: 9, kind: "import", level: 2, names: ["*"] }),
    ).toEqual([
      { specifier: "..other", line: 9, kind: "import", target: "pkg/other/__init__.py", external: null },
    ]);
    expect(resolve("pkg/sub/leaf.py", { specifier: "sibling", line: 3, kind: "dynamic", level: 1 })).toEqual([
      { specifier: ".sibling", line: 3, kind: "dynamic", target: "pkg/sub/sibling.py", external: null },
    ]);
  });
});

describe("createPythonResolver: source roots", () => {
  it("finds packages in a src/ layout from tests and from inside the package", () => {
    const graph = resolveProject({
      "pyproject.toml": '[project]\nname = "mylib"\n',
      "src/mylib/__init__.py": "",
      "src/mylib/core.py": "from mylib import util\n",
      "src/mylib/util.py": "",
      "tests/test_core.py": "from mylib.core import run\nimport mylib\n",
    });
    expect(graph).toEqual({
      "src/mylib/core.py": [[1, "import", "mylib.util", "src/mylib/util.py", null]],
      "tests/test_core.py": [
        [1, "import", "mylib.core", "src/mylib/core.py", null],
        [2, "import", "mylib", "src/mylib/__init__.py", null],
      ],
    });
  });

  it("reads pyproject.toml: setuptools package-dir and packages.find, poetry, hatch, pdm, pytest pythonpath", () => {
    const graph = resolveProject({
      "pyproject.toml": [
        "[tool.setuptools]",
        'package-dir = { "" = "lib", "renamed" = "code/actual" }',
        "",
        "[tool.setuptools.packages.find]",
        'where = ["extra"]  # comment',
        "",
        "[tool.poetry]",
        'packages = [{ include = "poetic", from = "poetry_src" }]',
        "",
        "[tool.hatch.build.targets.wheel]",
        'packages = ["hatch_src/hatched"]',
        "",
        "[tool.pdm.build]",
        'package-dir = "pdm_src"',
        "",
        "[tool.pytest.ini_options]",
        'pythonpath = ["test_support"]',
        "",
      ].join("\n"),
      "lib/libpkg/__init__.py": "",
      "code/actual/__init__.py": "",
      "code/actual/part.py": "",
      "extra/extrapkg/__init__.py": "",
      "poetry_src/poetic/__init__.py": "",
      "hatch_src/hatched/__init__.py": "",
      "pdm_src/pdmpkg.py": "",
      "test_support/fixtures_helper.py": "",
      "tests/test_all.py": [
        "import libpkg",
        "from renamed import part",
        "import extrapkg",
        "import poetic",
        "import hatched",
        "import pdmpkg",
        "import fixtures_helper",
        "",
      ].join("\n"),
    });
    expect(graph["tests/test_all.py"]).toEqual([
      [1, "import", "libpkg", "lib/libpkg/__init__.py", null],
      [2, "import", "renamed.part", "code/actual/part.py", null],
      [3, "import", "extrapkg", "extra/extrapkg/__init__.py", null],
      [4, "import", "poetic", "poetry_src/poetic/__init__.py", null],
      [5, "import", "hatched", "hatch_src/hatched/__init__.py", null],
      [6, "import", "pdmpkg", "pdm_src/pdmpkg.py", null],
      [7, "import", "fixtures_helper", "test_support/fixtures_helper.py", null],
    ]);
  });

  it("reads setup.cfg package_dir and pytest.ini pythonpath", () => {
    const graph = resolveProject({
      "setup.cfg": "[metadata]\nname = x\n\n[options]\npackage_dir =\n    = source\npackages = find:\n",
      "pytest.ini": "[pytest]\npythonpath = helpers_dir\n",
      "source/cfgpkg/__init__.py": "",
      "helpers_dir/h.py": "",
      "tests/test_x.py": "import cfgpkg\nimport h\n",
    });
    expect(graph["tests/test_x.py"]).toEqual([
      [1, "import", "cfgpkg", "source/cfgpkg/__init__.py", null],
      [2, "import", "h", "helpers_dir/h.py", null],
    ]);
  });

  it("survives a malformed pyproject.toml (its settings are ignored)", () => {
    const graph = resolveProject({
      "pyproject.toml": "[tool.setuptools\npackage-dir = {",
      "src/ok/__init__.py": "",
      "main.py": "import ok\n",
    });
    expect(graph["main.py"]).toEqual([[1, "import", "ok", "src/ok/__init__.py", null]]);
  });

  it("in a monorepo, each project's imports resolve to its own packages first, shared libs from anywhere", () => {
    const graph = resolveProject({
      "services/api/pyproject.toml": "",
      "services/api/app/__init__.py": "",
      "services/api/app/config.py": "",
      "services/api/app/main.py": "import app.config\nfrom common import log\n",
      "services/worker/pyproject.toml": "",
      "services/worker/app/__init__.py": "",
      "services/worker/app/config.py": "",
      "services/worker/app/main.py": "import app.config\n",
      "services/worker/tests/test_main.py": "from app import main\n",
      "libs/common/pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["src"]\n',
      "libs/common/src/common/__init__.py": "",
      "libs/common/src/common/log.py": "",
    });
    expect(graph).toEqual({
      "services/api/app/main.py": [
        [1, "import", "app.config", "services/api/app/config.py", null],
        [2, "import", "common.log", "libs/common/src/common/log.py", null],
      ],
      "services/worker/app/main.py": [[1, "import", "app.config", "services/worker/app/config.py", null]],
      "services/worker/tests/test_main.py": [[1, "import", "app.main", "services/worker/app/main.py", null]],
    });
  });

  it("puts a script's own directory first (python scripts/run.py), but not for stdlib names", () => {
    const graph = resolveProject({
      "scripts/run.py": "import helpers\nimport json\n",
      "scripts/helpers.py": "",
      "scripts/json.py": "",
      "helpers/__init__.py": "",
    });
    expect(graph["scripts/run.py"]).toEqual([
      [1, "import", "helpers", "scripts/helpers.py", null],
      [2, "import", "json", null, "json"],
    ]);
  });

  it("infers other directories holding an absolutely imported package when a submodule exists there", () => {
    const graph = resolveProject({
      "tools/gen/codegen/__init__.py": "",
      "tools/gen/codegen/emit.py": "",
      "ci/build.py": "from codegen.emit import write\nfrom codegen import emit\nimport codegen\n",
    });
    expect(graph["ci/build.py"]).toEqual([
      [1, "import", "codegen.emit", "tools/gen/codegen/emit.py", null],
      [2, "import", "codegen.emit", "tools/gen/codegen/emit.py", null],
      // a bare top-level name from elsewhere could as well be an installed package
      [3, "import", "codegen", null, "codegen"],
    ]);
  });
});

describe("createPythonResolver: namespace packages", () => {
  it("resolves modules inside directories without __init__.py, merged across roots", () => {
    const graph = resolveProject({
      "nspkg/plugins/a.py": "",
      "src/nspkg/plugins/b.py": "",
      "main.py":
        "from nspkg.plugins import a, b\nimport nspkg.plugins.b\nfrom nspkg.plugins import nothing\n",
    });
    expect(graph["main.py"]).toEqual([
      [1, "import", "nspkg.plugins.a", "nspkg/plugins/a.py", null],
      [1, "import", "nspkg.plugins.b", "src/nspkg/plugins/b.py", null],
      [2, "import", "nspkg.plugins.b", "src/nspkg/plugins/b.py", null],
      [3, "import", "nspkg.plugins", null, "nspkg"],
    ]);
  });

  it("does not take a bare directory for an installed package or a stdlib module of the same name", () => {
    const graph = resolveProject({
      "alembic/env.py": "from alembic import context\n",
      "logging/custom_handlers.py": "",
      "app/__init__.py": "",
      "app/db.py": "from alembic import op\nimport logging\nimport logging.custom_handlers\n",
    });
    expect(graph).toEqual({
      "alembic/env.py": [[1, "import", "alembic", null, "alembic"]],
      "app/db.py": [
        [1, "import", "alembic", null, "alembic"],
        [2, "import", "logging", null, "logging"],
        [3, "import", "logging.custom_handlers", null, "logging"],
      ],
    });
  });
});

describe("createPythonResolver: scale", () => {
  it("resolves 20,000 imports of a 2,000-file project in well under a second", () => {
    const files: Record<string, string> = {};
    for (let p = 0; p < 20; p++) {
      files[`proj/p${p}/__init__.py`] = "";
      for (let m = 0; m < 100; m++) files[`proj/p${p}/m${m}.py`] = "";
    }
    files["proj/__init__.py"] = "";
    const resolve = createPythonResolver(projectFiles(files));
    const started = performance.now();
    let resolved = 0;
    for (let p = 0; p < 20; p++) {
      for (let m = 0; m < 100; m++) {
        const from = `proj/p${p}/m${m}.py`;
        for (let k = 0; k < 10; k++) {
          const edges = resolve(from, {
            specifier: `proj.p${(p + k) % 20}`,
            line: k + 1,
            kind: "import",
            level: 0,
            names: [`m${(m + k) % 100}`],
          });
          if (edges[0]?.target === `proj/p${(p + k) % 20}/m${(m + k) % 100}.py`) resolved++;
        }
      }
    }
    expect(resolved).toBe(20_000);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
