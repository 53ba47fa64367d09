/** The fake Messages API refuses what the real one would, so passing tests mean well-formed requests. */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FAKE_API_KEY, type FakeAnthropic, startFakeAnthropic } from "./fake-anthropic.ts";

let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const GOOD = {
  model: "claude-sonnet-4-6",
  max_tokens: 400,
  system: "explain",
  messages: [{ role: "user", content: "why?" }],
};

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fake.url}/v1/messages`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "anthropic-version": "2023-06-01",
      "x-api-key": "k",
      ...headers,
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

describe("fake Anthropic Messages API", () => {
  it("answers a well-formed request with a message and usage", async () => {
    const response = await post(GOOD);
    expect(response.status).toBe(200);
    const message = (await response.json()) as { content: { type: string; text: string }[]; usage: unknown };
    expect(message.content[0]?.type).toBe("text");
    expect(message.usage).toMatchObject({ output_tokens: 45 });
    expect(fake.violations).toEqual([]);
    expect(fake.requests[0]?.userText).toBe("why?");
  });

  it.each([
    ["no API key", GOOD, { "x-api-key": "" }, /no API key/],
    ["no anthropic-version", GOOD, { "anthropic-version": "" }, /anthropic-version/],
    ["unbounded max_tokens", { ...GOOD, max_tokens: 64_000 }, {}, /max_tokens/],
    ["no system prompt", { ...GOOD, system: undefined }, {}, /system/],
    ["an empty messages array", { ...GOOD, messages: [] }, {}, /messages/],
    ["a message without role", { ...GOOD, messages: [{ content: "x" }] }, {}, /messages\.0\.role/],
    ["an unknown field", { ...GOOD, prompt: "x" }, {}, /prompt/],
    ["a body that is not JSON", "{nope", {}, /not a JSON object/],
  ])("refuses %s with 400 and records the violation", async (_name, body, headers, problem) => {
    const response = await post(body, headers as Record<string, string>);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    expect(fake.violations.join("\n")).toMatch(problem);
  });

  it("accepts the SDK's own requests (its key travels as a Bearer token)", async () => {
    const client = new Anthropic({
      apiKey: FAKE_API_KEY,
      authToken: null,
      baseURL: fake.url,
      logLevel: "off",
    });
    const message = await client.messages.create({ ...GOOD, messages: [{ role: "user", content: "why?" }] });
    expect(message.content[0]).toMatchObject({ type: "text" });
    expect(fake.violations).toEqual([]);
    expect(fake.requests[0]?.headers.authorization).toBe(`Bearer ${FAKE_API_KEY}`);
  });
});
