// Messaging webhook (WhatsApp Cloud API scheme): wiring only, handler in
// _shared/webhooks/ingest/handler.ts. verify_jwt = false: Meta sends no Supabase JWT; GET is the hub.*
// verify-token handshake, POST deliveries carry X-Hub-Signature-256. Env: SUPABASE_DB_URL;
// WHATSAPP_VERIFY_TOKEN; WHATSAPP_APP_SECRET (comma-separated, for rotation);
// WEBHOOK_MAX_BODY_BYTES (1 MiB); TALLYQ_REDIS_URL or UPSTASH_REDIS_REST_URL/TOKEN for the rate
// limit (100/min per client IP, RATE_LIMIT_MESSAGING_WEBHOOK_* overrides; fail-open).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { rateLimitFromEnv } from '../_shared/ratelimit/from-env.ts';
import {
  createMessagingWebhookHandler,
  loadMessagingWebhookConfig,
} from '../_shared/webhooks/ingest/handler.ts';
import { postgresWebhookStore } from '../_shared/webhooks/store.ts';
import { withPeerAddress } from '../_shared/http/client-ip.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';
import { withCorrelation } from '../_shared/log/correlation.ts';

const source = Deno.env.toObject();

// withPeerAddress: per-IP limits count the TCP peer unless it is a trusted proxy (http/client-ip.ts).
// withCorrelation: the delivery's correlation id (X-Correlation-Id or made) is set on the storing
// transaction, so the queue message and the processor's log lines carry it.
Deno.serve(withPeerAddress(withCorrelation(buildOrExplain('messaging-webhook', () => {
  const env = {
    ...loadEnv({ SUPABASE_DB_URL: z.string().min(1) }, source),
    ...loadMessagingWebhookConfig(source),
  };

  return createMessagingWebhookHandler({
    store: postgresWebhookStore(createDb(env.SUPABASE_DB_URL, { max: 4 })),
    rateLimit: rateLimitFromEnv(source, 'messaging-webhook'),
    verifyToken: env.WHATSAPP_VERIFY_TOKEN,
    appSecrets: env.WHATSAPP_APP_SECRET,
    maxBodyBytes: env.WEBHOOK_MAX_BODY_BYTES,
  });
}))));
