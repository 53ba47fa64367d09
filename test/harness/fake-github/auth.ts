/** GitHub App authentication as GitHub does it: RS256 app JWTs, then installation tokens (ghs_…). */
import { createPublicKey, generateKeyPairSync, type KeyObject, randomBytes, verify } from "node:crypto";

export interface AppKeys {
  /** PKCS#8 PEM, what Probot takes as PRIVATE_KEY. */
  privateKey: string;
  publicKey: string;
}

let sharedKeys: AppKeys | undefined;

/** An RSA key pair for a test GitHub App (generated once per process: key generation is slow). */
export function testAppKeys(): AppKeys {
  if (!sharedKeys) {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    sharedKeys = {
      privateKey: pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKey: pair.publicKey.export({ type: "spki", format: "pem" }).toString(),
    };
  }
  return sharedKeys;
}

export type JwtCheck = { ok: true } | { ok: false; message: string };

/** Verifies an app JWT the way GitHub does: RS256 signature, `iss` = app id, `exp` at most 10 min ahead. */
export function verifyAppJwt(
  token: string,
  appId: number,
  publicKey: string | KeyObject,
  now: number,
): JwtCheck {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, message: "A JSON web token could not be decoded" };
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  let header: { alg?: string };
  let payload: { iss?: unknown; exp?: unknown; iat?: unknown };
  try {
    header = JSON.parse(Buffer.from(headerPart, "base64url").toString("utf8"));
    payload = JSON.parse(Buffer.from(payloadPart, "base64url").toString("utf8"));
  } catch {
    return { ok: false, message: "A JSON web token could not be decoded" };
  }
  if (header.alg !== "RS256") return { ok: false, message: "A JSON web token could not be decoded" };
  const key = typeof publicKey === "string" ? createPublicKey(publicKey) : publicKey;
  const signed = verify(
    "RSA-SHA256",
    Buffer.from(`${headerPart}.${payloadPart}`),
    key,
    Buffer.from(signaturePart, "base64url"),
  );
  if (!signed) return { ok: false, message: "A JSON web token could not be decoded" };
  if (String(payload.iss) !== String(appId)) {
    return { ok: false, message: "'Issuer' claim ('iss') must be an Integer" };
  }
  const seconds = Math.floor(now / 1000);
  if (typeof payload.exp !== "number" || payload.exp <= seconds) {
    return {
      ok: false,
      message:
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    };
  }
  if (payload.exp > seconds + 600 + 60) {
    return { ok: false, message: "'Expiration time' claim ('exp') is too far in the future" };
  }
  if (typeof payload.iat !== "number" || payload.iat > seconds + 60) {
    return {
      ok: false,
      message: "'Issued at' claim ('iat') must be an Integer representing a time in the past",
    };
  }
  return { ok: true };
}

/** A token shaped like GitHub's installation tokens: "ghs_" + 36 alphanumerics. */
export function newInstallationToken(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = randomBytes(36);
  let token = "ghs_";
  for (const byte of bytes) token += alphabet[byte % alphabet.length];
  return token;
}
