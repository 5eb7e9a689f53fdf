// Worker configuration from env, validated once (defaults suit hosted Supabase's limits).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../../config/env.ts';
import type { WorkerConfig } from './worker.ts';

/** Bump when extraction logic changes; rederive_receipts() re-derives older receipts. */
export const PROCESSOR_VERSION = 'tallyq-parse@1';

export const workerEnv = {
  WORKER_SECRET: z.string().min(16, 'WORKER_SECRET must be at least 16 characters'),
  WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  WORKER_VT_SECONDS: z.coerce.number().int().min(1).default(120),
  WORKER_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(5),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  // Hosted edge functions get 150 s (free) / 400 s (paid) of wall clock: stop well before.
  WORKER_BUDGET_MS: z.coerce.number().int().min(100).default(100_000),
  WORKER_ASYNC_POLL_SECONDS: z.coerce.number().int().min(1).default(5),
  WORKER_REVIEW_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
  WORKER_BACKOFF_BASE_SECONDS: z.coerce.number().min(0).default(2),
  WORKER_BACKOFF_MAX_SECONDS: z.coerce.number().min(1).default(300),
  RECEIPT_LOCALE: z.string().optional(),
};

export function workerConfigFrom(env: ReturnType<typeof loadWorkerEnv>): WorkerConfig {
  return {
    processorVersion: PROCESSOR_VERSION,
    batchSize: env.WORKER_BATCH_SIZE,
    visibilitySeconds: env.WORKER_VT_SECONDS,
    maxAttempts: env.WORKER_MAX_ATTEMPTS,
    concurrency: env.WORKER_CONCURRENCY,
    budgetMs: env.WORKER_BUDGET_MS,
    asyncPollSeconds: env.WORKER_ASYNC_POLL_SECONDS,
    reviewThreshold: env.WORKER_REVIEW_THRESHOLD,
    backoffBaseSeconds: env.WORKER_BACKOFF_BASE_SECONDS,
    backoffMaxSeconds: env.WORKER_BACKOFF_MAX_SECONDS,
    locale: env.RECEIPT_LOCALE,
  };
}

export function loadWorkerEnv(source?: Record<string, string | undefined>) {
  return loadEnv(workerEnv, source);
}
