/**
 * A source file in a stream's scope that could not be read (too large, binary-looking, not
 * decodable, nested deeper than the parser's limit) is an error finding of that stream, not a
 * silent skip: whatever it imports or defines is unknown, so the stream fails closed on it
 * unless the config excludes the file.
 */
import { type Finding, findingId, type StreamName } from "./findings.ts";

export const UNREADABLE_FILE = "unreadable-file";

export interface UnreadableSource {
  readonly path: string;
  readonly line: number | null;
  readonly message: string;
}

/** Id parts: ACC [rule, type, path] like its rules; BDV and DDE [stream, check, path]. */
export function unreadableFinding(stream: StreamName, file: UnreadableSource): Finding {
  const parts =
    stream === "acc" ? [UNREADABLE_FILE, UNREADABLE_FILE, file.path] : [stream, UNREADABLE_FILE, file.path];
  return {
    id: findingId(parts),
    stream,
    rule: UNREADABLE_FILE,
    type: UNREADABLE_FILE,
    severity: "error",
    file: file.path,
    line: file.line,
    target: null,
    message: `${file.path} could not be read, so it was not checked: ${file.message}. Fix the file or exclude it in the config.`,
  };
}
