// Webhook processor: wiring only (logic in _shared/webhooks/processor/processor.ts). Called by the
// webhook_events enqueue trigger and the tallyq_webhook_sweep cron job through pg_net
// (private.kick_function) with the Vault worker secret; verify_jwt = false, it checks
// `Authorization: Bearer $WORKER_SECRET` itself. Answers 202 and drains in the background;
// `?wait=1` drains in the request and returns the summary. Env: SUPABASE_DB_URL, WORKER_SECRET,
// WEBHOOK_PROCESSOR_* (batch size, visibility timeout, attempts, budget, backoff).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { createConsumerHandler } from '../_shared/queue/consumer-handler.ts';
import {
  createWebhookProcessor,
  loadWebhookProcessorConfig,
} from '../_shared/webhooks/processor/processor.ts';
import { postgresProcessorQueue } from '../_shared/webhooks/store.ts';

const source = Deno.env.toObject();
const env = loadEnv({ SUPABASE_DB_URL: z.string().min(1) }, source);
const config = loadWebhookProcessorConfig(source);
const processor = createWebhookProcessor(config, {
  queue: postgresProcessorQueue(createDb(env.SUPABASE_DB_URL, { max: 2 })),
  log: (msg, extra) => console.log(JSON.stringify({ fn: 'webhook-processor', msg, ...extra })),
});

Deno.serve(createConsumerHandler(config.secret, processor.run));
