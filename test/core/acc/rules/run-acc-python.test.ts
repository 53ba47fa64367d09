import { describe, expect, it } from "vitest";
import { runAcc } from "../../../../src/core/acc/index.ts";
import { snapshotOf } from "../helpers.ts";
import { accConfig, brief } from "./harness.ts";

/**
 * The original keyed its graph by dotted module names but matched components against
 * paths, so this project (routes and repositories importing each other) reported 0
 * components and 0 violations. Real Python extractor and resolver, keyed by path.
 */
describe("runAcc on a real Python project (original weaknesses 1 and 2)", () => {
  const config = accConfig(`acc:
  components:
    presentation: ["app/routes/**"]
    data: ["app/repositories/**"]
    storage: ["data/**"]
  rules:
    - { id: data-not-up, type: must-not-call, from: data, to: [presentation] }
    - { id: layered, type: layers, layers: [presentation, data, storage] }
    - { id: cycles, type: no-cycles, scope: file }
    - { id: component-cycles, type: no-cycles, scope: component }
`);
  const project = {
    "app/__init__.py": "",
    "app/routes/__init__.py": "",
    "app/routes/users.py":
      "import os\nfrom app.repositories import users as repo\n\ndef handler():\n    return repo.find()\n",
    "app/repositories/__init__.py": "",
    "app/repositories/users.py":
      "from ..routes.users import handler\nfrom data import models\n\ndef find():\n    return handler\n",
    "data/__init__.py": "",
    "data/models.py": "",
    "metadata/__init__.py": "",
    "metadata/x.py": "from app.routes import users\n",
    "builder_utils/__init__.py": "",
    "builder_utils/tool.py": "import metadata.x\n",
  };

  it("reports the mutual import between routes and repositories, keyed by path", () => {
    const result = runAcc(snapshotOf(project), config);
    expect(result.graph.files.map((file) => file.path)).toContain("builder_utils/tool.py");
    const routes = result.graph.files.find((file) => file.path === "app/routes/users.py")!;
    expect(routes.imports.filter((edge) => edge.target !== null).map((edge) => edge.target)).toEqual([
      "app/repositories/users.py",
    ]);
    expect(brief(result.findings)).toEqual([
      { rule: "data-not-up", file: "app/repositories/users.py", line: 1, target: "app/routes/users.py" },
      { rule: "layered", file: "app/repositories/users.py", line: 1, target: "app/routes/users.py" },
      { rule: "cycles", file: "app/repositories/users.py", line: 1, target: "app/routes/users.py" },
      { rule: "component-cycles", file: "app/repositories/users.py", line: 1, target: "presentation" },
    ]);
    expect(result.findings[0]!.message).toBe(
      'app/repositories/users.py (data) imports app/routes/users.py (presentation): "data" must not call "presentation"',
    );
    const metadata = result.metrics.files.find((file) => file.path === "metadata/x.py")!;
    expect(metadata.component).toBe(null); // data/** does not capture metadata/x.py
    expect(result.metrics.components.map(({ name, files }) => ({ name, files }))).toEqual([
      { name: "presentation", files: 2 },
      { name: "data", files: 2 },
      { name: "storage", files: 2 },
    ]);
  });
});
