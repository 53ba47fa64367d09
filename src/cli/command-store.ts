/**
 * Opening the database for a CLI command. An embedded database another process holds (the
 * app, most often: data-dir-lock.ts) is the user's to sort out, so it is answered with its
 * message and exit 2, as a usage error, not with a stack trace.
 */
import { openStore, type Store, type StoreOptions } from "../store/connect.ts";
import { DataDirInUseError } from "../store/data-dir-lock.ts";
import { UsageError } from "./io.ts";

export function openCommandStore(options: StoreOptions): Store {
  try {
    return openStore(options);
  } catch (error) {
    throw asUsageError(error);
  }
}

/** `error`, or the UsageError that says it when it is a DataDirInUseError. */
export function asUsageError(error: unknown): unknown {
  return error instanceof DataDirInUseError ? new UsageError(error.message) : error;
}
