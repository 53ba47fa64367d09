/**
 * Probot's documented environment (probot.github.io/docs/configuration): GHE_HOST /
 * GHE_PROTOCOL, WEBHOOK_PATH, LOG_FORMAT, LOG_LEVEL, LOG_LEVEL_IN_STRING, LOG_MESSAGE_KEY,
 * SENTRY_DSN, WEBHOOK_PROXY_URL — parsed with Probot's meaning, then used by the running app.
 */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadEnv } from "../../src/env/app-env.ts";
import { setUpSentry, startWebhookProxy } from "../../src/server/integrations.ts";
import { createLogger } from "../../src/server/log.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, stream };
}

describe("Probot's environment variables", () => {
  it("GHE_HOST and GHE_PROTOCOL make the API PROTOCOL://HOST/api/v3, as Probot's createProbot does", () => {
    expect(loadEnv({ GHE_HOST: "ghe.example.com" }).githubApiUrl).toBe("https://ghe.example.com/api/v3");
    expect(loadEnv({ GHE_HOST: "ghe.local:8443", GHE_PROTOCOL: "http" })).toMatchObject({
      githubApiUrl: "http://ghe.local:8443/api/v3",
      githubHost: "ghe.local:8443",
    });
    expect(loadEnv({}).githubApiUrl).toBeUndefined();
    // An explicit API URL wins (a proxy in front of GHES, or the tests' fake).
    expect(loadEnv({ GHE_HOST: "ghe.local", GITHUB_API_URL: "http://127.0.0.1:9/" }).githubApiUrl).toBe(
      "http://127.0.0.1:9",
    );
    expect(() => loadEnv({ GHE_HOST: "https://ghe.local/api" })).toThrow(/GHE_HOST: must be a host name/);
    expect(() => loadEnv({ GHE_PROTOCOL: "ftp" })).toThrow(/GHE_PROTOCOL/);
  });

  it("LOG_FORMAT, LOG_LEVEL_IN_STRING and LOG_MESSAGE_KEY shape the log lines", () => {
    const env = loadEnv({ LOG_FORMAT: "json", LOG_LEVEL_IN_STRING: "true", LOG_MESSAGE_KEY: "message" });
    const json = capture();
    createLogger(
      { level: env.logLevel, levelInString: env.logLevelInString, messageKey: env.logMessageKey },
      json.stream,
    ).info("hello");
    expect(JSON.parse(json.lines[0]!)).toMatchObject({
      level: "info",
      message: "hello",
      app: "maestro-hive",
    });
    expect(() => loadEnv({ LOG_FORMAT: "xml" } as unknown as NodeJS.ProcessEnv)).toThrow(/LOG_FORMAT/);
    expect(loadEnv({}).logFormat).toBe("json");
    expect(loadEnv({ LOG_FORMAT: "pretty" }).logFormat).toBe("pretty");
  });

  it("errors reach the SENTRY_DSN sink; without @sentry/node installed the app says what to install", async () => {
    const seen: string[] = [];
    const out = capture();
    const log = createLogger({ level: "info", onError: ({ message }) => seen.push(message) }, out.stream);
    log.info("fine");
    log.error({ err: new Error("boom") }, "job failed");
    expect(seen).toEqual(["job failed"]);
    expect(loadEnv({ SENTRY_DSN: "https://key@o1.ingest.sentry.io/1" }).sentryDsn).toContain("sentry.io");
    const setup = await setUpSentry("https://key@o1.ingest.sentry.io/1");
    expect(setup.sink).toBeUndefined();
    expect(setup.warning).toContain("npm install @sentry/node");
  });

  it("WEBHOOK_PROXY_URL without smee-client installed: a clear warning, no download", async () => {
    const out = capture();
    const log = createLogger("info", out.stream);
    const proxy = await startWebhookProxy("https://smee.io/abc", "http://127.0.0.1:3000/hooks", log);
    expect(proxy).toBeUndefined();
    expect(out.lines.join("")).toContain("npm install --save-dev smee-client");
  });
});
