import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_FILE } from "../../src/store/data-dir-lock.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

describe("npm start without APP_ID (setup mode, embedded database)", () => {
  let child: ChildProcess;
  let dataDir: string;
  let url: string;
  const logs: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "maestro-start-"));
    child = spawn(process.execPath, [join(ROOT, "src/main.ts")], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        MAESTRO_DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    url = await new Promise<string>((resolve, reject) => {
      let buffered = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          const entry = JSON.parse(line) as Record<string, unknown>;
          logs.push(entry);
          if (entry.msg === "listening") resolve(String(entry.url));
        }
      });
      child.once("exit", (code) =>
        reject(new Error(`the app exited with ${code} before listening:\n${stderr}`)),
      );
    });
  }, 180_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("serves /healthz and /readyz on the embedded database", async () => {
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toMatchObject({ status: "ready" });
    expect(logs.find((l) => l.msg === "starting maestro-hive")).toMatchObject({
      mode: "setup",
      database: "pglite",
      dataDir,
    });
  });

  it("serves Probot's setup page with the manifest from app.yml", async () => {
    const page = await fetch(`${url}/probot`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("maestro-hive");
    // Probot puts the manifest JSON in the button's single-quoted value attribute.
    const manifest = /name="manifest"[^>]*value='([^']*)'/.exec(html)?.[1];
    expect(manifest).toBeDefined();
    const decoded = JSON.parse(manifest ?? "");
    expect(decoded.default_events).toEqual([
      "push",
      "pull_request",
      "check_run",
      "check_suite",
      "issue_comment",
      "installation",
      "installation_repositories",
      "workflow_run",
    ]);
    expect(decoded.default_permissions).toEqual({
      checks: "write",
      pull_requests: "write",
      // write: the onboarding pull request (a branch and the starter config)
      contents: "write",
      metadata: "read",
      issues: "write",
      actions: "read",
    });
    const css = await fetch(`${url}/probot/static/primer.css`);
    expect(css.headers.get("content-type")).toBe("text/css");
    const webhook = await fetch(`${url}/api/github/webhooks`, { method: "POST", body: "{}" });
    expect(webhook.status).toBe(404);
  });

  it("refuses a second app on the same embedded database: exit 2, saying which process holds it", () => {
    const second = spawnSync(process.execPath, [join(ROOT, "src/main.ts")], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, MAESTRO_DATA_DIR: dataDir, PORT: "0" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(second.status).toBe(2);
    expect(second.stderr).toContain(
      `maestro-hive: the embedded database in ${dataDir} is in use by process ${child.pid}.`,
    );
    expect(second.stderr).not.toMatch(/^\s+at /m);
  });

  it("stops cleanly on SIGTERM, and gives the directory back", async () => {
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});
