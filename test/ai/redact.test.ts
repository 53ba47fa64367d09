import { describe, expect, it } from "vitest";
import { isSensitivePath, REDACTED, redactSecrets, shannonEntropy } from "../../src/ai/redact.ts";

// Built at run time so the repository itself never holds a string that looks like a live key.
const ghp = `ghp_${"A1b2C3d4E5".repeat(3)}abcdef`;
const fineGrained = `github_pat_11ABCDEFG0${"x9Y8z7W6v5".repeat(5)}`;
const anthropicKey = `sk-ant-api03-${"Qw3rTy8uI0oP".repeat(4)}-AAAA`;
const awsKey = `AKIA${"IOSFODNN7EXAMPL"}`;
const randomBase64 = "t9Kx2PqZ8vLm4RfW7nYc3HbJ6gDs1QeVu5AoXiT0kEy";
const privateKey = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIEowIBAAKCAQEA0Z3VS5JJcds3xfn/ygWyF0qJQyXoQz9xGvZ1cT2d3e4f5g6h",
  "7i8j9k0l1m2n3o4p5q6r7s8t9u0v1w2x3y4z5A6B7C8D9E0F1G2H3I4J5K6L7M8N",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

function redact(text: string): string {
  return redactSecrets(text).text;
}

describe("redactSecrets", () => {
  it.each([
    ["a GitHub classic token", `const token = "${ghp}";`, ghp],
    ["a GitHub token in prose", `use ${ghp} to authenticate`, ghp],
    ["a fine-grained GitHub token", `auth(${fineGrained})`, fineGrained],
    ["an Anthropic key", `client = Anthropic(${JSON.stringify(anthropicKey)})`, anthropicKey],
    ["an AWS access key id", `aws_access_key_id = ${awsKey}`, awsKey],
    ["a long random string", `const blob = "${randomBase64}";`, randomBase64],
    ["a 40-hex secret", `hmac("${"a3f9".repeat(10)}")`, "a3f9".repeat(10)],
  ])("removes %s", (_name, input, secret) => {
    const { text, count } = redactSecrets(input);
    expect(text).not.toContain(secret);
    expect(text).toContain(REDACTED);
    expect(count).toBeGreaterThanOrEqual(1);
  });

  it("removes a whole private key block, even one cut off before its END line", () => {
    const full = redact(`key = """\n${privateKey}\n"""`);
    expect(full).toContain("[REDACTED PRIVATE KEY]");
    expect(full).not.toContain("MIIEowIBAAKCAQEA");
    expect(full).not.toContain("7i8j9k0l1m2n");
    const truncated = redact(privateKey.split("\n").slice(0, 2).join("\n"));
    expect(truncated).toBe("[REDACTED PRIVATE KEY]");
  });

  it("removes password-like assignments but keeps the name, so the code still reads", () => {
    expect(redact(`password = "hunter2"`)).toBe(`password = "${REDACTED}"`);
    expect(redact(`DB_PASSWORD: 'correct horse'`)).toBe(`DB_PASSWORD: '${REDACTED}'`);
    expect(redact(`{"client_secret": "abc.def"}`)).toBe(`{"client_secret": "${REDACTED}"}`);
    expect(redact("apiKey: s3cr3tvalue,")).toBe(`apiKey: ${REDACTED},`);
    expect(redact("password: hunter2")).toBe(`password: ${REDACTED}`);
  });

  it("keeps code that only names a secret: calls, member accesses, type annotations, numbers", () => {
    for (const line of [
      "const token = getToken();",
      "password: this.password,",
      "function login(user: string, password: string) {",
      "const secret = config.secret;",
      "maxTokens = 400",
    ]) {
      expect(redact(line)).toBe(line);
    }
  });

  it("removes the values of .env-style lines, keeping harmless ones", () => {
    const env = ["DATABASE_URL=postgres://app:pw@db/app", "export STRIPE_KEY=abc", "DEBUG=true", "PORT=3000"];
    const out = redact(env.join("\n")).split("\n");
    expect(out[0]).toBe(`DATABASE_URL=${REDACTED}`);
    expect(out[1]).toBe(`export STRIPE_KEY=${REDACTED}`);
    expect(out[2]).toBe("DEBUG=true");
    expect(out[3]).toBe("PORT=3000");
  });

  it("removes credentials inside URLs", () => {
    expect(redact("fetch('https://bob:pa55word@example.com/x')")).toBe(
      `fetch('https://${REDACTED}@example.com/x')`,
    );
  });

  it("leaves ordinary code alone: imports, long paths, long identifiers", () => {
    const code = [
      'import { UserRepository } from "../../data/repositories/user_repository_implementation";',
      "from app.services.billing.invoices import calculate_invoice_totals_for_customer",
      "export function createOrderWithPaymentAndShippingDetails(order: Order): Promise<void> {",
      "const x = a + b; // TODO: refactor",
    ].join("\n");
    expect(redactSecrets(code)).toEqual({ text: code, count: 0 });
  });

  it("measures entropy: random strings score high, words low", () => {
    expect(shannonEntropy(randomBase64)).toBeGreaterThan(4.5);
    expect(shannonEntropy("aaaaaaaaaaaaaaaa")).toBe(0);
    expect(shannonEntropy("calculate_invoice_totals_for_customer")).toBeLessThan(4.2);
  });
});

