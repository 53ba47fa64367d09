/**
 * A small reader for the tar.gz archives GitHub's tarball endpoint returns (ustar, with pax
 * extended headers for long paths, as `git archive` writes them). Yields regular files and
 * symlinks with their repo-relative path; GitHub's top folder (`owner-repo-sha7/`) is stripped.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { MAX_FILE_BYTES } from "../core/snapshot.ts";

export interface TarEntry {
  readonly path: string;
  /** "too-large": a file over `maxEntryBytes`, its content dropped unread (empty here). */
  readonly type: "file" | "symlink" | "too-large";
  readonly content: Uint8Array;
  /** The link target of a symlink ("" for files). */
  readonly linkName: string;
}

/**
 * What one tarball may cost. A pull request controls the archive: 475 KB of gzip can expand to
 * gigabytes, so the archive is inflated as a stream, files over `maxEntryBytes` are counted but
 * never held, and the whole read stops with a TarLimitError past `maxTotalBytes` or `maxEntries`.
 */
export interface TarLimits {
  readonly maxTotalBytes: number;
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
}

export const DEFAULT_TAR_LIMITS: TarLimits = {
  maxTotalBytes: 1024 * 1024 * 1024,
  maxEntries: 250_000,
  maxEntryBytes: MAX_FILE_BYTES,
};

/** pax and GNU long-name records hold a path or two. */
const MAX_METADATA_BYTES = 1024 * 1024;

const BLOCK = 512;

export class TarFormatError extends Error {}
export class TarLimitError extends Error {}

/** Inflates and reads every file and symlink of a GitHub tarball, within `limits`. */
export async function readGitHubTarball(
  gzipped: Uint8Array,
  limits: TarLimits = DEFAULT_TAR_LIMITS,
): Promise<TarEntry[]> {
  const reader = new TarReader(limits);
  await pipeline(Readable.from([gzipped]), createGunzip(), async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) reader.push(chunk);
  });
  return reader.end().map((entry) => ({ ...entry, path: stripTopFolder(entry.path) }));
}

function stripTopFolder(path: string): string {
  const slash = path.indexOf("/");
  return slash < 0 ? path : path.slice(slash + 1);
}

/** Reads an uncompressed tar archive. */
export function readTar(archive: Uint8Array, limits: TarLimits = DEFAULT_TAR_LIMITS): TarEntry[] {
  const reader = new TarReader(limits);
  reader.push(archive);
  return reader.end();
}

interface OpenEntry {
  readonly header: { readonly path: string; readonly linkName: string; readonly type: string };
  readonly offset: number;
  readonly size: number;
  /** The bytes read so far, or null when they are dropped (too large, or an entry we do not keep). */
  readonly data: Uint8Array | null;
  filled: number;
}

/** A tar stream read chunk by chunk: one header, then its data, then padding to the block. */
class TarReader {
  private readonly limits: TarLimits;
  private readonly decoder = new TextDecoder();
  private readonly entries: TarEntry[] = [];
  private readonly header = new Uint8Array(BLOCK);
  private headerFilled = 0;
  private current: OpenEntry | null = null;
  private padding = 0;
  private position = 0;
  private files = 0;
  private finished = false;
  private paxPath: string | null = null;
  private paxLink: string | null = null;
  private gnuLongName: string | null = null;

  constructor(limits: TarLimits) {
    this.limits = limits;
  }

  push(chunk: Uint8Array): void {
    if (this.finished) return;
    if (this.position + chunk.length > this.limits.maxTotalBytes) {
      throw new TarLimitError(
        `the repository archive expands to more than ${this.limits.maxTotalBytes} bytes; it was not read further`,
      );
    }
    let i = 0;
    while (i < chunk.length && !this.finished) {
      if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - i);
        this.padding -= n;
        i += n;
      } else if (this.current) {
        const entry = this.current;
        const n = Math.min(entry.size - entry.filled, chunk.length - i);
        entry.data?.set(chunk.subarray(i, i + n), entry.filled);
        entry.filled += n;
        i += n;
        if (entry.filled === entry.size) this.close(entry);
      } else {
        const n = Math.min(BLOCK - this.headerFilled, chunk.length - i);
        this.header.set(chunk.subarray(i, i + n), this.headerFilled);
        this.headerFilled += n;
        i += n;
        if (this.headerFilled === BLOCK) {
          this.headerFilled = 0;
          this.open(this.position + i - BLOCK);
        }
      }
    }
    this.position += chunk.length;
  }

  end(): TarEntry[] {
    if (this.current) throw new TarFormatError(`tar entry at byte ${this.current.offset} is cut short`);
    return this.entries;
  }

  private open(offset: number): void {
    const header = this.header;
    if (header.every((byte) => byte === 0)) {
      this.finished = true;
      return;
    }
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const metadata = type === "x" || type === "L";
    const file = type === "0" || type === "\0" || type === "7";
    if (metadata && size > MAX_METADATA_BYTES)
      throw new TarFormatError(`tar metadata entry at byte ${offset} is ${size} bytes long`);
    if (file && ++this.files > this.limits.maxEntries) {
      throw new TarLimitError(`the repository archive holds more than ${this.limits.maxEntries} files`);
    }
    const keep = metadata || (file && size <= this.limits.maxEntryBytes);
    const entry: OpenEntry = {
      header: { ...this.entryName(type), type },
      offset,
      size,
      data: keep ? new Uint8Array(size) : null,
      filled: 0,
    };
    this.current = entry;
    if (size === 0) this.close(entry);
  }

  /** Path and link target of a non-metadata entry (pax and GNU records apply to the next one). */
  private entryName(type: string): { path: string; linkName: string } {
    if (type === "x" || type === "g" || type === "L") return { path: "", linkName: "" };
    const header = this.header;
    const name = cString(this.decoder, header.subarray(0, 100));
    const prefix = isUstar(header) ? cString(this.decoder, header.subarray(345, 500)) : "";
    const path = this.paxPath ?? this.gnuLongName ?? (prefix ? `${prefix}/${name}` : name);
    const linkName = this.paxLink ?? cString(this.decoder, header.subarray(157, 257));
    this.paxPath = null;
    this.paxLink = null;
    this.gnuLongName = null;
    return { path, linkName };
  }

  private close(entry: OpenEntry): void {
    this.current = null;
    this.padding = Math.ceil(entry.size / BLOCK) * BLOCK - entry.size;
    const { path, linkName, type } = entry.header;
    if (type === "x") {
      const records = paxRecords(this.decoder.decode(entry.data ?? new Uint8Array()));
      this.paxPath = records.get("path") ?? null;
      this.paxLink = records.get("linkpath") ?? null;
    } else if (type === "L") {
      this.gnuLongName = cString(this.decoder, entry.data ?? new Uint8Array());
    } else if (type === "0" || type === "\0" || type === "7") {
      this.entries.push(
        entry.data
          ? { path, type: "file", content: entry.data, linkName: "" }
          : { path, type: "too-large", content: new Uint8Array(), linkName: "" },
      );
    } else if (type === "2") {
      this.entries.push({ path, type: "symlink", content: new Uint8Array(), linkName });
    }
  }
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
