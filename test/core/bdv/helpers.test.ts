import { describe, expect, it } from "vitest";
import { runBdv } from "../../../src/core/bdv/index.ts";
import { bdvConfig, blobSha, snapshotOf } from "./helpers.ts";

describe("test snapshots", () => {
  it("address contents by git blob SHA, as git does", () => {
    // `printf 'hello\n' | git hash-object --stdin`
    expect(blobSha(new TextEncoder().encode("hello\n"))).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("read CRLF line endings and byte-order marks like any other file", () => {
    const result = runBdv({
      head: snapshotOf({
        "features/a.feature":
          "\uFEFFFeature: A\r\n  Scenario: s\r\n    Given it works\r\n    Given it breaks\r\n",
        "features/steps/a.py":
          "\uFEFFfrom behave import given\r\n\r\n@given('it works')\r\ndef step_impl(context):\r\n    pass\r\n",
      }),
      config: bdvConfig(),
    });
    expect(result.findings.map((finding) => [finding.type, finding.line, finding.target])).toEqual([
      ["undefined-step", 4, "it breaks"],
    ]);
  });
});
