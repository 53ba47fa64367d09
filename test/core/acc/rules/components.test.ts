import { describe, expect, it } from "vitest";
import { ComponentMap } from "../../../../src/core/acc/components.ts";
import { brief, findingsOf, graphOf } from "./harness.ts";

describe("ComponentMap", () => {
  it("ACC-110: a file no glob matches is unmapped", () => {
    const map = new ComponentMap({ presentation: ["app/routes/**"] });
    expect(map.componentOf("app/utils/x.py")).toBe(null);
    expect(map.componentOf("app/routes/x.py")).toBe("presentation");
  });

  it("matches globs, not substrings: data/** does not capture metadata/x.py (an original bug)", () => {
    const map = new ComponentMap({ data: ["data/**"] });
    expect(map.componentOf("metadata/x.py")).toBe(null);
    expect(map.componentOf("src/data/x.py")).toBe(null);
    expect(map.componentOf("data/x.py")).toBe("data");
    expect(map.componentOf("data/deep/x.py")).toBe("data");
  });

  it("the original's regex component ^src/.*_test\\.py$ as a glob: src/**/*_test.py", () => {
    const map = new ComponentMap({ tests: ["src/**/*_test.py"] });
    expect(map.componentOf("src/module_test.py")).toBe("tests");
    expect(map.componentOf("src/module.py")).toBe(null);
    expect(map.componentOf("tests/module_test.py")).toBe(null);
    expect(map.componentOf("src/module_test.pyc")).toBe(null);
    expect(map.componentOf("lib/src/module_test.py")).toBe(null);
  });

  it("gives a file to the first component in config order and reports the overlap once per pair", () => {
    const map = new ComponentMap({ api: ["app/api/**"], app: ["app/**"], legacy: ["app/api/old/**"] });
    expect(map.componentOf("app/api/x.ts")).toBe("api");
    expect(map.componentOf("app/api/old/y.ts")).toBe("api");
    expect(map.componentOf("app/api/z.ts")).toBe("api");
    expect(map.componentOf("app/main.ts")).toBe("app");
    expect(map.overlapNotices()).toEqual([
      {
        file: "app/api/x.ts",
        kind: "component-overlap",
        message:
          '3 file(s) match both components "api" and "app" (e.g. app/api/x.ts); they belong to "api", the first in config order',
      },
      {
        file: "app/api/old/y.ts",
        kind: "component-overlap",
        message:
          '1 file(s) match both components "api" and "legacy" (e.g. app/api/old/y.ts); they belong to "api", the first in config order',
      },
    ]);
  });

  it("matches dot-folders too", () => {
    expect(new ComponentMap({ cfg: ["src/**"] }).componentOf("src/.config/x.ts")).toBe("cfg");
  });
});

describe("path-keyed components (original weakness 1)", () => {
  it("a project whose routes and repositories import each other IS reported", () => {
    const yaml = `acc:
  components:
    presentation: ["app/routes/**"]
    data: ["app/repositories/**"]
  rules:
    - { id: data-not-up, type: must-not-call, from: data, to: [presentation] }
    - { id: cycles, type: no-cycles, scope: component }
`;
    const graph = graphOf({
      "app/routes/users.py": ["app/repositories/users.py@1"],
      "app/repositories/users.py": ["app/routes/users.py@3"],
    });
    expect(brief(findingsOf(yaml, graph))).toEqual([
      { rule: "data-not-up", file: "app/repositories/users.py", line: 3, target: "app/routes/users.py" },
      { rule: "cycles", file: "app/repositories/users.py", line: 3, target: "presentation" },
    ]);
  });
});
