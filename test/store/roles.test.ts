/**
 * The two database roles on the real PostgreSQL server (runs when DATABASE_URL is set): the SQL
 * `maestro-hive db roles` prints, migrations by the owner, and an app running as the app role —
 * which starts without trying DDL, reports pending migrations on /readyz, takes webhooks once
 * the owner migrated, and can neither rewrite audit rows nor switch off the trigger that guards them.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { sql } from "kysely";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryIo } from "../../src/cli/io.ts";
import { main } from "../../src/cli/main.ts";
import { loadEnv } from "../../src/env/app-env.ts";
import { HandlerRegistry } from "../../src/jobs/handlers.ts";
import { handleInstallation } from "../../src/jobs/installation-handlers.ts";
import { type RunningApp, startApp } from "../../src/server/app.ts";
import { appendAudit, listAudit, verifyAudit } from "../../src/store/audit.ts";
import { openStore, type Store } from "../../src/store/connect.ts";
import { migrateIfAllowed } from "../../src/store/migrate.ts";
import { rolesSetupSql } from "../../src/store/roles.ts";
import { adminQuery } from "../harness/db.ts";
import { sendWebhook } from "../harness/webhooks.ts";

const SUPERUSER_URL = process.env.DATABASE_URL;
const SECRET = "roles-test-secret";

describe.skipIf(!SUPERUSER_URL)("two database roles on PostgreSQL", () => {
  const suffix = randomBytes(4).toString("hex");
  const names = {
    owner: `t_owner_${suffix}`,
    app: `t_app_${suffix}`,
    schema: `t_roles_${suffix}`,
    queueSchema: `t_roles_${suffix}_queue`,
  };
  const urlAs = (role: string) => {
    const url = new URL(SUPERUSER_URL ?? "");
    url.username = role;
    url.password = "";
    return url.toString();
  };
  let app: RunningApp | undefined;
  let appStore: Store;

  const superuser = (text: string) => adminQuery(SUPERUSER_URL ?? "", text);

  async function cli(role: string, ...args: string[]) {
    const io = memoryIo(tmpdir(), { DATABASE_URL: urlAs(role) });
    const code = await main(args, io);
    return { code, stdout: io.stdout.join("\n"), stderr: io.stderr.join("\n") };
  }

  async function readyz() {
    const response = await fetch(`${app?.url}/readyz`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    const printed = await cli("postgres", "db", "roles", ...Object.entries(names).flatMap(flag));
    expect(printed.code).toBe(0);
    await superuser(printed.stdout);
    // The roles' search_path (set by that SQL) is what puts them in the schema: no schema option here.
    appStore = openStore({ databaseUrl: urlAs(names.app), poolSize: 3 });
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const env = loadEnv({
      APP_ID: "4242",
      PRIVATE_KEY: privateKey,
      WEBHOOK_SECRET: SECRET,
      DATABASE_URL: urlAs(names.app),
      MAESTRO_QUEUE_SCHEMA: names.queueSchema,
      MAESTRO_WORKERS: "1",
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
    });
    app = await startApp(env, {
      log: pino({ level: "silent" }),
      pollingIntervalSeconds: 0.5,
      registry: new HandlerRegistry().on("installation", "installations", handleInstallation),
    });
  });

  afterAll(async () => {
    await app?.stop();
    await appStore?.close();
    await superuser(
      `drop schema if exists ${names.schema} cascade; drop schema if exists ${names.queueSchema} cascade;
       drop owned by ${names.app}, ${names.owner} cascade; drop role if exists ${names.app}; drop role if exists ${names.owner};`,
    );
  });

  it("the app starts as the app role before any migration, tries no DDL and says so on /readyz", async () => {
    const prepared = await migrateIfAllowed(appStore.db);
    expect(prepared.access).toEqual({ role: names.app, canMigrate: false, ownsAuditTrail: false });
    expect(prepared.pending).toContain("0001_foundation");
    const ready = await readyz();
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      checks: {
        migrations: {
          ok: false,
          pending: expect.arrayContaining(["0001_foundation"]),
          error: expect.stringMatching(/db migrate/),
        },
        queue: { ok: true },
        database: { ok: true },
      },
    });
    const refused = await cli(names.app, "db", "migrate");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/does not own the tables and cannot migrate them/);
    const audit = await cli(names.app, "audit", "verify");
    expect(audit.code).toBe(2);
    expect(audit.stderr).toMatch(
      /may not migrate it: run `maestro-hive db migrate` with the table owner's DATABASE_URL/,
    );
  });

  it("the owner migrates and grants; the running app becomes ready and takes webhooks", async () => {
    const migrated = await cli(names.owner, "db", "migrate", "--app-role", names.app);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/applied:\n {2}0001_foundation/);
    expect(migrated.stdout).toContain(`granted the app role "${names.app}"`);
    await expect.poll(async () => (await readyz()).status, { timeout: 10_000 }).toBe(200);

    const sent = await sendWebhook({
      url: `${app?.url}/api/github/webhooks`,
      secret: SECRET,
      event: "installation",
      action: "created",
    });
    expect(sent.status).toBe(202);
    // Appended after the answer by the app's delivery audit appender, which the app role may do.
    await expect
      .poll(async () => (await listAudit(appStore.db, { kind: "delivery.received" })).map((r) => r.subject), {
        timeout: 10_000,
      })
      .toContain(`delivery:${sent.deliveryId}`);
    // A later migrate, without --app-role, keeps granting the role granted before.
    const again = await cli(names.owner, "db", "migrate");
    expect(again.stdout).toContain(`granted the app role "${names.app}"`);
  });

  it("the app role appends audit rows but cannot change, delete, truncate or unguard them", async () => {
    const { db } = appStore;
    const row = await appendAudit(db, { chain: 77, kind: "command", actor: "alice" });
    const refusals: Array<[string, RegExp]> = [
      [
        `update audit_events set actor = 'mallory' where seq = ${row.seq}`,
        /permission denied for table audit_events/,
      ],
      [`delete from audit_events where seq = ${row.seq}`, /permission denied for table audit_events/],
      ["truncate audit_events", /permission denied for table audit_events/],
      [
        "alter table audit_events disable trigger audit_events_append_only",
        /must be owner of table audit_events/,
      ],
      ["alter table audit_events disable trigger all", /must be owner of table audit_events/],
      [
        "drop trigger audit_events_append_only on audit_events",
        /must be owner of (table|relation) audit_events/,
      ],
      ["drop table audit_events", /must be owner of table audit_events/],
      [`alter table audit_events owner to ${names.app}`, /must be owner of table audit_events/],
      [
        "create trigger t before insert on audit_events for each row execute function audit_events_refuse_change()",
        /permission denied for table audit_events/,
      ],
      ["create table audit_shadow (x int)", /permission denied for schema/],
      [`set role ${names.owner}`, /permission denied to set role/],
      ["set session_replication_role = replica", /permission denied to set parameter/],
      [
        `insert into maestro_migrations (name, timestamp) values ('9999_fake', 'now')`,
        /permission denied for table maestro_migrations/,
      ],
    ];
    for (const [statement, refusal] of refusals) {
      await expect(sql.raw(statement).execute(db), statement).rejects.toThrow(refusal);
    }
    expect((await listAudit(db, { chain: 77 })).map((r) => r.actor)).toEqual(["alice"]);
    expect((await verifyAudit(db, { chain: 77 })).ok).toBe(true);
    // The rest of the state is the app's to change.
    await sql`update installations set account_login = account_login`.execute(db);
    await sql`delete from pr_comments where false`.execute(db);
  });
});

function flag([name, value]: [string, string]): string[] {
  return [`--${name === "queueSchema" ? "queue-schema" : name}`, value];
}

describe("rolesSetupSql", () => {
  it("grants the owner the public schema instead of creating one, and takes only plain identifiers", () => {
    const text = rolesSetupSql({
      owner: "maestro_owner",
      app: "maestro_app",
      schema: "public",
      queueSchema: "pgboss",
    });
    expect(text).toContain("GRANT USAGE, CREATE ON SCHEMA public TO maestro_owner;");
    expect(text).toContain("REVOKE CREATE ON SCHEMA public FROM maestro_app;");
    expect(text).toContain("CREATE SCHEMA IF NOT EXISTS pgboss AUTHORIZATION maestro_app;");
    expect(text).not.toContain("search_path");
    expect(() => rolesSetupSql({ owner: "x; drop", app: "a", schema: "public", queueSchema: "q" })).toThrow(
      /--owner must be a lowercase SQL identifier/,
    );
    expect(() => rolesSetupSql({ owner: "same", app: "same", schema: "public", queueSchema: "q" })).toThrow(
      /two different roles/,
    );
  });
});
