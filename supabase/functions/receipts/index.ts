// Receipts API: wiring only (handler in _shared/receipts/api/handler.ts). Env:
//   SUPABASE_DB_URL, SUPABASE_URL, STORAGE_DRIVER (+ its variables, see _shared/storage/from-env.ts)
//   JWT verification (verify_jwt = false; every token is checked here): JWKS from
//   $SUPABASE_URL/auth/v1/.well-known/jwks.json, TALLYQ_JWT_SECRET for legacy HS256 projects, see
//   _shared/auth/jwt.ts
//   RECEIPT_MAX_BYTES (default 50 MiB), RECEIPTS_PUBLIC_URL (default $SUPABASE_URL/functions/v1/
//   receipts), RECEIPT_UPLOAD_SECRET (local upload URLs; default derived from TALLYQ_JWT_SECRET),
//   RECEIPT_UPLOAD_URL_TTL_SECONDS (default 900): see _shared/receipts/api/config.ts
//   TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN for the upload rate limit (60/min per user,
//   RATE_LIMIT_UPLOAD_* overrides); without Redis the limit is off (logged once).
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';
import { ConfigError } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { withCorrelation } from '../_shared/log/correlation.ts';
import { rateLimitFromEnv } from '../_shared/ratelimit/from-env.ts';
import { loadReceiptsApiConfig } from '../_shared/receipts/api/config.ts';
import { createReceiptsHandler } from '../_shared/receipts/api/handler.ts';
import { postgresReceiptRepository } from '../_shared/receipts/api/repository.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';
import { withPeerAddress } from '../_shared/http/client-ip.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';

const source = Deno.env.toObject();

// X-Correlation-Id (or a new one) follows the request into the queue message, audit rows and logs.
const handler = buildOrExplain('receipts', () => {
  const { dbUrl, ...config } = loadReceiptsApiConfig(source);
  const storage = storageFromEnv(source);
  if (!config.uploadSecret && !storage.signedUploads) {
    throw new ConfigError(
      'Missing env: RECEIPT_UPLOAD_SECRET (or TALLYQ_JWT_SECRET) for local upload URLs',
    );
  }
  const limit = rateLimitFromEnv(source, 'receipts');

  return createReceiptsHandler({
    repository: postgresReceiptRepository(createDb(dbUrl, { max: 5 })),
    store: storage.store,
    signedUploads: storage.signedUploads,
    verifier: jwtVerifierFromEnv(source),
    rateLimit: limit && ((req: Request, userId: string) => limit('upload', req, { userId })),
    config,
  });
});

// withPeerAddress: per-IP limits count the TCP peer unless it is a trusted proxy (http/client-ip.ts).
Deno.serve(withPeerAddress(withCorrelation(async (req) => await handler(req))));
