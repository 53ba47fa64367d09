/**
 * Whether file contents look binary, on its own so that the extraction worker threads load
 * it without the rest of snapshot.ts (and node:crypto).
 */

/** As git: the first 8000 bytes decide whether a file looks binary. */
const BINARY_PROBE_BYTES = 8000;

/**
 * Binary-looking: a NUL byte in the first 8000 bytes (git's heuristic) AND either control
 * characters making up more than a tenth of them or bytes that are not UTF-8. tsc and Node read
 * a NUL inside a comment or string, so a UTF-8 source file with a stray NUL is text; images,
 * archives and compiled files are full of control bytes and invalid sequences.
 */
export function looksBinary(content: Uint8Array): boolean {
  // Most files are shorter than the probe: no view of them to allocate.
  const probe = content.byteLength > BINARY_PROBE_BYTES ? content.subarray(0, BINARY_PROBE_BYTES) : content;
  if (!probe.includes(0)) return false;
  let controls = 0;
  for (const byte of probe) if (isControlByte(byte)) controls++;
  if (controls * 10 > probe.byteLength) return true;
  return !isUtf8(probe, probe.byteLength < content.byteLength);
}

/** `cut`: the bytes end where the probe ends, so a multi-byte character cut there is fine. */
function isUtf8(bytes: Uint8Array, cut: boolean): boolean {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes, { stream: cut });
    return true;
  } catch {
    return false;
  }
}

/** C0 controls that do not occur in text: not tab, newline, vertical tab, form feed, carriage return, escape. */
function isControlByte(byte: number): boolean {
  return (
    byte < 0x20 &&
    byte !== 0x09 &&
    byte !== 0x0a &&
    byte !== 0x0b &&
    byte !== 0x0c &&
    byte !== 0x0d &&
    byte !== 0x1b
  );
}
