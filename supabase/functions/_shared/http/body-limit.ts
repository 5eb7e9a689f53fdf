// Request body size limits enforced while the bytes stream in, never after buffering an unbounded
// body: a declared Content-Length is refused before reading, a stream is cut off (and its source
// cancelled) as soon as it passes the limit. Used by every function that reads a body.

import { BadRequest, PayloadTooLarge } from './errors.ts';

export function bodyTooLarge(maxBytes: number): PayloadTooLarge {
  return new PayloadTooLarge(`Body is larger than the limit of ${maxBytes} bytes`);
}

/** Rejects at once (before reading) a request whose Content-Length already exceeds `maxBytes`. */
export function assertContentLength(headers: Headers, maxBytes: number, message?: string): void {
  const declared = headers.get('content-length');
  if (declared === null) return;
  if (!/^\d+$/.test(declared.trim())) throw new BadRequest('Content-Length is not a number');
  if (Number(declared) > maxBytes) {
    throw message ? new PayloadTooLarge(message) : bodyTooLarge(maxBytes);
  }
}

/**
 * Passes `body` through unchanged while counting bytes; once more than `maxBytes` have arrived
 * the stream errors with a 413 and the source is cancelled, so no more of the body is read.
 */
export function limitStream(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  onExceeded: () => void = () => {},
  error: () => Error = () => bodyTooLarge(maxBytes),
): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) {
          onExceeded();
          controller.error(error());
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Reads a whole stream into memory, failing with a 413 as soon as it passes `maxBytes`. */
export async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  error: () => Error = () => bodyTooLarge(maxBytes),
): Promise<Uint8Array> {
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel().catch(() => {});
        throw error();
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
