/** GitHub's X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body with the webhook secret. */
import { createHmac, timingSafeEqual } from "node:crypto";

export function signPayload(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Constant-time check of a signature header against the raw body. */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!header || !/^sha256=[0-9a-f]{64}$/i.test(header)) return false;
  const expected = Buffer.from(signPayload(secret, body), "utf8");
  const actual = Buffer.from(header.toLowerCase(), "utf8");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
