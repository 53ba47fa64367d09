import { describe, expect, it } from "vitest";
import { pairs, runOn } from "../rules/harness.ts";

const RULE = `acc:
  rules:
    - { id: deps, type: dependencies, from: { glob: "**", not: "glob:**/tests/**" }, forbid: [dev, undeclared, no-manifest] }
`;

describe("declared dependencies", () => {
  it("npm workspaces: each package is judged by its own package.json", () => {
    const result = runOn(
      {
        "package.json": JSON.stringify({
          private: true,
          workspaces: ["packages/*"],
          devDependencies: { typescript: "^5" },
        }),
        "packages/web/package.json": JSON.stringify({ name: "web", dependencies: { react: "^19" } }),
        "packages/web/src/app.ts":
          'import React from "react";\nimport ts from "typescript";\nimport { readFile } from "node:fs";\n',
        "packages/api/package.json": JSON.stringify({ name: "api", peerDependencies: { express: "*" } }),
        "packages/api/src/server.ts": 'import express from "express";\nimport React from "react";\n',
      },
      RULE,
    );
    expect(pairs(result.findings)).toEqual([
      { file: "packages/api/src/server.ts", line: 2, target: "react" },
      { file: "packages/web/src/app.ts", line: 2, target: "typescript" },
    ]);
    expect(result.findings[0]!.message).toBe(
      'packages/api/src/server.ts imports package "react", which is not declared (packages/api/package.json)',
    );
  });

  it("Python: pyproject dependencies and dev groups, requirements files, import names that differ from distributions", () => {
    const result = runOn(
      {
        "pyproject.toml": [
          "[project]",
          'name = "svc"',
          'dependencies = ["Django>=4.2", "PyYAML", "python-dateutil; python_version > \\"3.8\\""]',
          "[project.optional-dependencies]",
          'test = ["pytest"]',
        ].join("\n"),
        "requirements-dev.txt": "# tools\nblack==24.1\n-r requirements.txt\n",
        "src/svc/__init__.py": "",
        "src/svc/app.py": [
          "import os",
          "import django",
          "import yaml",
          "from dateutil import parser",
          "import pytest",
          "import requests",
          "import black",
          "from svc import settings",
        ].join("\n"),
        "src/svc/settings.py": "",
        "src/svc/tests/test_app.py": "import pytest\nimport requests\n",
        "scripts/tool.py": "import requests\n",
      },
      RULE,
    );
    expect(pairs(result.findings)).toEqual([
      { file: "scripts/tool.py", line: 1, target: "requests" },
      { file: "src/svc/app.py", line: 5, target: "pytest" },
      { file: "src/svc/app.py", line: 6, target: "requests" },
      { file: "src/svc/app.py", line: 7, target: "black" },
    ]);
  });

  it("an import with no manifest above it is no-manifest", () => {
    const result = runOn({ "tool/run.ts": 'import chalk from "chalk";\n' }, RULE);
    expect(result.findings[0]!.message).toBe(
      'tool/run.ts imports package "chalk", which is imported where no manifest declares dependencies',
    );
  });
});