describe("isSensitivePath", () => {
  it.each([
    ".env",
    "config/.env.production",
    "deploy/prod.env",
    "certs/server.pem",
    "keys/id_rsa",
    ".npmrc",
    "secrets.yaml",
  ])("treats %s as holding secrets", (path) => expect(isSensitivePath(path)).toBe(true));
  it.each(["src/env.ts", "app/environment.py", "src/keys.ts", "README.md"])("treats %s as code", (path) =>
    expect(isSensitivePath(path)).toBe(false),
  );
});

describe("redactSecrets: issue 14's cases and any secret assignment by name", () => {
  const bearer = `Ab3dEf6hIj${"9kLmN0pQrS"}`; // 20 characters
  const basic = Buffer.from("admin:s3cr3t-pass").toString("base64");
  const hmacHex = "0123456789abcdef01234567";

  it.each([
    ["db_pass=…", "db_pass=hunter2hunter2", "hunter2hunter2"],
    ['pw = "…"', 'pw = "Tr0ub4dor&3"', "Tr0ub4dor&3"],
    ["a 20-character Bearer token", `Authorization: Bearer ${bearer}`, bearer],
    ["a Basic credential", `headers["Authorization"] = "Basic ${basic}"`, basic],
    ["a 24-hex hmac", `hmac: ${hmacHex}`, hmacHex],
    ["camelCase dbPassword", 'const dbPassword = "correct horse";', "correct horse"],
    ["SCREAMING_CASE in YAML", "SMTP_PASSWD: p4ssw0rd!", "p4ssw0rd!"],
    ["kebab-case key", "client-secret: abc123xyz", "abc123xyz"],
    ["JSON quoted key", '{"apiKey": "k-123456"}', "k-123456"],
    ["Python keyword argument", 'connect(user="bob", passwd="s3cret!")', "s3cret!"],
    ["Ruby hash rocket", ':token => "tok_98765"', "tok_98765"],
    ["Go short declaration", 'accessKey := "AK123456"', "AK123456"],
    ["private_key", "private_key = xyz987", "xyz987"],
    ["credentials", "CREDENTIALS=user:pw", "user:pw"],
    ["auth", 'auth: "u:p@ss"', "u:p@ss"],
    ["a .env line", "export SESSION_SECRET=changeme-now", "changeme-now"],
    ["dotted name", 'config.db.password = "pg-pass"', "pg-pass"],
  ])("removes %s", (_name, input, secret) => {
    const { text, count } = redactSecrets(input);
    expect(text).not.toContain(secret);
    expect(text).toContain(REDACTED);
    expect(count).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ["a name that merely contains 'pass'", 'compass = "north"'],
    ["bypass", 'bypass_cache = "yes"'],
    ["passenger", "passengers: 3"],
    ["a tokenizer", "const tokenizer = new Tokenizer();"],
    ["a sort key", 'sort_key = "name"'],
    ["a monkey", 'monkey = "george"'],
    ["prose about Basic auth", "Basic authentication is used by the proxy"],
    ["prose about Bearer", "Bearer authentication is described in RFC 6750"],
    ["a password type annotation", "password: string;"],
    ["a call", "token = fetch_token()"],
    ["a member access", "secret: this.secret,"],
    ["a boolean", "auth: true"],
  ])("keeps %s", (_name, input) => {
    expect(redactSecrets(input)).toEqual({ text: input, count: 0 });
  });
});
