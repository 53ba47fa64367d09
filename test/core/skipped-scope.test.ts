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

async function analysisWith(configText: string) {
  const loaded = loadConfig(configText);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  const head = { ...snapshotOf({ "src/a.ts": "export const a = 1;\n" }), skipped: SKIPPED };
  return analyze({ head, base: null, config: loaded.config, now: new Date("2026-12-06") });
}

async function noticesWith(configText: string) {
  const result = await analysisWith(configText);
  return result.notices.filter((notice) => notice.kind.startsWith("skipped-")).map((n) => n.message);
}

/** Source files ACC could not read are not notices but findings: the stream fails closed. */
async function unreadableWith(configText: string) {
  const result = await analysisWith(configText);
  return result.streams.acc.findings.filter((f) => f.type === "unreadable-file").map((f) => f.file);
}

describe("notices of skipped files name only files a configured stream would read", () => {
  it("acc.include limits them to its source files: no PNG or PDF, in or out of it", async () => {
    expect(await noticesWith('acc:\n  include: ["src/**"]\n')).toEqual([
      "1 file not analysed (submodule): src/vendor",
    ]);
    expect(await unreadableWith('acc:\n  include: ["src/**"]\n')).toEqual(["src/generated/huge.ts"]);
  });

  it("without include every source file counts; BDV adds feature files", async () => {
    expect(await noticesWith("acc: {}\nbdv: {}\n")).toEqual([
      "1 file not analysed (submodule): src/vendor",
      "1 file not analysed (invalid-utf8): features/login.feature",
    ]);
    expect(await unreadableWith("acc: {}\nbdv: {}\n")).toEqual(["src/generated/huge.ts", "tools/build.py"]);
  });

  it("no stream that reads contents: no notice", async () => {
    expect(await noticesWith('dde:\n  expect: [{ when: "api/**", changed: "features/**" }]\n')).toEqual([]);
  });
});
