/** `maestro-hive worker` needs a shared PostgreSQL: on the embedded database it is refused at once. */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { memoryIo } from "../../../src/cli/io.ts";
import { main } from "../../../src/cli/main.ts";
import { testAppKeys } from "../../harness/fake-github/index.ts";

it("refuses to run on the embedded database, saying the app runs the jobs there, and opens nothing", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "maestro-worker-"));
  try {
    const io = memoryIo(tmpdir(), {
      APP_ID: "4242",
      PRIVATE_KEY: testAppKeys().privateKey,
      WEBHOOK_SECRET: "worker-secret",
      MAESTRO_DATA_DIR: dataDir,
    });
    expect(await main(["worker"], io)).toBe(2);
    const said = io.stderr.join("\n");
    expect(said).toContain("maestro-hive worker needs DATABASE_URL");
    expect(said).toContain("the app runs the jobs itself");
    expect(readdirSync(dataDir)).toEqual([]); // no embedded database was created
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
