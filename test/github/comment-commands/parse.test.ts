import { describe, expect, it } from "vitest";
/** Comment commands parsed against the real command table. */
import { commandLine, tokenize } from "../../../src/core/comment-commands/parse.ts";
import { COMMANDS, parseComment as parseCommand } from "../../../src/github/comment-commands/table.ts";

const ID = "0123456789ab";

function ok(body: string) {
  const result = parseCommand(body);
  if (result.status !== "ok") throw new Error(`expected ok for ${body}: ${JSON.stringify(result)}`);
  return result.command;
}

function invalid(body: string) {
  const result = parseCommand(body);
  if (result.status !== "invalid") throw new Error(`expected invalid for ${body}: ${JSON.stringify(result)}`);
  return result;
}

describe("commandLine", () => {
  it.each([
    ["/maestro help", "/maestro help"],
    ["  /MAESTRO   recheck  \nmore text", "/MAESTRO   recheck"],
    ["/Maestro", "/Maestro"],
    ["\uFEFF/maestro help", "/maestro help"],
    ["/maestro\thelp", "/maestro\thelp"],
  ])("%j is addressed to us", (body, line) => {
    expect(commandLine(body)).toBe(line);
  });

  it.each([
    "please /maestro recheck",
    "/maestrohelp",
    "/maestro-hive help",
    "\n/maestro help",
    "> /maestro help",
    "",
    "maestro help",
  ])("%j is not", (body) => {
    expect(commandLine(body)).toBeNull();
    expect(parseCommand(body)).toEqual({ status: "none" });
  });
});

describe("tokenize", () => {
  it("splits on blanks and keeps quoted text whole", () => {
    const result = tokenize(` a "b c"  'd e' "" x"y z"w `);
    expect(result.ok && result.tokens.map((t) => t.value)).toEqual(["a", "b c", "d e", "", "xy zw"]);
  });

  it("handles escaped quotes and backslashes, inside and outside quotes", () => {
    const result = tokenize(String.raw`"say \"hi\"" 'it\'s' a\"b "c:\\dir" "a\nb" \\`);
    expect(result.ok && result.tokens.map((t) => t.value)).toEqual([
      'say "hi"',
      "it's",
      'a"b',
      "c:\\dir",
      "a\\nb",
      "\\",
    ]);
  });

  it("reads curly double quotes as quotes, and leaves ’ alone (it is also an apostrophe)", () => {
    const result = tokenize("“flaky test” ‘it’s ok’");
    expect(result.ok && result.tokens.map((t) => t.value)).toEqual(["flaky test", "‘it’s", "ok’"]);
  });

  it("reports an unclosed quote", () => {
    expect(tokenize(`"open`)).toEqual({ ok: false, error: expect.stringContaining("not closed") });
  });
});

