// SHA-256 as lowercase hex, the one helper for content addresses (receipts, artifacts, OCR cache),
// derived keys and request signing. Synchronous node:crypto: the edge runtime and Node both have it.
import { createHash } from 'node:crypto';

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
