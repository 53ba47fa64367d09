/**
 * Removes anything that looks like a secret from text bound for the Anthropic API. It errs
 * on the side of removing too much: a redacted identifier costs a little explanation
 * quality, a leaked key costs a rotation. Applied to the whole prompt (rule config, finding
 * message, code excerpt), after the excerpt was cut from the file.
 */

export const REDACTED = "[REDACTED]";
export const REDACTED_PRIVATE_KEY = "[REDACTED PRIVATE KEY]";

export interface Redaction {
  readonly text: string;
  /** How many secrets were replaced (recorded in the audit trail; the secrets never are). */
  readonly count: number;
}

const PRIVATE_KEY_BLOCK =
  /-----BEGIN ((?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----[\s\S]*?(?:-----END \1-----|$(?![\s\S]))/g;

/** Provider tokens with a recognisable shape. */
const KNOWN_TOKENS: readonly RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,255}\b/g, // GitHub classic, OAuth, user-to-server, server-to-server, refresh
  /\bgithub_pat_[A-Za-z0-9_]{20,255}\b/g, // GitHub fine-grained
  /\bsk-[A-Za-z0-9_-]{16,}/g, // Anthropic (sk-ant-…), OpenAI and look-alikes
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}\b/g, // Stripe
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bAIza[A-Za-z0-9_-]{35}\b/g, // Google API keys
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, // Slack
  /\bglpat-[A-Za-z0-9_-]{20,}/g, // GitLab
  /\bnpm_[A-Za-z0-9]{36}\b/g, // npm
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
];

/** `user:password@` inside a URL. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:"'`]+:[^\s/@"'`]+@/gi;

/**
 * `password = "…"`, `apiKey: '…'`, `"client_secret": "…"`, `db_pass=…`, `pw => '…'`: any
 * assignment (`=`, `:`, `:=`, `=>`, `==`) in code, YAML, JSON or .env whose NAME holds a secret
 * word (secretName). The name is kept so the code still reads, the value goes.
 */