describe("parseCommand: suppress", () => {
  it("a finding id is a violation-level exact suppression, lowercased", () => {
    expect(ok(`/maestro suppress 0123456789AB --reason "legacy import, ticket 12"`)).toEqual({
      name: "suppress",
      target: { level: "violation", pattern: ID, patternType: "exact" },
      reason: "legacy import, ticket 12",
      expires: null,
      permanent: false,
    });
  });

  it.each([
    ["rule:layered", { level: "rule", pattern: "layered", patternType: "exact" }],
    ["rule:layer*", { level: "rule", pattern: "layer*", patternType: "glob" }],
    ["file:src/legacy/**/*.ts", { level: "file", pattern: "src/legacy/**/*.ts", patternType: "glob" }],
    ["dir:src/legacy", { level: "directory", pattern: "src/legacy", patternType: "glob" }],
    ["directory:src/{a,b}", { level: "directory", pattern: "src/{a,b}", patternType: "glob" }],
    ["FILE:src/x.ts", { level: "file", pattern: "src/x.ts", patternType: "glob" }],
    ['"file:src/with space/*.ts"', { level: "file", pattern: "src/with space/*.ts", patternType: "glob" }],
  ])("target %s", (target, expected) => {
    const command = ok(`/maestro suppress ${target} --reason why`);
    expect(command).toMatchObject({ name: "suppress", target: expected });
  });

  it.each([
    [`--reason "a b" --expires 30d`, { reason: "a b", expires: "30d", permanent: false }],
    [`--expires=2026-12-31 --reason='a "b"'`, { reason: 'a "b"', expires: "2026-12-31", permanent: false }],
    [`--reason="x = y" --permanent`, { reason: "x = y", expires: null, permanent: true }],
    [
      `--reason legacy code we will delete --expires 2w`,
      { reason: "legacy code we will delete", expires: "2w" },
    ],
    [`--REASON "caps" --Permanent`, { reason: "caps", permanent: true }],
    [`--reason "  padded  "`, { reason: "padded" }],
    [`--reason "--not-an-option"`, { reason: "--not-an-option" }],
    [`--reason "'; DROP TABLE suppressions; --"`, { reason: "'; DROP TABLE suppressions; --" }],
  ])("options %s", (options, expected) => {
    expect(ok(`/maestro suppress ${ID} ${options}`)).toMatchObject(expected);
  });

  it("options may come before the target when the reason is quoted", () => {
    expect(ok(`/maestro suppress --reason "why" rule:x`)).toMatchObject({
      target: { level: "rule", pattern: "x" },
      reason: "why",
    });
  });

  it("ignores the lines after the first", () => {
    expect(ok(`/maestro suppress ${ID} --reason one line\n--permanent\nsecond line`)).toMatchObject({
      reason: "one line",
      permanent: false,
    });
  });

  it.each([
    [`/maestro suppress`, "needs what to suppress"],
    [`/maestro suppress ${ID}`, "--reason"],
    [`/maestro suppress ${ID} --reason`, "--reason needs a value"],
    [`/maestro suppress ${ID} --reason ""`, "reason is empty"],
    [`/maestro suppress ${ID} --reason --permanent`, "--reason needs a value"],
    [`/maestro suppress 0123 --reason x`, "is not something to suppress"],
    [`/maestro suppress rule: --reason x`, "rule: needs a rule id"],
    [`/maestro suppress file:a file:b --reason "x"`, "unexpected argument"],
    [`/maestro suppress ${ID} --reason x --expires 30d --permanent`, "not both"],
    [`/maestro suppress ${ID} --reason x --expires soon`, "neither a duration"],
    [`/maestro suppress ${ID} --reason x --expires 2026-02-30`, "not a real calendar date"],
    [`/maestro suppress ${ID} --reason "x" --reason "y"`, "given twice"],
    [`/maestro suppress ${ID} --reason "x" --force`, "unknown option --force"],
    [`/maestro suppress ${ID} --reason "x" --permanent=yes`, "takes no value"],
    [`/maestro suppress ${ID} --reason "unclosed`, "not closed"],
    [`/maestro suppress ${ID} --reason "${"x".repeat(1001)}"`, "at most 1000"],
  ])("%s is refused", (body, message) => {
    const result = invalid(body);
    expect(result.command).toBe("suppress");
    expect(result.error).toContain(message);
  });
});

describe("parseCommand: the other commands", () => {
  it.each([
    ["/maestro unsuppress s-1a2b3c4d", { name: "unsuppress", id: "s-1a2b3c4d" }],
    ["/maestro suppressions", { name: "suppressions" }],
    ["/maestro RECHECK", { name: "recheck" }],
    [`/maestro explain ${ID.toUpperCase()}`, { name: "explain", findingId: ID }],
    [
      `/maestro override --reason "prod outage, see INC-42"`,
      { name: "override", reason: "prod outage, see INC-42" },
    ],
    [`/maestro override --reason=hotfix`, { name: "override", reason: "hotfix" }],
    ["/maestro help", { name: "help", topic: null }],
    ["/maestro help Suppress", { name: "help", topic: "suppress" }],
  ])("%s", (body, expected) => {
    expect(ok(body)).toEqual(expected);
  });

  it.each([
    ["/maestro", null, "no command given"],
    ["/maestro frobnicate", null, 'unknown command "frobnicate"'],
    ["/maestro supress x", null, 'did you mean "suppress"'],
    ['/maestro "help"', null, "unknown command"],
    ["/maestro unsuppress", "unsuppress", "needs the id"],
    ["/maestro unsuppress 'a b'", "unsuppress", "is not a suppression id"],
    ["/maestro unsuppress a b", "unsuppress", 'unexpected argument "b"'],
    ["/maestro recheck now please", "recheck", 'unexpected arguments "now" "please"'],
    ["/maestro suppressions --all", "suppressions", "unknown option --all"],
    ["/maestro explain xyz", "explain", "not a finding id"],
    ["/maestro explain", "explain", "needs a finding id"],
    ["/maestro override", "override", "--reason"],
    ["/maestro override because", "override", 'unexpected argument "because"'],
    ["/maestro override --reason '   '", "override", "reason is empty"],
    ["/maestro override --reason x --expires 1d", "override", "unknown option --expires"],
    ["/maestro help me", "help", 'unknown command "me"'],
  ])("%s is refused", (body, command, message) => {
    const result = invalid(body);
    expect(result.command).toBe(command);
    expect(result.error).toContain(message);
  });

  it("has a usage line for every command, starting with the prefix", () => {
    for (const { usage } of Object.values(COMMANDS)) expect(usage.startsWith("/maestro ")).toBe(true);
  });
});
