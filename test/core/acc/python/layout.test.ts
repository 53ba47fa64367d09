import { describe, expect, it } from "vitest";
import { parseIni } from "../../../../src/core/acc/resolve/py-ini.ts";
import { detectPythonLayout } from "../../../../src/core/acc/resolve/py-layout.ts";
import { parseToml } from "../../../../src/core/acc/resolve/py-toml.ts";
import { projectFiles } from "./project.ts";

describe("parseToml", () => {
  it("reads tables, arrays of tables, dotted and quoted keys, all string kinds, arrays and inline tables", () => {
    const doc = parseToml(
      [
        "# comment",
        'title = "x\\ty" # trailing',
        "[tool.setuptools]",
        'package-dir = { "" = "src", "a.b" = \'lit\\eral\' }',
        "zip-safe = false",
        "[tool.setuptools.packages.find]",
        "where = [",
        '  "src",  # first',
        "  'lib',",
        "]",
        "[[tool.poetry.packages]]",
        'include = "one"',
        "[[tool.poetry.packages]]",
        'include = "two"',
        'from = "src"',
        "[project]",
        'description = """',
        'multi "line"',
        '"""',
        "literal = '''raw\\n'''",
        "version.major = 1_000",
        "released = 2024-01-02T03:04:05Z",
        "ratio = 0.5",
        "",
      ].join("\n"),
    );
    expect(doc).toEqual({
      title: "x\ty",
      tool: {
        setuptools: {
          "package-dir": { "": "src", "a.b": "lit\\eral" },
          "zip-safe": false,
          packages: { find: { where: ["src", "lib"] } },
        },
        poetry: { packages: [{ include: "one" }, { include: "two", from: "src" }] },
      },
      project: {
        description: 'multi "line"\n',
        literal: "raw\\n",
        version: { major: 1000 },
        released: "2024-01-02T03:04:05Z",
        ratio: 0.5,
      },
    });
  });

  it("returns undefined for documents it cannot read", () => {
    expect(parseToml("[unclosed\n")).toBeUndefined();
    expect(parseToml('key = "unterminated\n')).toBeUndefined();
    expect(parseToml("key = [1, 2\n")).toBeUndefined();
    expect(parseToml("= 1\n")).toBeUndefined();
  });
});

describe("parseIni", () => {
  it("reads sections, both separators, continuation lines and comments", () => {
    const ini = parseIni(
      "; top comment\n[options]\npackage_dir =\n    = src\n    other = lib/other\nPackages: find:\n# note\n[tool:pytest]\npythonpath = a b\n",
    );
    expect(ini.get("options")?.get("package_dir")).toBe("= src\nother = lib/other");
    expect(ini.get("options")?.get("packages")).toBe("find:");
    expect(ini.get("tool:pytest")?.get("pythonpath")).toBe("a b");
  });
});

describe("detectPythonLayout", () => {
  function layoutOf(files: Record<string, string>) {
    const project = projectFiles(files);
    const dirs = new Set<string>([""]);
    for (const path of project.paths) {
      const parts = path.split("/");
      for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join("/"));
    }
    const layout = detectPythonLayout(project, dirs);
    return {
      projects: layout.projects,
      roots: Object.fromEntries(layout.rootsByProject),
      packageDirs: Object.fromEntries(layout.packageDirs),
    };
  }

  it("orders declared roots, then src/, then the project directory; keeps package-dir mappings apart", () => {
    expect(
      layoutOf({
        "pyproject.toml": [
          "[tool.hatch.build.targets.wheel.sources]",
          '"hatch_src" = ""',
          '"vendor/thing_src" = "thing"',
          "[tool.maturin]",
          'python-source = "python"',
          "[tool.mypy]",
          'mypy_path = "$MYPY_CONFIG_FILE_DIR/stubs"',
          "",
        ].join("\n"),
        "hatch_src/a.py": "",
        "vendor/thing_src/__init__.py": "",
        "python/p.py": "",
        "stubs/s.pyi": "",
        "src/x.py": "",
        "sub/setup.cfg": "[options.packages.find]\nwhere = lib\n[mypy]\nmypy_path = typings\n",
        "sub/lib/y.py": "",
        "sub/setup.py": "",
        "sub/typings/t.pyi": "",
        "missing/pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["nowhere", "../../outside"]\n',
        ".venv/lib/site-packages/pkg/pyproject.toml": "",
      }),
    ).toEqual({
      projects: ["", "missing", "sub"],
      roots: {
        "": ["hatch_src", "python", "stubs", "src", ""],
        missing: ["missing"],
        sub: ["sub/lib", "sub/typings", "sub"],
      },
      packageDirs: { thing: "vendor/thing_src" },
    });
  });
});
