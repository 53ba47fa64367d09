/**
 * Node.js built-in modules (Node 24), without the `node:` prefix. Kept as data because
 * src/core must not depend on the runtime it happens to run on.
 */
const BUILTINS = new Set([
  "assert",
  "async_hooks",
  "buffer",
  "child_process",
  "cluster",
  "console",
  "constants",
  "crypto",
  "dgram",
  "diagnostics_channel",
  "dns",
  "domain",
  "events",
  "fs",
  "http",
  "http2",
  "https",
  "inspector",
  "module",
  "net",
  "os",
  "path",
  "perf_hooks",
  "process",
  "punycode",
  "querystring",
  "readline",
  "repl",
  "stream",
  "string_decoder",
  "sys",
  "timers",
  "tls",
  "trace_events",
  "tty",
  "url",
  "util",
  "v8",
  "vm",
  "wasi",
  "worker_threads",
  "zlib",
]);

/** Modules that exist only with the prefix (`node:test`, `node:sqlite`, `node:sea`). */
const PREFIX_ONLY = new Set(["test", "sqlite", "sea"]);

/**
 * The external name of a built-in import, or undefined. Both `fs` and `node:fs`, and their
 * subpaths (`fs/promises`), are reported as `node:fs`: one name per built-in package.
 */
export function builtinExternal(specifier: string): string | undefined {
  const prefixed = specifier.startsWith("node:");
  const bare = prefixed ? specifier.slice(5) : specifier;
  const slash = bare.indexOf("/");
  const top = slash === -1 ? bare : bare.slice(0, slash);
  if (BUILTINS.has(top) || (prefixed && PREFIX_ONLY.has(top))) return `node:${top}`;
  if (prefixed) return `node:${top}`;
  return undefined;
}
