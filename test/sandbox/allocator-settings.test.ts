import { describe, expect, it } from "vitest";
import { allocatorSettings } from "../../src/sandbox/pool.ts";

describe("allocatorSettings: the only environment an analysis child gets", () => {
  it("passes glibc's numeric MALLOC_* tuning and nothing else", () => {
    const env = {
      MALLOC_MMAP_THRESHOLD_: "131072",
      MALLOC_ARENA_MAX: "2",
      MALLOC_TRIM_THRESHOLD_: "not a number",
      GITHUB_PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----",
      DATABASE_URL: "postgres://user:secret@db/maestro",
      MALLOC_TOKEN_: "123abc",
      NODE_OPTIONS: "--max-old-space-size=512",
    };
    expect(allocatorSettings(env)).toEqual({ MALLOC_MMAP_THRESHOLD_: "131072", MALLOC_ARENA_MAX: "2" });
    expect(allocatorSettings({})).toEqual({});
  });
});
