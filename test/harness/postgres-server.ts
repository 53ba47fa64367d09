/**
 * A throwaway PostgreSQL server of our own (initdb into a temp dir, pg_ctl on a free port), for
 * tests that stop and restart the database. Never the machine's shared server on 5432: other
 * engineers' tests use that one. Run as the `postgres` user when we are root (initdb refuses root).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface PostgresServer {
  readonly port: number;
  readonly dataDir: string;
  /** postgres://postgres@127.0.0.1:PORT/DATABASE */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  stop(mode?: "fast" | "immediate"): void;
  start(): void;
  /** pg_ctl restart: the server is down for the length of the call. */
  restart(mode?: "fast" | "immediate"): void;
  isRunning(): boolean;
  /** Stops the server and deletes its directory. */
  destroy(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const version = versions[0];
  if (!version) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, version, "bin");
}

export function postgresBinariesAvailable(): boolean {
  try {
    binDir();
    return true;
  } catch {
    return false;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const isRoot = process.getuid?.() === 0;

function run(command: string, args: string[]): string {
  const [file, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  return execFileSync(file, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const bin = binDir();
  const dataDir = mkdtempSync(join(tmpdir(), "maestro-pg-"));
  if (isRoot) {
    const ids = execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim();
    const gid = execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim();
    chownSync(dataDir, Number(ids), Number(gid));
  }
  const port = await freePort();
  run(join(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  // Sockets in the data dir, TCP on loopback only, fsync off (a test server), quick shutdowns.
  writeFileSync(
    join(dataDir, "postgresql.auto.conf"),
    [
      `port = ${port}`,
      `listen_addresses = '127.0.0.1'`,
      `unix_socket_directories = '${dataDir}'`,
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "max_connections = 100",
      "",
    ].join("\n"),
  );
  const pgCtl = (...args: string[]) =>
    run(join(bin, "pg_ctl"), ["-D", dataDir, "-l", join(dataDir, "server.log"), "-w", "-t", "60", ...args]);

  const server: PostgresServer = {
    port,
    dataDir,
    url: (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: server.url() });
      await client.connect();
      try {
        await client.query(`create database "${name.replaceAll('"', '""')}"`);
      } finally {
        await client.end();
      }
      return server.url(name);
    },
    stop(mode = "fast") {
      pgCtl("stop", "-m", mode);
    },
    start() {
      pgCtl("start");
    },
    restart(mode = "fast") {
      pgCtl("restart", "-m", mode);
    },
    isRunning() {
      const [file, argv] = isRoot
        ? ["runuser", ["-u", "postgres", "--", join(bin, "pg_ctl"), "-D", dataDir, "status"]]
        : [join(bin, "pg_ctl"), ["-D", dataDir, "status"]];
      return spawnSync(file, argv, { stdio: "ignore" }).status === 0;
    },
    destroy() {
      if (server.isRunning()) pgCtl("stop", "-m", "immediate");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  // The file was written by root: give it to postgres before the first start.
  if (isRoot) execFileSync("chown", ["postgres:postgres", join(dataDir, "postgresql.auto.conf")]);
  server.start();
  return server;
}
