// Webhook processor: wiring only (logic in _shared/webhooks/processor/processor.ts; the money an
// event moves is the ledger's reading, _shared/ledger/payments/money.ts). Called by the
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
import { InvalidAmount } from '../_shared/ledger/payments/minor-units.ts';
import {
  type MoneyEvent,
  projectMoney,
  UninterpretableMoneyEvent,
} from '../_shared/ledger/payments/money.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';
import { createLogger } from '../_shared/log/logger.ts';

/**
 * The ledger's reading of an event's money. An event whose money cannot be read (no amount, a
 * sub-minor amount) still settles its other projections; the ledger records it in
 * wallet_discrepancies (payment_event_not_applied) for an operator instead of moving money.
 */
function moneyOf(event: MoneyEvent) {
  try {
    return projectMoney(event);
  } catch (err) {
    if (err instanceof UninterpretableMoneyEvent || err instanceof InvalidAmount) {
      return { invalid: err.message };
    }
    throw err;
  }
}

const source = Deno.env.toObject();

Deno.serve(buildOrExplain('webhook-processor', () => {
  const env = loadEnv({ SUPABASE_DB_URL: z.string().min(1) }, source);
  const config = loadWebhookProcessorConfig(source);
  // JSON lines through the PII scrubber; each event's lines carry its delivery's correlation id
  const logger = createLogger({ fields: { fn: 'webhook-processor' } });
  const processor = createWebhookProcessor(config, {
    queue: postgresProcessorQueue(createDb(env.SUPABASE_DB_URL, { max: 2 })),
    projectMoney: moneyOf,
    log: (msg, extra) => logger.info(msg, extra),
  });

  return createConsumerHandler(config.secret, processor.run);
}));
