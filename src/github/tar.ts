/**
 * A small reader for the tar.gz archives GitHub's tarball endpoint returns (ustar, with pax
 * extended headers for long paths, as `git archive` writes them). Yields regular files and
 * symlinks with their repo-relative path; GitHub's top folder (`owner-repo-sha7/`) is stripped.
 */
import { gunzipSync } from "node:zlib";

export interface TarEntry {
  readonly path: string;
  readonly type: "file" | "symlink";
  readonly content: Uint8Array;
  /** The link target of a symlink ("" for files). */
  readonly linkName: string;
}

const BLOCK = 512;

export class TarFormatError extends Error {}

/** Decompresses and reads every file and symlink of a GitHub tarball. */
export function readGitHubTarball(gzipped: Uint8Array): TarEntry[] {
  return readTar(gunzipSync(gzipped)).map((entry) => ({ ...entry, path: stripTopFolder(entry.path) }));
}

function stripTopFolder(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/** Reads an uncompressed tar archive. */
export function readTar(archive: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  const decoder = new TextDecoder();
  let offset = 0;
  let paxPath: string | null = null;
  let paxLink: string | null = null;
  let gnuLongName: string | null = null;
  while (offset + BLOCK <= archive.length) {
    const header = archive.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break;
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = offset + BLOCK;
    const data = archive.subarray(dataStart, dataStart + size);
    if (data.length < size) throw new TarFormatError(`tar entry at byte ${offset} is cut short`);
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "x") {
      const records = paxRecords(decoder.decode(data));
      paxPath = records.get("path") ?? null;
      paxLink = records.get("linkpath") ?? null;
      continue;
    }
    if (type === "g") continue;
    if (type === "L") {
      gnuLongName = cString(decoder, data);
      continue;
    }
    const name = cString(decoder, header.subarray(0, 100));
    const prefix = isUstar(header) ? cString(decoder, header.subarray(345, 500)) : "";
    const path = paxPath ?? gnuLongName ?? (prefix ? `${prefix}/${name}` : name);
    const linkName = paxLink ?? cString(decoder, header.subarray(157, 257));
    paxPath = null;
    paxLink = null;
    gnuLongName = null;
    if (type === "0" || type === "\0" || type === "7") {
      entries.push({ path, type: "file", content: data.slice(), linkName: "" });
    } else if (type === "2") {
      entries.push({ path, type: "symlink", content: new Uint8Array(), linkName });
    }
  }
  return entries;
}

function isUstar(header: Uint8Array): boolean {
  return String.fromCharCode(...header.subarray(257, 262)) === "ustar";
}

function cString(decoder: InstanceType<typeof TextDecoder>, bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function octal(bytes: Uint8Array): number {
  // Base-256 sizes (first byte 0x80) appear only for files over 8 GB; GitHub blobs stop at 100 MB.
  if ((bytes[0] ?? 0) & 0x80) throw new TarFormatError("tar entry over 8 GB");
  const text = String.fromCharCode(...bytes)
    .replace(/\0.*$/s, "")
    .trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}

/** pax records: "<length> <key>=<value>\n" repeated. */
function paxRecords(text: string): Map<string, string> {
  const records = new Map<string, string>();
  let rest = text;
  while (rest.length > 0) {
    const space = rest.indexOf(" ");
    if (space < 0) break;
    const length = Number.parseInt(rest.slice(0, space), 10);
    if (!Number.isFinite(length) || length <= space) break;
    // The length counts bytes; our keys and values of interest are paths, measured in UTF-8.
    const record = takeBytes(rest, length);
    const body = record.slice(space + 1).replace(/\n$/, "");
    const equals = body.indexOf("=");
    if (equals > 0) records.set(body.slice(0, equals), body.slice(equals + 1));
    rest = rest.slice(record.length);
  }
  return records;
}

function takeBytes(text: string, bytes: number): string {
  const encoder = new TextEncoder();
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = encoder.encode(char).length;
    if (used + size > bytes) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end);
}
