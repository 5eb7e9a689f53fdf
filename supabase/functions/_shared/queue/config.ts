// The settings every queue consumer shares, read the same way under its own prefix
// (<PREFIX>_BATCH_SIZE, _VT_SECONDS, _MAX_ATTEMPTS, _MAX_DELIVERIES, _BUDGET_MS, _BACKOFF_BASE_SECONDS,
// _BACKOFF_MAX_SECONDS), and the shared WORKER_SECRET the database sends when it kicks one.
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../config/env.ts';

export type QueueConsumerConfig = {
  /** Bearer secret the database sends (Vault tallyq_worker_secret). */
  secret: string;
  /** Messages claimed per round trip. */
  batchSize: number;
  /** Seconds a claimed message stays invisible; a crashed run's messages reappear after it. */
  visibilitySeconds: number;
  /** Failures before the dead-letter queue. */
  maxAttempts: number;
  /**
   * Deliveries without a settle (a crash, an exception before settle, a visibility timeout that
   * ran out) before the claim dead-letters the message with the reason.
   */
  maxDeliveries: number;
  /** Stop taking new batches after this long (the platform's wall-clock limit). */
  budgetMs: number;
  /** Exponential backoff with full jitter between retries (queue/backoff.ts). */
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
};

/** What differs between consumers: how large a batch may be and how long a message stays hidden. */
export type QueueConsumerDefaults = {
  batchSize: number;
  maxBatchSize: number;
  visibilitySeconds: number;
};

export function queueConsumerEnv(prefix: string, defaults: QueueConsumerDefaults) {
  return {
    WORKER_SECRET: z.string().min(16, 'WORKER_SECRET must be at least 16 characters'),
    [`${prefix}_BATCH_SIZE`]: z.coerce.number().int().min(1).max(defaults.maxBatchSize)
      .default(defaults.batchSize),
    [`${prefix}_VT_SECONDS`]: z.coerce.number().int().min(1).default(defaults.visibilitySeconds),
    [`${prefix}_MAX_ATTEMPTS`]: z.coerce.number().int().min(1).default(5),
    [`${prefix}_MAX_DELIVERIES`]: z.coerce.number().int().min(1).default(5),
    // Hosted edge functions get 150 s (free) / 400 s (paid) of wall clock: stop well before.
    [`${prefix}_BUDGET_MS`]: z.coerce.number().int().min(100).default(100_000),
    [`${prefix}_BACKOFF_BASE_SECONDS`]: z.coerce.number().min(0).default(2),
    [`${prefix}_BACKOFF_MAX_SECONDS`]: z.coerce.number().min(1).default(300),
  };
}

export function loadQueueConsumerConfig(
  prefix: string,
  defaults: QueueConsumerDefaults,
  source: Record<string, string | undefined> = Deno.env.toObject(),
): QueueConsumerConfig {
  const env = loadEnv(queueConsumerEnv(prefix, defaults), source) as Record<string, unknown>;
  const n = (name: string) => env[`${prefix}_${name}`] as number;
  return {
    secret: env.WORKER_SECRET as string,
    batchSize: n('BATCH_SIZE'),
    visibilitySeconds: n('VT_SECONDS'),
    maxAttempts: n('MAX_ATTEMPTS'),
    maxDeliveries: n('MAX_DELIVERIES'),
    budgetMs: n('BUDGET_MS'),
    backoffBaseSeconds: n('BACKOFF_BASE_SECONDS'),
    backoffMaxSeconds: n('BACKOFF_MAX_SECONDS'),
  };
}
