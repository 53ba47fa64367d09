import { readFileSync } from "node:fs";
import { join } from "node:path";
import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  type ResultFormat,
  readArtifact,
  readReport,
  type ScenarioResult,
  scenarioId,
  ZipLimitError,
} from "../../../../src/core/bdv/results/index.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/bdv-results");

function read(format: ResultFormat, path: string) {
  return readReport(format, path, readFileSync(join(FIXTURES, path), "utf8"));
}

function summary(results: readonly ScenarioResult[]) {
  return results.map((r) => `${r.status} ${r.feature} › ${r.name}${r.example ? ` [${r.example}]` : ""}`);
}

describe("scenario ids", () => {
  it("are pinned: a short hash of feature path, name and example row", () => {
    expect(scenarioId("features/orders.feature", "Refund an order", null)).toBe("bfe43830b3e1");
    expect(scenarioId("features/orders.feature", "Discounts", "figs | 2 | 3")).toBe("196f94ba0495");
  });
});

describe("Cucumber Messages (cucumber-js --format message)", () => {
  it("reads every scenario with status, duration, error, tags and contract tags", () => {
    const { results, problems } = read("messages", "cucumber-js/reports/attempt-1/messages.ndjson");
    expect(problems).toEqual([]);
    expect(summary(results)).toEqual([
      "passed features/orders.feature › Create an order",
      "failed features/orders.feature › Refund an order",
      "skipped features/orders.feature › Ship abroad",
      "passed features/orders.feature › Discounts [kiwis | 1 | 1]",
      "failed features/orders.feature › Discounts [figs | 2 | 3]",
      "failed features/payments.feature › Pay by card",
    ]);
    const refund = results[1]!;
    expect(refund.id).toBe(scenarioId("features/orders.feature", "Refund an order", null));
    expect(refund.error).toContain("2 !== 5");
    expect(refund.tags).toEqual(["@contract:Orders:v1"]);
    expect(refund.contracts).toEqual(["Orders:v1"]);
    expect(refund.durationMs).toBeGreaterThan(0);
    expect(results[5]!.contracts).toEqual(["Payments:v1"]);
    expect(results[5]!.error).toContain("card gateway timed out");
  });

  it("gives the same scenario the same id in another run where its outcome differs", () => {
    const first = read("messages", "cucumber-js/reports/attempt-1/messages.ndjson").results;
    const second = read("messages", "cucumber-js/reports/attempt-2/messages.ndjson").results;
    expect(second.map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(first.find((r) => r.name === "Pay by card")?.status).toBe("failed");
    expect(second.find((r) => r.name === "Pay by card")?.status).toBe("passed");
  });

  it("keeps the earlier tries of a retried test case (cucumber-js --retry)", () => {
    const lines = [
      { pickle: { id: "p1", uri: "f.feature", name: "S", astNodeIds: ["s1"], tags: [], steps: [] } },
      { testCase: { id: "t1", pickleId: "p1", testSteps: [] } },
      { testCaseStarted: { id: "a", testCaseId: "t1", attempt: 0 } },
      {
        testStepFinished: {
          testCaseStartedId: "a",
          testStepId: "x",
          testStepResult: { status: "FAILED", message: "boom", duration: { seconds: 0, nanos: 5 } },
        },
      },
      { testCaseStarted: { id: "b", testCaseId: "t1", attempt: 1 } },
      {
        testStepFinished: {
          testCaseStartedId: "b",
          testStepId: "x",
          testStepResult: { status: "PASSED", duration: { seconds: 1, nanos: 0 } },
        },
      },
    ];
    const { results } = readReport("messages", "m.ndjson", lines.map((l) => JSON.stringify(l)).join("\n"));
    expect(results.map((r) => [r.status, r.retries, r.durationMs])).toEqual([["passed", ["failed"], 1000]]);
  });

  it("names the file and line of a broken line and reads the rest", () => {
    const text = readFileSync(join(FIXTURES, "cucumber-js/reports/attempt-1/messages.ndjson"), "utf8");
    const broken = text.replace("\n", "\n{not json\n");
    const { results, problems } = readReport("messages", "report.ndjson", broken);
    expect(problems).toEqual([expect.stringMatching(/^report\.ndjson:2: not a JSON message/)]);
    expect(results).toHaveLength(6);
  });
});

describe("Cucumber JSON", () => {
  it("reads cucumber-js's json formatter, with the same ids as its messages for plain scenarios", () => {
    const { results, problems } = read("cucumber-json", "cucumber-js/reports/attempt-1/cucumber.json");
    expect(problems).toEqual([]);
    expect(summary(results)).toEqual([
      "passed features/orders.feature › Create an order",
      "failed features/orders.feature › Refund an order",
      "skipped features/orders.feature › Ship abroad",
      "passed features/orders.feature › Discounts [line 26]",
      "failed features/orders.feature › Discounts [line 27]",
      "failed features/payments.feature › Pay by card",
    ]);
    expect(results[1]!.id).toBe("bfe43830b3e1");
    expect(results[0]!.tags).toEqual(["@contract:Orders:v1"]);
  });

  it("reads behave's json formatter (seconds, location, tags without @, outline rows)", () => {
    const { results, problems } = read("cucumber-json", "behave/reports/attempt-1/behave.json");
    expect(problems).toEqual([]);
    expect(summary(results)).toEqual([
      "passed features/orders.feature › Create an order",
      "failed features/orders.feature › Refund an order",
      "skipped features/orders.feature › Ship abroad",
      "passed features/orders.feature › Discounts [@1.1]",
      "failed features/orders.feature › Discounts [@1.2]",
      "failed features/payments.feature › Pay by card",
    ]);
    expect(results[1]!.error).toBe("Assertion Failed: expected total 5, got 2");
    expect(results[1]!.contracts).toEqual(["Orders:v1"]);
    expect(results[1]!.durationMs).toBeGreaterThan(0);
    expect(results[1]!.durationMs).toBeLessThan(1000);
  });

  it("reads pytest-bdd's --cucumberjson (a pytest.skip inside a step is reported passed by pytest-bdd itself)", () => {
    const { results, problems } = read("cucumber-json", "pytest-bdd/reports/attempt-1/cucumber.json");
    expect(problems).toEqual([]);
    expect(summary(results)).toEqual([
      "passed features/orders.feature › Create an order",
      "failed features/orders.feature › Refund an order",
      "passed features/orders.feature › Ship abroad",
      "passed features/orders.feature › Discounts [kiwis-1-1]",
      "failed features/orders.feature › Discounts [figs-2-3]",
      "failed features/payments.feature › Pay by card",
    ]);
    expect(results[4]!.error).toContain("AssertionError: expected total 3, got 2");
  });

  it("refuses what is not a Cucumber JSON report, naming the file", () => {
    expect(readReport("cucumber-json", "r.json", '{"a":1}').problems[0]).toMatch(
      /^r\.json: not a Cucumber JSON/,
    );
    expect(readReport("cucumber-json", "r.json", "[").problems[0]).toMatch(/^r\.json: not JSON/);
  });
});

describe("JUnit XML", () => {
  it.each([
    ["cucumber-js/reports/attempt-1/junit.xml", "Orders", "#1.2"],
    ["behave/reports/attempt-1/junit/TESTS-orders.xml", "orders.Orders", "@1.2"],
    ["pytest-bdd/reports/attempt-1/junit.xml", "test_orders", "figs-2-3"],
  ])("reads %s", (path, feature, failedRow) => {
    const { results, problems } = read("junit", path);
    expect(problems).toEqual([]);
    const statuses = results.map((r) => r.status);
    expect(statuses.slice(0, 5)).toEqual(["passed", "failed", "skipped", "passed", "failed"]);
    expect(results[0]!.feature).toBe(feature);
    expect(results[4]!.example).toBe(failedRow);
    expect(results[1]!.error).toMatch(/(2 !== 5|expected total 5, got 2)/);
    expect(results[1]!.error).not.toContain("&#");
  });

  it("names the file of XML that does not parse", () => {
    expect(readReport("junit", "j.xml", "<testsuite><testcase").problems[0]).toMatch(
      /^j\.xml: not well-formed XML/,
    );
  });
});

describe("artifact zips (untrusted)", () => {
  const behaveJunit = (name: string) => readFileSync(join(FIXTURES, "behave/reports/attempt-1/junit", name));

  it("reads every report of the format in the zip", () => {
    const zip = zipSync({
      "junit/TESTS-orders.xml": behaveJunit("TESTS-orders.xml"),
      "junit/TESTS-payments.xml": behaveJunit("TESTS-payments.xml"),
      "README.txt": strToU8("not a report"),
    });
    const { results, problems } = readArtifact("junit", "behave-junit", zip);
    expect(problems).toEqual([]);
    expect(results).toHaveLength(6);
  });

  it("says so when the zip holds no report of the format", () => {
    const zip = zipSync({ "a.txt": strToU8("x") });
    expect(readArtifact("messages", "cucumber-report", zip).problems).toEqual([
      expect.stringMatching(/^cucumber-report: no messages report in the artifact/),
    ]);
  });

  it("stops a zip bomb while inflating, whatever sizes the archive declares", () => {
    const bomb = zipSync({ "big.ndjson": new Uint8Array(4 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(20_000);
    const caps = {
      maxArchiveBytes: 1_000_000,
      maxEntries: 10,
      maxEntryBytes: 1024 * 1024,
      maxTotalBytes: 2 * 1024 * 1024,
    };
    expect(() => readArtifact("messages", "bomb", bomb, caps)).toThrow(/inflates to more than 1048576 bytes/);
  });

  it("caps the number of entries and the archive size", () => {
    const many = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`r${i}.xml`, strToU8("<testsuite/>")]),
    );
    const caps = { maxArchiveBytes: 1_000_000, maxEntries: 10, maxEntryBytes: 1024, maxTotalBytes: 4096 };
    expect(() => readArtifact("junit", "many", zipSync(many), caps)).toThrow(ZipLimitError);
    expect(() => readArtifact("junit", "big", zipSync(many), { ...caps, maxArchiveBytes: 100 })).toThrow(
      /over the cap of 100/,
    );
    expect(() => readArtifact("junit", "junk", strToU8("this is no zip"))).toThrow(ZipLimitError);
  });
});
