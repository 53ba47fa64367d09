/**
 * Reads an artifact zip (untrusted) in memory with caps: the archive's size, the number of entries,
 * each entry's and all entries' inflated size — counted while inflating, never trusting the sizes the
 * archive declares. Only entries whose name the caller wants are inflated.
 */
import { Unzip, UnzipInflate, UnzipPassThrough } from "fflate";

export interface ZipCaps {
  readonly maxArchiveBytes: number;
  readonly maxEntries: number;
  readonly maxEntryBytes: number;
  readonly maxTotalBytes: number;
}

export const DEFAULT_ZIP_CAPS: ZipCaps = {
  maxArchiveBytes: 50 * 1024 * 1024,
  maxEntries: 1_000,
  maxEntryBytes: 50 * 1024 * 1024,
  maxTotalBytes: 100 * 1024 * 1024,
};

export interface ZipEntry {
  readonly name: string;
  readonly data: Uint8Array;
}

export class ZipLimitError extends Error {}

export function readZip(
  archive: Uint8Array,
  wanted: (name: string) => boolean,
  caps: ZipCaps = DEFAULT_ZIP_CAPS,
): ZipEntry[] {
  if (archive.length > caps.maxArchiveBytes)
    throw new ZipLimitError(
      `the archive is ${archive.length} bytes, over the cap of ${caps.maxArchiveBytes}`,
    );
  const entries: ZipEntry[] = [];
  let seen = 0;
  let total = 0;
  let failure: Error | null = null;
  const unzip = new Unzip((file) => {
    seen += 1;
    if (seen > caps.maxEntries) {
      failure ??= new ZipLimitError(`the archive has more than ${caps.maxEntries} entries`);
      return;
    }
    if (file.name.endsWith("/") || !wanted(file.name)) return;
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (error, chunk, final) => {
      if (failure) return;
      if (error) {
        failure = new ZipLimitError(`entry ${file.name} cannot be inflated: ${error.message}`);
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > caps.maxEntryBytes || total > caps.maxTotalBytes) {
        failure = new ZipLimitError(
          size > caps.maxEntryBytes
            ? `entry ${file.name} inflates to more than ${caps.maxEntryBytes} bytes`
            : `the archive inflates to more than ${caps.maxTotalBytes} bytes`,
        );
        file.terminate();
        return;
      }
      chunks.push(chunk);
      if (final) entries.push({ name: file.name, data: concat(chunks, size) });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  // Pushed in slices so a cap stops the work early.
  const slice = 64 * 1024;
  try {
    for (let offset = 0; offset < archive.length && !failure; offset += slice) {
      const end = Math.min(offset + slice, archive.length);
      unzip.push(archive.subarray(offset, end), end === archive.length);
    }
  } catch (error) {
    failure ??= new ZipLimitError(`not a readable zip archive: ${(error as Error).message}`);
  }
  if (failure) throw failure;
  if (seen === 0) throw new ZipLimitError("not a zip archive (no entries)");
  return entries;
}

function concat(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
