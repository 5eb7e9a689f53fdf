// Wallet API: wiring only (routes in _shared/ledger/api/routes.ts, database port in
// _shared/ledger/wallet-port.ts). verify_jwt = false: every user token is checked here. Env:
// SUPABASE_DB_URL; JWKS from $SUPABASE_URL/auth/v1/.well-known/jwks.json, TALLYQ_JWT_SECRET for
// legacy HS256 projects (see _shared/auth/jwt.ts);
// TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN for the per-user limit (120/min,
// RATE_LIMIT_WALLET_* overrides, fail-closed); without Redis the limit is off (logged once).
import { z } from 'npm:zod@^3.24.4';
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';
import { loadEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { rateLimitFromEnv } from '../_shared/ratelimit/from-env.ts';
import { loadClientIpOptions, withPeerAddress } from '../_shared/http/client-ip.ts';
import { createWalletHandler } from '../_shared/ledger/api/routes.ts';
import { postgresWalletLedger } from '../_shared/ledger/wallet-port.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';
import { createLogger } from '../_shared/log/logger.ts';

const source = Deno.env.toObject();

// withPeerAddress: the audited client IP is the TCP peer unless it is a trusted proxy.
Deno.serve(withPeerAddress(buildOrExplain('wallet', () => {
  const env = loadEnv({ SUPABASE_DB_URL: z.string().min(1) }, source);
  const limit = rateLimitFromEnv(source, 'wallet');
  const logger = createLogger({ fields: { fn: 'wallet' } });
  return createWalletHandler({
    ledger: postgresWalletLedger(createDb(env.SUPABASE_DB_URL, { max: 5 })),
    verifier: jwtVerifierFromEnv(source),
    rateLimit: limit && ((req: Request, userId: string) => limit('wallet', req, { userId })),
    ipOptions: loadClientIpOptions(source),
    log: (msg, extra) => logger.info(msg, extra),
  });
})));
