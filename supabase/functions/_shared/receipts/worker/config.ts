// Receipt worker configuration from env, validated once (defaults suit hosted Supabase's limits):
// the queue consumer settings under WORKER_* plus what only OCR needs.
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../../config/env.ts';
import { loadQueueConsumerConfig } from '../../queue/config.ts';
import type { WorkerConfig } from './worker.ts';

/** Bump when extraction logic changes; rederive_receipts() re-derives older receipts. */
export const PROCESSOR_VERSION = 'tallyq-parse@1';

const ocrEnv = {
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  WORKER_ASYNC_POLL_SECONDS: z.coerce.number().int().min(1).default(5),
  WORKER_REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  RECEIPT_LOCALE: z.string().optional(),
};

export type ReceiptWorkerConfig = WorkerConfig & { secret: string };

export function loadReceiptWorkerConfig(
  source: Record<string, string | undefined> = Deno.env.toObject(),
): ReceiptWorkerConfig {
  const queue = loadQueueConsumerConfig(
    'WORKER',
    { batchSize: 10, maxBatchSize: 100, visibilitySeconds: 120 },
    source,
  );
  const env = loadEnv(ocrEnv, source);
  return {
    ...queue,
    processorVersion: PROCESSOR_VERSION,
    concurrency: env.WORKER_CONCURRENCY,
    asyncPollSeconds: env.WORKER_ASYNC_POLL_SECONDS,
    reviewThreshold: env.WORKER_REVIEW_THRESHOLD,
    locale: env.RECEIPT_LOCALE,
  };
}
