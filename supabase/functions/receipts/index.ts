// Receipts API: wiring only (handler in _shared/receipts/api/handler.ts). Env:
//   SUPABASE_DB_URL, SUPABASE_URL, STORAGE_DRIVER (+ its variables, see _shared/storage/from-env.ts)
//   SUPABASE_JWT_SECRET or JWT_SECRET (HS256) / SUPABASE_JWKS_URL, SUPABASE_JWT_ISSUER (default
//   $SUPABASE_URL/auth/v1), SUPABASE_JWT_AUDIENCE (default authenticated): see _shared/auth/jwt.ts
//   RECEIPT_MAX_BYTES (default 50 MiB), RECEIPTS_PUBLIC_URL (default $SUPABASE_URL/functions/v1/
//   receipts), RECEIPT_UPLOAD_SECRET (local upload URLs; default derived from the JWT secret),
//   RECEIPT_UPLOAD_URL_TTL_SECONDS (default 900)
//   TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN for the upload rate limit (60/min per user,
//   RATE_LIMIT_UPLOAD_* overrides); without Redis the limit is off (logged once).
import { z } from 'npm:zod@^3.24.4';
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';
import { loadEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { rateLimitFromEnv } from '../_shared/ratelimit/from-env.ts';
import { createReceiptsHandler } from '../_shared/receipts/api/handler.ts';
import { postgresReceiptRepository } from '../_shared/receipts/api/repository.ts';
import { DEFAULT_MAX_BYTES } from '../_shared/receipts/api/upload.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';
import { sha256Hex } from '../_shared/crypto/sha256.ts';
import { withPeerAddress } from '../_shared/http/client-ip.ts';

const source = Deno.env.toObject();
const env = loadEnv({
  SUPABASE_DB_URL: z.string().min(1),
  SUPABASE_URL: z.string().url(),
  SUPABASE_JWT_SECRET: z.string().min(32).optional(),
  JWT_SECRET: z.string().min(32).optional(),
  RECEIPT_MAX_BYTES: z.coerce.number().int().positive().default(DEFAULT_MAX_BYTES),
  RECEIPTS_PUBLIC_URL: z.string().url().optional(),
  RECEIPT_UPLOAD_SECRET: z.string().min(32).optional(),
  RECEIPT_UPLOAD_URL_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
}, source);

const jwtSecret = env.SUPABASE_JWT_SECRET ?? env.JWT_SECRET;
const base = env.SUPABASE_URL.replace(/\/$/, '');
const verifier = jwtVerifierFromEnv(source);

const uploadSecret = env.RECEIPT_UPLOAD_SECRET ??
  (jwtSecret ? sha256Hex(`tallyq-receipt-uploads:${jwtSecret}`) : undefined);
const storage = storageFromEnv(source);
if (!uploadSecret && !storage.signedUploads) {
  throw new Error('Missing env: RECEIPT_UPLOAD_SECRET (or a JWT secret) for local upload URLs');
}

const limit = rateLimitFromEnv(source, 'receipts');

// withPeerAddress: per-IP limits count the TCP peer unless it is a trusted proxy (http/client-ip.ts).
Deno.serve(withPeerAddress(createReceiptsHandler({
  repository: postgresReceiptRepository(createDb(env.SUPABASE_DB_URL, { max: 5 })),
  store: storage.store,
  signedUploads: storage.signedUploads,
  verifier,
  rateLimit: limit && ((req: Request, userId: string) => limit('upload', req, { userId })),
  config: {
    maxBytes: env.RECEIPT_MAX_BYTES,
    publicUrl: env.RECEIPTS_PUBLIC_URL ?? `${base}/functions/v1/receipts`,
    uploadSecret,
    uploadUrlTtlSeconds: env.RECEIPT_UPLOAD_URL_TTL_SECONDS,
  },
})));
