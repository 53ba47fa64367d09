/**
 * Opens the database: PostgreSQL through a `pg` pool when a URL is given, otherwise an
 * embedded PGlite database on disk (or in memory for tests). Both speak the same SQL, run
 * the same migrations and carry the same pg-boss queue.
 */
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely, PGliteDialect, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { lockDataDir } from "./data-dir-lock.ts";
import { TurnTakingPGlite } from "./pglite-turns.ts";
import type { Database } from "./schema.ts";

const INT8_OID = 20;
const BYTEA_OID = 17;

export type Backend = "pglite" | "postgres";

export interface StoreOptions {
  /** postgres://… — use a PostgreSQL server. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded database (ignored with databaseUrl). */
  dataDir?: string | undefined;
  /** An already open PGlite instance (tests share one per file). */
  pglite?: PGlite | undefined;
  /** PostgreSQL schema to put first on the search path (per-test isolation). */
  schema?: string | undefined;
  /** Pool size for PostgreSQL. */
  poolSize?: number | undefined;
  /**
   * Told when an idle pooled connection breaks (the server restarted, a network cut). The pool
   * drops that connection and opens a new one on the next query; without a listener the
   * `error` event would crash the process.
   */
  onPoolError?: ((error: Error) => void) | undefined;
}

export interface Store {
  readonly db: Kysely<Database>;
  readonly backend: Backend;
  /** The embedded instance, when backend is pglite (pg-boss runs on it too). */
  readonly pglite: PGlite | undefined;
  readonly databaseUrl: string | undefined;
  readonly schema: string | undefined;
  close(): Promise<void>;
}

export function openStore(options: StoreOptions): Store {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options);
  const pglite = options.pglite ?? openPglite(options.dataDir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
  const ownsInstance = options.pglite === undefined;
  return {
    db,
    backend: "pglite",
    pglite,
    databaseUrl: undefined,
    schema: undefined,
    async close() {
      if (ownsInstance && !pglite.closed) await pglite.close();
    },
  };
}

/**
 * PostgreSQL's shared memory lives in PGlite's WebAssembly memory, inside the app process, and
 * all of it is resident from the start (Emscripten zero-fills it): 24 MB with 16 MB of shared
 * buffers and the default 100 connections' lock and process tables (bench/app-memory). The
 * embedded database serves one app through one backend (PGlite runs PostgreSQL in single-user
 * mode), and its pages are in the OS page cache anyway: 8 MB of buffers and room for 5
 * connections (the fewest PostgreSQL starts with, above its 3 reserved ones) bring it to 12 MB.
 *
 * `wal_init_zero=off`: PostgreSQL fills each new 16 MB WAL segment with zeros before using it. The
 * embedded database runs on the event loop that answers webhooks, and that fill (16 MB written 8 kB
 * at a time, into a file the in-memory file system regrows in 12% steps) stalled it for up to
 * ~100 ms, once every ~2,300 deliveries. Off, the segment is sized with one write; the fill only
 * reserves disk space early, which a full disk defeats for the embedded database anyway.
 */
const PGLITE_SETTINGS = ["shared_buffers=8MB", "max_connections=5", "wal_init_zero=off"];
/**
 * A PGlite instance whose bigint columns read as numbers and bytea as Buffers, like the pg
 * pool's. `loadDataDir` starts it from a dump (PGlite's dumpDataDir) instead of running initdb.
 * Its statements let the event loop take turns between them (pglite-turns.ts). A directory is
 * held by one process at a time (data-dir-lock.ts) until the instance closes.
 */
export function openPglite(dataDir?: string, options: { loadDataDir?: Blob } = {}): PGlite {
  let release: (() => void) | undefined;
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    release = lockDataDir(dataDir);
  }
  // One options object: `new PGlite(undefined, options)` ignores `options` (it reads a first
  // argument that is not a string as the options), so an in-memory database lost all of these.
  return new TurnTakingPGlite({
    onClosed: release,
    ...(dataDir ? { dataDir } : {}),
    startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS.flatMap((setting) => ["-c", setting])],
    parsers: {
      [INT8_OID]: (value: string) => Number(value),
      // PGlite's own bytea codecs go through one JS string or number per byte; blobs and
      // payloads are megabytes. A Uint8Array parameter is sent as binary, unconverted.
      [BYTEA_OID]: (value: string) => Buffer.from(value.slice(2), "hex"),
    },
    serializers: { [BYTEA_OID]: (value: unknown) => value as string },
    ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
  });
}

function openPostgres(databaseUrl: string, options: StoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    ...(options.schema ? { options: `-c search_path=${quoteIdentifier(options.schema)}` } : {}),
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format ?? "text")) as never,
    },
  });
  pool.on("error", (error) => options.onPoolError?.(error));
  // pg-pool listens for errors only on idle clients. A checked-out client (a transaction between
  // statements, a running query) whose server goes away emits "error" too, and without a listener
  // EventEmitter throws it and the process dies. Its query or its next one rejects with the error,
  // and the pool drops the client on release, so the listener has nothing more to do.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    backend: "postgres",
    pglite: undefined,
    databaseUrl,
    schema: options.schema,
    async close() {
      await db.destroy();
    },
  };
}

/** Asks the database for `select 1`: throws when it does not answer. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Quotes an SQL identifier (schema names come from our own code, but stay safe anyway). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Store options from the raw environment, for CLI commands that need the database but not the
 * whole app environment: DATABASE_URL, else the embedded database in MAESTRO_DATA_DIR
 * (default ./.data). With the embedded database, one process at a time: stop the app first.
 */
export function storeOptionsFromEnv(env: NodeJS.ProcessEnv, cwd: string): StoreOptions {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  return databaseUrl ? { databaseUrl } : { dataDir: resolve(cwd, env.MAESTRO_DATA_DIR?.trim() || ".data") };
}
