import { describe, expect, it } from "vitest";
import { analyze } from "../../src/core/analyze.ts";
import { loadConfig } from "../../src/core/config/load.ts";
import type { SkippedFile } from "../../src/core/snapshot.ts";
import { snapshotOf } from "./snapshot-builder.ts";

const SKIPPED: SkippedFile[] = [
  { path: "docs/diagram.png", reason: "binary" },
  { path: "docs/manual.pdf", reason: "binary" },
  { path: "src/assets/logo.png", reason: "binary" },
  { path: "src/generated/huge.ts", reason: "too-large" },
  { path: "src/vendor", reason: "submodule" },
  { path: "features/login.feature", reason: "invalid-utf8" },
  { path: "tools/build.py", reason: "binary" },
];

async function noticesWith(configText: string) {
  const loaded = loadConfig(configText);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const head = { ...snapshotOf({ "src/a.ts": "export const a = 1;\n" }), skipped: SKIPPED };
  const result = await analyze({ head, base: null, config: loaded.config, now: new Date("2026-12-06") });
  return result.notices.filter((notice) => notice.kind.startsWith("skipped-")).map((n) => n.message);
}

describe("notices of skipped files name only files a configured stream would read", () => {
  it("acc.include limits them to its source files: no PNG or PDF, in or out of it", async () => {
    expect(await noticesWith('acc:\n  include: ["src/**"]\n')).toEqual([
      "1 file not analysed (too-large): src/generated/huge.ts",
      "1 file not analysed (submodule): src/vendor",
    ]);
  });

  it("without include every source file counts; BDV adds feature files", async () => {
    expect(await noticesWith("acc: {}\nbdv: {}\n")).toEqual([
      "1 file not analysed (too-large): src/generated/huge.ts",
      "1 file not analysed (submodule): src/vendor",
      "1 file not analysed (invalid-utf8): features/login.feature",
      "1 file not analysed (binary): tools/build.py",
    ]);
  });

  it("no stream that reads contents: no notice", async () => {
    expect(await noticesWith('dde:\n  expect: [{ when: "api/**", changed: "features/**" }]\n')).toEqual([]);
  });
});
