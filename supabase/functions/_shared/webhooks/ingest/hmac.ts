// HMAC-SHA256 over raw bytes and a constant-time comparison against hex signatures.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';

export type RawBody = Uint8Array | string;

export function toBytes(body: RawBody): Uint8Array {
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

export function hmacSha256(secret: string, ...parts: RawBody[]): Buffer {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(toBytes(part));
  return mac.digest();
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** True if `candidateHex` is a well-formed hex SHA-256 equal to `expected`, in constant time. */
export function hexDigestEquals(expected: Buffer, candidateHex: string): boolean {
  if (!HEX_SHA256.test(candidateHex)) return false;
  const candidate = Buffer.from(candidateHex, 'hex');
  return candidate.length === expected.length && timingSafeEqual(candidate, expected);
}
