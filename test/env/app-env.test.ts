import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeEnv, EnvError, loadEnv } from "../../src/env/app-env.ts";

const PEM = "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";

describe("loadEnv", () => {
  it("defaults to setup mode on the embedded database in ./.data", () => {
    const env = loadEnv({}, "/srv/app");
    expect(env).toMatchObject({
      appId: undefined,
      databaseUrl: undefined,
      dataDir: "/srv/app/.data",
      port: 3000,
      host: "localhost",
      webhookPath: "/api/github/webhooks",
      workers: 2,
      queueSchema: "pgboss",
      logLevel: "info",
    });
    expect(describeEnv(env)).toMatchObject({ mode: "setup", database: "pglite" });
  });

  it("reads the private key inline, with escaped newlines, base64-encoded, or from a file", () => {
    const base = { APP_ID: "12", WEBHOOK_SECRET: "s" };
    expect(loadEnv({ ...base, PRIVATE_KEY: PEM }).privateKey).toBe(PEM);
    expect(loadEnv({ ...base, PRIVATE_KEY: PEM.replaceAll("\n", "\\n") }).privateKey).toBe(PEM);
    expect(loadEnv({ ...base, PRIVATE_KEY: Buffer.from(PEM).toString("base64") }).privateKey).toBe(PEM);
    const dir = mkdtempSync(join(tmpdir(), "maestro-env-"));
    writeFileSync(join(dir, "key.pem"), PEM);
    expect(loadEnv({ ...base, PRIVATE_KEY_PATH: "key.pem" }, dir).privateKey).toBe(PEM);
    expect(() => loadEnv({ ...base, PRIVATE_KEY_PATH: "missing.pem" }, dir)).toThrow(
      /PRIVATE_KEY_PATH: cannot read missing.pem/,
    );
  });

  it("names every invalid variable", () => {
    expect(() =>
      loadEnv({
        APP_ID: "abc",
        PORT: "http",
        DATABASE_URL: "mysql://x",
        LOG_LEVEL: "loud" as never,
        MAESTRO_WORKERS: "-1",
      }),
    ).toThrow(EnvError);
    try {
      loadEnv({ APP_ID: "abc", PORT: "http", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud" as never });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ["APP_ID", "PORT", "DATABASE_URL", "LOG_LEVEL"]) expect(message).toContain(name);
    }
  });

  it("requires a key and a webhook secret once APP_ID is set, and never describes secrets", () => {
    expect(() => loadEnv({ APP_ID: "12", WEBHOOK_SECRET: "s" })).toThrow(
      /neither PRIVATE_KEY nor PRIVATE_KEY_PATH/,
    );
    expect(() => loadEnv({ APP_ID: "12", PRIVATE_KEY: PEM })).toThrow(/WEBHOOK_SECRET is not/);
    const env = loadEnv({
      APP_ID: "12",
      PRIVATE_KEY: PEM,
      WEBHOOK_SECRET: "hush",
      ANTHROPIC_API_KEY: "sk-ant-secret",
      DATABASE_URL: "postgres://u:pw@db/x",
      GITHUB_API_URL: "http://127.0.0.1:9999/",
      MAESTRO_WORKERS: "0",
    });
    expect(env).toMatchObject({ appId: 12, githubApiUrl: "http://127.0.0.1:9999", workers: 0 });
    const described = JSON.stringify(describeEnv(env));
    for (const secret of ["hush", "sk-ant-secret", "PRIVATE KEY", "pw@"])
      expect(described).not.toContain(secret);
  });
});
