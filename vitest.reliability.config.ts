import { defineConfig } from "vitest/config";

/** `npm run test:reliability`: the fault suite (real PostgreSQL servers, child processes, SIGKILL). */
export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: "forks",
    setupFiles: ["test/harness/fake-github/after-each.ts"],
    fileParallelism: false,
    maxWorkers: 1,
  },
});
