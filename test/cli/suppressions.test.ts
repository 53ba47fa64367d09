/**
 * `maestro-hive suppressions …` end to end: the real CLI entry point against a real
 * database (an embedded PGlite directory always; PostgreSQL too when DATABASE_URL is set).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWithStore } from "../../src/cli/commands/suppressions.ts";
import { memoryIo, UsageError } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { listAudit } from "../../src/store/audit.ts";
import { describeEachDatabase } from "../harness/db.ts";

const env = { MAESTRO_ACTOR: "alice" };
const workdir = tmpdir();

describe("maestro-hive suppressions: usage errors exit 2 before any database is opened", () => {
  const cli = async (...args: string[]) => {
    // No DATABASE_URL and a data dir that cannot be created: opening a database would fail.
    const io = memoryIo(workdir, { ...env, MAESTRO_DATA_DIR: "/proc/not-a-dir/db" });
    const code = await main(["suppressions", ...args], io);
    return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
  };
  const repo = ["--repo", "Acme/Widgets"];

  it("names what is wrong", async () => {
    const noReason = await cli("add", ...repo, "--level", "file", "--pattern", "a/**");
    expect(noReason.code).toBe(2);
    expect(noReason.stderr).toContain('--reason "why" is required');
    const badLevel = await cli("add", ...repo, "--level", "folder", "--pattern", "x", "--reason", "y");
    expect(badLevel).toMatchObject({ code: 2 });
    expect(badLevel.stderr).toContain(
      '--level must be one of violation, file, directory, rule, not "folder"',
    );
    const badRepo = await cli("list", "--repo", "widgets");
    expect(badRepo).toMatchObject({ code: 2 });
    expect(badRepo.stderr).toContain('"widgets" is not a repository name of the form owner/name');
    const both = await cli(
      "add",
      ...repo,
      "--level",
      "rule",
      "--pattern",
      "x",
      "--reason",
      "y",
      "--permanent",
      "--expires",
      "1d",
    );
    expect(both.stderr).toContain("give --expires or --permanent, not both");
    const threshold = await cli(
      "add",
      ...repo,
      "--level",
      "rule",
      "--pattern",
      "x",
      "--reason",
      "y",
      "--threshold",
      "ten",
    );
    expect(threshold.stderr).toContain('--threshold must be a number ≥ 0, not "ten"');
    expect((await cli("frobnicate", ...repo)).stderr).toContain('unknown action "frobnicate"');
    expect((await cli("list")).stderr).toContain("--repo owner/name is required");
    expect((await cli("remove", ...repo)).stderr).toContain("remove takes exactly one suppression ID");
    expect((await cli("list", ...repo, "--format", "xml")).code).toBe(2);
    const help = await cli("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: maestro-hive suppressions <list|add|remove|review|expire>");
  });
});

describe("maestro-hive suppressions on the embedded database directory (no DATABASE_URL)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "maestro-suppressions-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("creates and migrates ./.data on first use, and the entry is there on the next run", async () => {
    const first = memoryIo(dir, env);
    const args = [
      "add",
      "--repo",
      "acme/widgets",
      "--id",
      "d1",
      "--level",
      "rule",
      "--pattern",
      "layered",
      "--reason",
      "y",
    ];
    expect(await main(["suppressions", ...args], first)).toBe(0);
    const second = memoryIo(dir, env);
    expect(await main(["suppressions", "list", "--repo", "acme/widgets", "--format", "json"], second)).toBe(
      0,
    );
    const [entry] = JSON.parse(second.stdout.join("")) as Array<{ id: string; expires: string }>;
    expect(entry?.id).toBe("d1");
    // Neither --expires nor --permanent: the default 90 days.
    expect(Math.abs(new Date(entry!.expires).getTime() - (Date.now() + 90 * 86_400_000))).toBeLessThan(
      300_000,
    );
    // Creating an on-disk PGlite database takes seconds, and minutes on a saturated machine.
  }, 240_000);
});

describeEachDatabase("maestro-hive suppressions", (getDb) => {
  const cli = async (...args: string[]) => {
    const io = memoryIo(workdir, env);
    let code: number;
    try {
      code = await runWithStore(args, io, getDb().store);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.err(error.message);
      code = 2;
    }
    return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
  };
  const repo = ["--repo", "Acme/Widgets"];

  it("adds a suppression and lists it as a table and as JSON", async () => {
    const added = await cli(
      "add",
      ...repo,
      "--id",
      "legacy",
      "--level",
      "file",
      "--pattern",
      "src/legacy/**",
      "--reason",
      "rewrite planned for Q3",
      "--expires",
      "30d",
    );
    expect(added).toMatchObject({ code: 0, stderr: "" });
    expect(added.stdout).toMatch(
      /^Added legacy: file glob "src\/legacy\/\*\*", \d{4}-\d{2}-\d{2} — rewrite planned for Q3$/,
    );

    const text = await cli("list", ...repo);
    expect(text.code).toBe(0);
    const [header, row] = text.stdout.split("\n");
    expect(header).toMatch(
      /^ID\s+LEVEL\s+PATTERN\s+RULE\s+EXPIRES\s+USES\s+LAST USED\s+SOURCE\s+JUSTIFICATION$/,
    );
    expect(row).toMatch(
      /^legacy\s+file\s+src\/legacy\/\*\*\s+-\s+\S+\s+0\s+never\s+cli\s+rewrite planned for Q3$/,
    );

    const asJson = await cli("list", "--repo", "acme/widgets", "--format", "json");
    const parsed = JSON.parse(asJson.stdout) as Array<Record<string, unknown>>;
    expect(parsed).toHaveLength(1);
    expect(parsed[0]).toMatchObject({
      id: "legacy",
      level: "file",
      author: "alice",
      source: "cli",
      permanent: false,
    });
    const expires = new Date(parsed[0]!.expires as string).getTime();
    expect(Math.abs(expires - (Date.now() + 30 * 86_400_000))).toBeLessThan(120_000);
  });

  it("exits 2 with the validation message on input the database rejects", async () => {
    const duplicate = await cli(
      "add",
      ...repo,
      "--id",
      "legacy",
      "--level",
      "rule",
      "--pattern",
      "x",
      "--reason",
      "y",
    );
    expect(duplicate).toMatchObject({
      code: 2,
      stderr: 'error: suppression "legacy" already exists in this repository',
    });
    const badRegex = await cli(
      "add",
      ...repo,
      "--level",
      "file",
      "--type",
      "regex",
      "--pattern",
      "a(",
      "--reason",
      "y",
    );
    expect(badRegex.code).toBe(2);
    expect(badRegex.stderr).toMatch(/^error: suppression "s-[0-9a-f]{8}": invalid regex \/a\(\/: /);
    const past = await cli(
      "add",
      ...repo,
      "--level",
      "rule",
      "--pattern",
      "x",
      "--reason",
      "y",
      "--expires",
      "2020-01-01",
    );
    expect(past).toMatchObject({ code: 2 });
    expect(past.stderr).toContain("is in the past");
  });

  it("reviews entries expiring within 7 days and unused ones, in text and JSON", async () => {
    const soon = await cli(
      "add",
      ...repo,
      "--id",
      "soon",
      "--level",
      "directory",
      "--pattern",
      "app/",
      "--reason",
      "y",
      "--expires",
      "3d",
    );
    expect(soon.code).toBe(0);
    const forever = await cli(
      "add",
      ...repo,
      "--id",
      "vendored",
      "--level",
      "rule",
      "--pattern",
      "no-orm",
      "--reason",
      "vendored",
      "--permanent",
    );
    expect(forever.code).toBe(0);
    const review = await cli("review", ...repo, "--format", "json");
    const parsed = JSON.parse(review.stdout) as Record<string, Array<{ id: string }>>;
    expect(parsed.expiringSoon?.map((s) => s.id)).toEqual(["soon"]);
    expect(parsed.unused?.map((s) => s.id)).toEqual(["legacy", "soon", "vendored"]);
    expect(parsed.expired).toEqual([]);
    const text = await cli("review", ...repo);
    expect(text.stdout).toContain("Expiring within 7 days (1)\nID");
    expect(text.stdout).toContain("Unused for 30 days or never used (3)");
  });

  it("removes a suppression (audited), and removing it again exits 2", async () => {
    const removed = await cli("remove", ...repo, "soon", "--reason", "fixed the imports");
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^Removed soon: directory glob "app"/);
    const again = await cli("remove", ...repo, "soon");
    expect(again).toMatchObject({
      code: 2,
      stderr: 'error: suppression "soon" does not exist in acme/widgets',
    });
    const store = getDb().store;
    {
      const events = await listAudit(store.db, { repository: "acme/widgets", kind: "suppression" });
      expect(events.map((e) => [e.kind, e.subject, e.actor])).toEqual([
        ["suppression.created", "legacy", "alice"],
        ["suppression.created", "soon", "alice"],
        ["suppression.created", "vendored", "alice"],
        ["suppression.removed", "soon", "alice"],
      ]);
      expect(events[3]?.data).toMatchObject({ reason: "fixed the imports", before: { id: "soon" } });
    }
  });
});
