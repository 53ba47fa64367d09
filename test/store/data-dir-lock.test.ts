/**
 * One process at a time on an embedded database directory (src/store/data-dir-lock.ts): a
 * second open, from this process or another, is refused with a message that says what to do,
 * the first process's data survives, and a lock whose process is gone is taken over.
 */
import { spawn, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { openPglite } from "../../src/store/connect.ts";
import {
  DataDirInUseError,
  LOCK_FILE,
  lockDataDir,
  removeLockIfUnchanged,
} from "../../src/store/data-dir-lock.ts";

const BIN = join(import.meta.dirname, "../../bin/maestro-hive.js");

describe("embedded database directory lock", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "maestro-lock-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses a second open, here and from another process, and the first one's rows survive", async () => {
    const pglite = openPglite(dir);
    await pglite.exec("create table kept (n int); insert into kept select generate_series(1, 100)");
    expect(() => openPglite(dir)).toThrow(DataDirInUseError);
    expect(() => openPglite(dir)).toThrow(`in use by process ${process.pid} (this one)`);

    // A command of the CLI, as an operator would run it beside the app: exit 2, one clear line.
    const other = spawnSync(process.execPath, [BIN, "audit", "verify"], {
      env: { ...process.env, MAESTRO_DATA_DIR: dir, DATABASE_URL: "" },
      encoding: "utf8",
    });
    expect(other.status).toBe(2);
    expect(other.stderr).toContain(`the embedded database in ${dir} is in use by process ${process.pid}.`);
    expect(other.stderr).toContain("DATABASE_URL");
    expect(other.stderr).not.toMatch(/^\s+at /m); // no stack trace

    // In this process, through the dispatcher too.
    const io = memoryIo(tmpdir(), { MAESTRO_DATA_DIR: dir });
    expect(await main(["db", "status"], io)).toBe(2);
    expect(io.stderr.join("\n")).toContain("(this one)");

    await pglite.exec("insert into kept values (101)");
    await pglite.close();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const reopened = openPglite(dir);
    const { rows } = await reopened.query<{ n: number }>("select count(*) as n from kept");
    expect(rows).toEqual([{ n: 101 }]);
    await reopened.close();
  });

  it("takes over a lock whose process is gone, or that names no process", () => {
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    for (const content of [`${gone}\n`, "not a pid\n", ""]) {
      writeFileSync(join(dir, LOCK_FILE), content);
      const release = lockDataDir(dir);
      release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }
  });

  it("lets one of two processes that judged the same lock stale take it over, not both", () => {
    const file = join(dir, LOCK_FILE);
    const gone = spawnSync(process.execPath, ["-e", "0"]).pid;
    writeFileSync(file, `${gone} ${hostname()}\n`);
    // Both processes read this lock and found its holder gone.
    const stale = statSync(file);
    const judged = { inode: stale.ino, modifiedMs: stale.mtimeMs, text: readFileSync(file, "utf8") };

    // The first removes it and takes the directory.
    removeLockIfUnchanged(file, judged);
    expect(existsSync(file)).toBe(false);
    const release = lockDataDir(dir);
    // A new file system may give it the inode of the one removed: that alone does not make it the same lock.
    const taken = { content: readFileSync(file, "utf8"), inode: statSync(file).ino };
    expect(taken.content).toBe(`${process.pid} ${hostname()}\n`);

    // The second, a moment later, removes what it judged: the lock there now is another file, and stays.
    removeLockIfUnchanged(file, judged);
    expect({ content: readFileSync(file, "utf8"), inode: statSync(file).ino }).toEqual(taken);
    expect(readdirSync(dir)).toEqual([LOCK_FILE]); // nothing left aside

    release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("judges a lock from another host (a container sharing the volume) by its heartbeat, not its process id", async () => {
    const lock = join(dir, LOCK_FILE);
    // A live holder elsewhere, whose id here belongs to this very process: still in use.
    writeFileSync(lock, `${process.pid} replica-2\n`);
    expect(() => lockDataDir(dir)).toThrow(`in use by process ${process.pid} on replica-2.`);
    // Not touched for a minute: its holder is gone, and the lock is taken over.
    const aMinuteAgo = new Date(Date.now() - 60_000);
    utimesSync(lock, aMinuteAgo, aMinuteAgo);
    const release = lockDataDir(dir, { heartbeatMs: 20, staleMs: 30_000 });
    expect(readFileSync(lock, "utf8")).toBe(`${process.pid} ${hostname()}\n`);
    // The holder touches it while it holds it.
    utimesSync(lock, aMinuteAgo, aMinuteAgo);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(Date.now() - statSync(lock).mtimeMs).toBeLessThan(5_000);
    release();
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over a lock left by this host's previous run with this process's id (a restarted container)", () => {
    writeFileSync(join(dir, LOCK_FILE), `${process.pid} ${hostname()}\n`);
    const release = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow("(this one)"); // now held here, so refused
    release();
  });

  it("refuses while the process named in the lock runs, and opens once it has ended", async () => {
    const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60_000)"]);
    try {
      writeFileSync(join(dir, LOCK_FILE), `${holder.pid} ${hostname()}\n`);
      expect(() => lockDataDir(dir)).toThrow(`in use by process ${holder.pid}.`);
    } finally {
      const ended = new Promise((resolve) => holder.once("exit", resolve));
      holder.kill();
      await ended;
    }
    const release = lockDataDir(dir);
    release();
  });
});
