// Payments webhook (Stripe at /payments-webhook, MTN MoMo callbacks at /momo, Revolut at
// /revolut; MOMO_CALLBACK_SECRETS / REVOLUT_WEBHOOK_SECRETS switch those on): wiring only, handler
// in _shared/webhooks/ingest/handler.ts. verify_jwt = false: providers send no Supabase JWT; the signature
// is the authentication. Env: SUPABASE_DB_URL; STRIPE_WEBHOOK_SECRETS (comma-separated, for
// rotation); STRIPE_WEBHOOK_TOLERANCE_SECONDS (300); WEBHOOK_MAX_BODY_BYTES (1 MiB);
// TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN for the rate limit (50/min per client IP,
// RATE_LIMIT_PAYMENTS_WEBHOOK_* overrides; fail-open; without Redis the limit is off, logged).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { rateLimitFromEnv } from '../_shared/ratelimit/from-env.ts';
import {
  createPaymentsWebhookHandler,
  loadPaymentsWebhookConfig,
} from '../_shared/webhooks/ingest/handler.ts';
import { postgresWebhookStore } from '../_shared/webhooks/store.ts';
import { withPeerAddress } from '../_shared/http/client-ip.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';
import { withCorrelation } from '../_shared/log/correlation.ts';

const source = Deno.env.toObject();

// withPeerAddress: per-IP limits count the TCP peer unless it is a trusted proxy (http/client-ip.ts).
// withCorrelation: the delivery's correlation id (X-Correlation-Id or made) is set on the storing
// transaction, so the queue message and the processor's log lines carry it.
Deno.serve(withPeerAddress(withCorrelation(buildOrExplain('payments-webhook', () => {
  const env = {
    ...loadEnv({ SUPABASE_DB_URL: z.string().min(1) }, source),
    ...loadPaymentsWebhookConfig(source),
  };

  return createPaymentsWebhookHandler({
    store: postgresWebhookStore(createDb(env.SUPABASE_DB_URL, { max: 4 })),
    rateLimit: rateLimitFromEnv(source, 'payments-webhook'),
    stripeSecrets: env.STRIPE_WEBHOOK_SECRETS,
    toleranceSeconds: env.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
    momoSecrets: env.MOMO_CALLBACK_SECRETS,
    revolutSecrets: env.REVOLUT_WEBHOOK_SECRETS,
    revolutToleranceSeconds: env.REVOLUT_WEBHOOK_TOLERANCE_SECONDS,
    maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
  });
}))));
