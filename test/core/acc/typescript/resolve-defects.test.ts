/**
 * Resolution defects found on real repositories (issue 12), on reduced copies of the code
 * shapes that showed them:
 * - a doubled slash after `..` (`'../../..//models/x'`), as written in many public Angular
 *   apps (the shape only; the code below is ours);
 * - `exports` with a `types` condition before `import`: dependency-cruiser's own package.json
 *   (MIT, Copyright (c) 2016-2026 Sander Verweij), whose tests and bin scripts (JavaScript)
 *   import the package by name and must land on `src/…/index.mjs`, not on the declaration file;
 * - `import` / `require` conditions chosen by the import's kind, as Node does.
 */
import { describe, expect, it } from "vitest";
import { runAcc } from "../../../../src/core/acc/index.ts";
import type { ImportKind, ResolvedImport } from "../../../../src/core/acc/model.ts";
import { createTypeScriptResolver } from "../../../../src/core/acc/resolve/typescript.ts";
import { UNRESOLVED_NOTICE_KIND } from "../../../../src/core/acc/unresolved-notice.ts";
import { snapshotOf } from "../helpers.ts";
import { accConfig } from "../rules/harness.ts";
import { projectFromMap } from "./project.ts";

function resolveOne(
  files: Record<string, string>,
  from: string,
  specifier: string,
  kind: ImportKind = "import",
) {
  const resolve = createTypeScriptResolver(projectFromMap(files));
  const [only] = resolve(from, { specifier, line: 1, kind }) as [ResolvedImport];
  return { target: only.target, external: only.external };
}

describe("TS resolver: a doubled slash in a relative specifier", () => {
  const files = {
    "src/app/pages/flights/page1/flights-page1.component.ts":
      "import { FlightsFunc1Model } from '../../..//models/flights/flights_func1_model';\n",
    "src/app/models/flights/flights_func1_model.ts": "export class FlightsFunc1Model {}\n",
    "src/app/services/ley.service.ts": "export class LeyService {}\n",
  };

  it("resolves '../../..//models/x' like Node and TypeScript (empty segments are ignored)", () => {
    expect(
      resolveOne(
        files,
        "src/app/pages/flights/page1/flights-page1.component.ts",
        "../../..//models/flights/flights_func1_model",
      ),
    ).toEqual({ target: "src/app/models/flights/flights_func1_model.ts", external: null });
    expect(resolveOne(files, "src/app/pages/flights/page1/x.ts", "../../..//services//ley.service")).toEqual({
      target: "src/app/services/ley.service.ts",
      external: null,
    });
  });
});

