/**
 * The Anthropic SDK is imported with the first client (src/ai/client.ts), not with the app:
 * an app that never explains a finding does not carry its ~250 modules.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const EXPLAIN = new URL("../../src/ai/explain.ts", import.meta.url).href;
const CLIENT = new URL("../../src/ai/client.ts", import.meta.url).href;

/** In a fresh process: whether any SDK module was resolved after importing explain.ts (then making a client). */
function sdkLoaded(makeClient: boolean): boolean {
  const script = `
    import { registerHooks } from "node:module";
    let loaded = false;
    registerHooks({ resolve(specifier, context, next) {
      const resolved = next(specifier, context);
      if (resolved.url.includes("/@anthropic-ai/sdk/")) loaded = true;
      return resolved;
    } });
    await import(${JSON.stringify(EXPLAIN)});
    if (${makeClient}) {
      const { createAnthropicClient } = await import(${JSON.stringify(CLIENT)});
      await createAnthropicClient({ apiKey: "test-key" });
    }
    console.log(JSON.stringify(loaded));
  `;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: fileURLToPath(new URL("../../", import.meta.url)),
    encoding: "utf8",
  });
  return JSON.parse(out.trim()) as boolean;
}

describe("the Anthropic SDK", () => {
  it("is not loaded with the explanation code", () => {
    expect(sdkLoaded(false)).toBe(false);
  });

  it("is loaded when a client is made", () => {
    expect(sdkLoaded(true)).toBe(true);
  });
});
