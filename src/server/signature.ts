/**
 * GitHub's X-Hub-Signature-256: "sha256=" + hex HMAC-SHA256 of the raw body with the webhook
 * secret. Kept here rather than @octokit/webhooks' `verify`: that one takes the body as a
 * string and signs its UTF-8 re-encoding, so a body GitHub signed as bytes that are not valid
 * UTF-8 would be refused (octokit/webhooks.js#1155); test/bad-input/webhooks.test.ts pins that
 * such a body is accepted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export function signPayload(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** A header of the right shape ("sha256=" + 64 hex digits); checked before the body is read. */
export function isSignatureHeader(header: string | undefined): header is string {
  return header !== undefined && /^sha256=[0-9a-f]{64}$/i.test(header);
}

/** Constant-time check of a signature header against the raw body. */
export function verifySignature(secret: string, body: Buffer, header: string | undefined): boolean {
  if (!isSignatureHeader(header)) return false;
  const expected = Buffer.from(signPayload(secret, body), "utf8");
  const actual = Buffer.from(header.toLowerCase(), "utf8");
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
