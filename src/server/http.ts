/** Small node:http helpers shared by the routes. */
import type { IncomingMessage, ServerResponse } from "node:http";

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  contentType = "text/plain; charset=utf-8",
): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

export interface BodyLimits {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** A body that sends nothing for this long is abandoned (the client stalled). */
  readonly idleMs: number;
}

export type BodyRead = Buffer | "too-large" | "stalled";

/**
 * Reads the raw body within `limits`. A declared Content-Length over the limit is refused
 * before a byte is read; without one, the read stops as soon as the count passes the limit.
 * Either way the rest is drained, never held. A body that stalls ends the read as "stalled"
 * (the caller answers 408 and closes the connection).
 */
export async function readBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyRead> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limits.maxBytes) {
    req.resume();
    return "too-large";
  }
  return new Promise<BodyRead>((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout;
    const finish = (outcome: BodyRead) => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
      resolve(outcome);
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => finish("stalled"), limits.idleMs);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) {
        chunks.length = 0;
        req.resume(); // drain the rest without keeping it
        finish("too-large");
        return;
      }
      chunks.push(chunk);
      arm();
    };
    const onEnd = () => finish(Buffer.concat(chunks, size));
    const onError = () => finish("stalled");
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
    arm();
  });
}