describe("TS resolver: package exports conditions follow the importer", () => {
  const files = {
    "package.json": JSON.stringify({
      name: "dependency-cruiser",
      type: "module",
      exports: {
        ".": { types: "./types/dependency-cruiser.d.mts", import: "./src/main/index.mjs" },
        "./config-utl/extract-depcruise-config": {
          types: "./types/config-utl/extract-depcruise-config.d.mts",
          import: "./src/config-utl/extract-depcruise-config/index.mjs",
        },
      },
    }),
    "types/dependency-cruiser.d.mts": "export declare function cruise(): void;\n",
    "types/config-utl/extract-depcruise-config.d.mts": "export default function extract(): unknown;\n",
    "src/main/index.mjs": "export function cruise() {}\n",
    "src/config-utl/extract-depcruise-config/index.mjs": "export default function extract() {}\n",
    "test/config-utl/extract-depcruise-config.spec.mjs":
      'import extractDepcruiseConfig from "dependency-cruiser/config-utl/extract-depcruise-config";\n',
    "tools/check.ts": 'import { cruise } from "dependency-cruiser";\n',
    "packages/dual/package.json": JSON.stringify({
      name: "dual",
      exports: { ".": { types: "./index.d.ts", import: "./esm/index.js", require: "./cjs/index.js" } },
    }),
    "packages/dual/index.d.ts": "",
    "packages/dual/esm/index.js": "",
    "packages/dual/cjs/index.js": "",
    "packages/types-only/package.json": JSON.stringify({
      name: "types-only",
      exports: { types: "./index.d.ts" },
    }),
    "packages/types-only/index.d.ts": "",
  };
  const workspace = {
    ...files,
    "package.json": JSON.stringify({ ...JSON.parse(files["package.json"]), workspaces: ["packages/*"] }),
  };

  it("a JavaScript importer gets the `import` target, not the `types` declaration file", () => {
    expect(
      resolveOne(
        files,
        "test/config-utl/extract-depcruise-config.spec.mjs",
        "dependency-cruiser/config-utl/extract-depcruise-config",
      ),
    ).toEqual({ target: "src/config-utl/extract-depcruise-config/index.mjs", external: null });
    expect(resolveOne(files, "bin/dependency-cruise.mjs", "dependency-cruiser")).toEqual({
      target: "src/main/index.mjs",
      external: null,
    });
  });

  it("a TypeScript importer gets the `types` target first, as the compiler does", () => {
    expect(resolveOne(files, "tools/check.ts", "dependency-cruiser")).toEqual({
      target: "types/dependency-cruiser.d.mts",
      external: null,
    });
  });

  it("require() takes the `require` condition, import the `import` condition", () => {
    expect(resolveOne(workspace, "scripts/a.cjs", "dual", "require")).toEqual({
      target: "packages/dual/cjs/index.js",
      external: null,
    });
    expect(resolveOne(workspace, "scripts/a.mjs", "dual", "import")).toEqual({
      target: "packages/dual/esm/index.js",
      external: null,
    });
    expect(resolveOne(workspace, "scripts/a.js", "dual", "dynamic")).toEqual({
      target: "packages/dual/esm/index.js",
      external: null,
    });
    expect(resolveOne(workspace, "scripts/a.ts", "dual", "type")).toEqual({
      target: "packages/dual/index.d.ts",
      external: null,
    });
  });

  it("a package that exports types only resolves for TypeScript and not for JavaScript", () => {
    expect(resolveOne(workspace, "scripts/a.ts", "types-only")).toEqual({
      target: "packages/types-only/index.d.ts",
      external: null,
    });
    expect(resolveOne(workspace, "scripts/a.js", "types-only")).toEqual({ target: null, external: null });
  });
});

describe("unresolved internal-looking imports", () => {
  it("become one notice with the count and examples (packages and resolved imports do not count)", () => {
    const snapshot = snapshotOf({
      "src/app/pages/a.component.ts": [
        "import { Model } from '../models/missing.model';",
        "import { Present } from '../models/present.model';",
        "import { Subject } from 'rxjs';",
        "import { env } from '@/environments/environment';",
      ].join("\n"),
      "src/app/pages/b.component.ts": "import { Other } from './gone';\n",
      "src/app/models/present.model.ts": "export class Present {}\n",
    });
    const result = runAcc(snapshot, accConfig("acc: {}\n"));
    const notices = result.notices.filter((notice) => notice.kind === UNRESOLVED_NOTICE_KIND);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.message).toContain("3 imports in 2 files look internal");
    expect(notices[0]!.message).toContain('src/app/pages/a.component.ts:1 "../models/missing.model"');
    expect(notices[0]!.message).toContain('src/app/pages/a.component.ts:4 "@/environments/environment"');
    expect(notices[0]!.message).toContain('src/app/pages/b.component.ts:1 "./gone"');
    expect(notices[0]!.message).not.toContain("rxjs");
  });

  it("gives no notice when every internal import resolves", () => {
    const snapshot = snapshotOf({ "a.ts": "import './b';\n", "b.ts": "" });
    expect(runAcc(snapshot, accConfig("acc: {}\n")).notices.map((notice) => notice.kind)).not.toContain(
      UNRESOLVED_NOTICE_KIND,
    );
  });
});
