/** The pure parts of the commands: who may do what, and how user text is echoed. */
import { describe, expect, it } from "vitest";
import * as recheck from "../../../src/github/comment-commands/actions/recheck.ts";
import { decide, fallbackPolicy } from "../../../src/github/comment-commands/authorize.ts";
import { defineCommand } from "../../../src/github/comment-commands/command.ts";
import { ignoredBecause } from "../../../src/github/comment-commands/handler.ts";
import {
  codeBlock,
  codeSpan,
  defusedMarkdown,
  invalidReply,
  REPLY_MARKER,
  suppressionsReply,
  text,
} from "../../../src/github/comment-commands/reply.ts";
import { COMMANDS } from "../../../src/github/comment-commands/table.ts";

const DEFAULT = {
  commandRoles: ["admin", "maintain", "write"],
  overrideRoles: ["admin"],
  fallback: null,
} as const;

describe("authorisation", () => {
  it("maps commands to what they need", () => {
    expect(
      (["help", "suppressions", "explain", "suppress", "unsuppress", "recheck", "override"] as const).map(
        (name) => COMMANDS[name].requires,
      ),
    ).toEqual(["anyone", "anyone", "anyone", "command", "command", "command", "override"]);
  });

  it("has no default role: a command without `requires` does not compile", () => {
    const descriptor = defineCommand(
      // @ts-expect-error — `requires` is missing
      { syntax: recheck.syntax, action: recheck.action, usage: "/maestro x", description: "x" },
    );
    expect(descriptor.requires).toBeUndefined();
  });

  it.each([
    ["command", "admin", true],
    ["command", "maintain", true],
    ["command", "write", true],
    ["command", "triage", false],
    ["command", "read", false],
    ["command", "none", false],
    ["override", "admin", true],
    ["override", "maintain", false],
    ["override", "write", false],
    ["anyone", "none", true],
    ["anyone", null, true],
  ] as const)("%s by %s → %s with the default roles", (requirement, role, allowed) => {
    const decision = decide(requirement, role, DEFAULT);
    expect(decision.allowed).toBe(allowed);
    expect(decision.reason === null).toBe(allowed);
  });

  it("follows configured roles and says who may", () => {
    const policy = {
      commandRoles: ["admin", "maintain"],
      overrideRoles: ["admin", "maintain"],
      fallback: null,
    } as const;
    expect(decide("command", "write", policy).reason).toBe(
      "only admins and maintainers may change suppressions or re-run checks here; your role on this repository is write",
    );
    expect(decide("override", "maintain", policy).allowed).toBe(true);
    expect(decide("command", "admin", { ...policy, commandRoles: [] }).reason).toContain(
      "nobody may change suppressions",
    );
  });

  it("falls back to admins only when the base config is broken, and says so", () => {
    const decision = decide("command", "write", fallbackPolicy("the base config has errors"));
    expect(decision.allowed).toBe(false);
    expect(decision.reason).toContain("(the base config has errors)");
    expect(decide("command", "admin", fallbackPolicy("x")).allowed).toBe(true);
  });
});

describe("which comments are ignored", () => {
  const event = (o: { action?: string; pr?: boolean; type?: string; login?: string }) => ({
    action: o.action ?? "created",
    issue: { number: 1, ...(o.pr === false ? {} : { pull_request: { url: "u" } }) },
    comment: { id: 1, body: "/maestro help", user: { login: o.login ?? "bob", type: o.type ?? "User" } },
    sender: { login: o.login ?? "bob", type: o.type ?? "User" },
    repository: { name: "shop", full_name: "acme/shop", owner: { login: "acme" } },
  });
  it.each([
    [{}, null],
    [{ action: "edited" }, "comment edited"],
    [{ action: "deleted" }, "comment deleted"],
    [{ pr: false }, "a comment on an issue, not on a pull request"],
    [{ type: "Bot" }, "a bot's comment"],
    [{ login: "maestro-hive[bot]" }, "a bot's comment"],
  ])("%j → %s", (o, reason) => {
    expect(ignoredBecause(event(o))).toBe(reason);
  });
});

describe("echoing user text", () => {
  it("escapes markdown and HTML and defuses mentions in prose", () => {
    const echoed = text("<script>alert(1)</script> **b** [x](y) @acme/team #12 `c`");
    expect(echoed).not.toContain("<script>");
    expect(echoed).toContain("&lt;script&gt;");
    expect(echoed).toContain("\\*\\*b\\*\\*");
    expect(echoed).toContain("@\u200bacme/team");
    expect(echoed).toContain("\\`c\\`");
  });

  it("code spans outlast backticks inside, and escape pipes in table cells", () => {
    expect(codeSpan("a`b")).toBe("``a`b``");
    expect(codeSpan("`x")).toBe("`` `x ``");
    expect(codeSpan("a|b", true)).toBe("`a\\|b`");
    expect(codeSpan("line\nbreak")).toBe("`line break`");
    expect(codeSpan("")).toBe("` `");
  });

  it("code blocks outlast fences inside", () => {
    expect(codeBlock("x: ```\n", "yaml")).toBe("````yaml\nx: ```\n````");
  });

  it("model text keeps its markdown but no HTML or mentions", () => {
    expect(defusedMarkdown("**fix** <img src=x> @octocat")).toBe("**fix** &lt;img src=x&gt; @\u200boctocat");
  });

  it("replies carry the marker, and a table row cannot be broken out of", () => {
    const body = suppressionsReply(
      [
        {
          id: "s-1",
          level: "file",
          pattern: "src/a|b/**",
          patternType: "glob",
          rule: null,
          stream: null,
          threshold: null,
          expires: new Date("2026-12-31T23:59:59.999Z"),
          permanent: false,
          justification: "x | y\n| injected | row |",
          author: "bob",
          createdAt: new Date("2026-01-01T00:00:00Z"),
          lastUsedAt: null,
          useCount: 3,
          source: "command",
          ticket: null,
          adr: null,
        },
      ],
      1,
    );
    expect(body.startsWith(REPLY_MARKER)).toBe(true);
    const rows = body.split("\n").filter((line) => line.startsWith("| `s-1`"));
    expect(rows).toHaveLength(1);
    // 7 columns → 8 unescaped pipes.
    expect(rows[0]!.replace(/\\\|/g, "").split("|")).toHaveLength(9);
    expect(rows[0]).toContain("2026-12-31");
    expect(invalidReply(COMMANDS, 'unknown command "<b>"', null)).toContain("&lt;b&gt;");
  });
});
