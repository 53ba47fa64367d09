/**
 * pyproject.toml for adoption, read with smol-toml (a complete TOML 1.0 reader): a file it
 * refuses is a TomlReadError with the line, never a silently empty config. Bounded: a file
 * larger than MAX_TOML_BYTES or nested deeper than MAX_TOML_DEPTH is refused.
 */
import { parse, TomlError } from "smol-toml";

export const MAX_TOML_BYTES = 1024 * 1024;
export const MAX_TOML_DEPTH = 64;

export class TomlReadError extends Error {
  readonly line: number | null;
  constructor(message: string, line: number | null) {
    super(message);
    this.line = line;
  }
}

export function parseTomlDocument(text: string): Record<string, unknown> {
  if (text.length > MAX_TOML_BYTES)
    throw new TomlReadError(`larger than ${MAX_TOML_BYTES} bytes: not read`, null);
  try {
    return parse(text, { maxDepth: MAX_TOML_DEPTH }) as Record<string, unknown>;
  } catch (error) {
    if (error instanceof TomlError) {
      // smol-toml's message repeats the position and a code block: keep its first line.
      const message = error.message.split("\n")[0] ?? "invalid TOML";
      throw new TomlReadError(message, error.line);
    }
    throw error;
  }
}