const ASSIGNMENT =
  /(["'`]?\b([A-Za-z_][A-Za-z0-9_.-]*)["'`]?[ \t]*(?::=|=>|==|[:=])[ \t]*)("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`[^`\n]*`|[^\s,;)}\]]+)/g;

/** Words that make a name a secret's, whatever the case and separators (dbPass, DB_PASS, db-pass). */
const SECRET_WORDS: ReadonlySet<string> = new Set([
  "password",
  "passwd",
  "pwd",
  "pw",
  "pass",
  "passphrase",
  "secret",
  "secrets",
  "token",
  "tokens",
  "apikey",
  "credential",
  "credentials",
  "auth",
  "authorization",
  "hmac",
  "salt",
]);
/** `<word> key` pairs (api_key, accessKey, PRIVATE-KEY). */
const KEY_PREFIXES: ReadonlySet<string> = new Set([
  "api",
  "access",
  "private",
  "secret",
  "session",
  "signing",
  "auth",
  "encryption",
  "master",
  "client",
]);

/** Whether a name (an identifier, a dotted path, a quoted key) names a secret. */
export function secretName(name: string): boolean {
  const words = (name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []).map((word) => word.toLowerCase());
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (SECRET_WORDS.has(word)) return true;
    if (word === "key" && i > 0 && KEY_PREFIXES.has(words[i - 1]!)) return true;
    if (word.endsWith("key") && KEY_PREFIXES.has(word.slice(0, -3))) return true;
  }
  return false;
}

/** `Authorization: Bearer …` / `Basic …` / `Token …`: the scheme stays, the credential goes. */
const AUTH_SCHEME = /\b(Bearer|Basic|Token|Digest)([ \t]+)([A-Za-z0-9._~+/=-]{8,})/g;

/** A .env-style line: `NAME=value` or `export NAME=value`, NAME in capitals. */
const ENV_LINE = /^([ \t]*(?:export[ \t]+)?[A-Z][A-Z0-9_]{2,}[ \t]*=[ \t]*)(\S.*)$/gm;
/** Values of .env-style lines that carry no secret and help reading the code. */
const HARMLESS_VALUE =
  /^(?:-?\d+(?:\.\d+)?|true|false|True|False|None|null|undefined|string|number|boolean|unknown|any|str|int|bytes|\[\]?|\{\}?|""|'')\s*;?\s*$/;

/** Runs of token characters long enough to be a key, a hash or an encoded blob. */
const LONG_TOKEN = /[A-Za-z0-9+/=_-]{32,}/g;
const HEX_TOKEN = /^[0-9a-fA-F]{32,}$/;

export function redactSecrets(input: string): Redaction {
  let count = 0;
  const replace = (text: string, pattern: RegExp, by: (match: string, ...groups: string[]) => string) =>
    text.replace(pattern, (match: string, ...rest: unknown[]) => {
      const replaced = by(match, ...(rest.filter((part) => typeof part === "string") as string[]));
      if (replaced !== match) count += 1;
      return replaced;
    });

  let text = replace(input, PRIVATE_KEY_BLOCK, () => REDACTED_PRIVATE_KEY);
  for (const pattern of KNOWN_TOKENS) text = replace(text, pattern, () => REDACTED);
  text = replace(text, ENV_LINE, (match, name = "", value = "") =>
    keepValue(value) ? match : `${name}${REDACTED}`,
  );
  text = replace(text, AUTH_SCHEME, (match, scheme = "", space = "", value = "") =>
    looksLikeCredential(value) ? `${scheme}${space}${REDACTED}` : match,
  );
  text = replace(text, ASSIGNMENT, (match, prefix = "", name = "", value = "") =>
    !secretName(name) || keepValue(value) ? match : `${prefix}${quoteLike(value)}`,
  );
  text = replace(text, URL_CREDENTIALS, (_match, scheme = "") => `${scheme}${REDACTED}@`);
  text = replace(text, LONG_TOKEN, (match) => (looksRandom(match) ? REDACTED : match));
  return { text, count };
}

/**
 * Values that carry no secret: numbers, booleans, empty literals, type names (`password: string`),
 * calls and member accesses (`token = getToken()`, `secret: this.secret`), earlier redactions.
 */
function keepValue(value: string): boolean {
  if (/^["'`]?\[REDACTED[A-Z ]*\]["'`]?;?$/.test(value.trim())) return true;
  if (/^(?:Bearer|Basic|Token|Digest)$/.test(value)) return true;
  if (HARMLESS_VALUE.test(value)) return true;
  return /^[A-Za-z_$][\w$]*(?:(?:\.[A-Za-z_$][\w$]*)+\(?|\()\s*;?$/.test(value);
}

/** An Authorization header's credential, not prose ("Basic usage", "Bearer authentication"). */
function looksLikeCredential(value: string): boolean {
  return /[\d+/=._~-]/.test(value) || (/[A-Z]/.test(value.slice(1)) && /[a-z]/.test(value));
}

/** Keeps the quotes around a redacted string literal so the excerpt stays valid-looking code. */
function quoteLike(value: string): string {
  const quote = value[0];
  return quote === '"' || quote === "'" || quote === "`" ? `${quote}${REDACTED}${quote}` : REDACTED;
}

/**
 * Long hex runs are keys or hashes (redacting a commit SHA costs nothing). Other long runs
 * are secrets when they look random: letters and digits mixed, and a high Shannon entropy —
 * long identifiers and paths (snake_case_names, some/long/module/path) stay.
 */
function looksRandom(token: string): boolean {
  if (HEX_TOKEN.test(token)) return true;
  const hasDigit = /\d/.test(token);
  const hasUpper = /[A-Z]/.test(token);
  const hasLower = /[a-z]/.test(token);
  if (!hasDigit || (!hasUpper && !hasLower)) return false;
  return shannonEntropy(token) >= 4.2;
}

export function shannonEntropy(text: string): number {
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** Files whose contents are never excerpted, whatever the finding: they hold secrets by nature. */
export function isSensitivePath(path: string): boolean {
  const name = path.split("/").pop()?.toLowerCase() ?? "";
  return (
    name === ".env" ||
    name.startsWith(".env.") ||
    name.endsWith(".env") ||
    /\.(?:pem|key|p12|pfx|jks|keystore|asc|gpg)$/.test(name) ||
    /^id_(?:rsa|dsa|ecdsa|ed25519)/.test(name) ||
    /^(?:\.npmrc|\.pypirc|\.netrc|\.htpasswd|credentials|credentials\.json|secrets?\.(?:ya?ml|json|toml))$/.test(
      name,
    )
  );
}
