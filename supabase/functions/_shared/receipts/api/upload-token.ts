// Signed upload tokens for the local stack's upload URL (`PUT /receipts/uploads/<token>`): an
// HMAC-SHA256 over the target path, size limit and expiry, so the URL alone authorises exactly one
// upload location for a short time. Hosted deployments use Supabase Storage / S3 signed URLs.

import { Buffer } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'npm:zod@^3.24.4';
import { Forbidden } from '../../http/errors.ts';

export type UploadGrant = {
  /** Bucket-relative staging path the bytes go to. */
  path: string;
  /** Largest body accepted. */
  maxBytes: number;
  /** Expiry, seconds since the epoch. */
  expiresAt: number;
};

const payloadSchema = z.object({
  v: z.literal(1),
  p: z.string().min(1).max(512),
  m: z.number().int().positive(),
  e: z.number().int().positive(),
});

const b64url = (bytes: Uint8Array | Buffer) =>
  Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

function mac(secret: string, data: string): Buffer {
  return createHmac('sha256', secret).update(`tallyq-upload.${data}`).digest();
}

export function signUploadToken(grant: UploadGrant, secret: string): string {
  const payload = b64url(
    new TextEncoder().encode(
      JSON.stringify({ v: 1, p: grant.path, m: grant.maxBytes, e: grant.expiresAt }),
    ),
  );
  return `${payload}.${b64url(mac(secret, payload))}`;
}

/** The grant of a valid, unexpired token; otherwise a 403 `invalid_upload_token`. */
export function verifyUploadToken(token: string, secret: string, nowMs = Date.now()): UploadGrant {
  const invalid = () => new Forbidden('Upload URL is invalid', 'invalid_upload_token');
  const match = /^([A-Za-z0-9_-]{1,2048})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match) throw invalid();
  const [, payload, signature] = match;
  const expected = mac(secret, payload);
  const given = Buffer.from(signature.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let data: z.infer<typeof payloadSchema>;
  try {
    const parsed = payloadSchema.safeParse(
      JSON.parse(Buffer.from(payload.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString()),
    );
    if (!parsed.success) throw invalid();
    data = parsed.data;
  } catch {
    throw invalid();
  }
  if (data.e * 1000 <= nowMs) {
    throw new Forbidden('Upload URL has expired', 'upload_url_expired');
  }
  return { path: data.p, maxBytes: data.m, expiresAt: data.e };
}
