// Receipt worker: wiring only. Called by the database (enqueue trigger, cron sweep) through pg_net
// with the Vault secret; runs as service_role against the database.
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { connectRedis, redisEnv } from '../_shared/redis/connect.ts';
import { createWorkerHandler } from '../_shared/queue/consumer-handler.ts';
import { createReceiptWorker } from '../_shared/receipts/worker/worker.ts';
import { loadWorkerEnv, workerConfigFrom } from '../_shared/receipts/worker/config.ts';
import { postgresWorkerQueue } from '../_shared/receipts/worker/queue.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';
import { withArchiveFallback } from '../_shared/storage/archive-fallback.ts';
import { createTextractClient, loadTextractConfig } from '../_shared/textract/client.ts';
import { createTextractGovernor, loadGovernorLimits } from '../_shared/textract/governor.ts';
import { timedTextract } from '../_shared/textract/timed.ts';
import { postgresSampleWriter, sampleBuffer } from '../_shared/metrics/samples.ts';
import { createLogger } from '../_shared/log/logger.ts';

const env = { ...loadEnv({ ...platformEnv, ...redisEnv }), ...loadWorkerEnv() };
const textractConfig = loadTextractConfig();
const sql = createDb(env.SUPABASE_DB_URL, { max: 4 });
const governor = createTextractGovernor(connectRedis(env), {
  region: textractConfig.region,
  limits: loadGovernorLimits(Deno.env.toObject()),
});
const logger = createLogger({ fields: { fn: 'receipt-worker' } });
// Textract latency samples, written once per drain (ops metrics: textract latency p50/p95).
const samples = sampleBuffer(postgresSampleWriter(sql));
const worker = createReceiptWorker(workerConfigFrom(env), {
  queue: postgresWorkerQueue(sql),
  // artifacts moved to archive/ by retention are still read for re-derivation
  blobs: withArchiveFallback(storageFromEnv().store),
  textract: timedTextract(
    createTextractClient(textractConfig, { governor }),
    (ms) => samples.add('textract_ms', ms),
  ),
  log: (msg, extra) => logger.info(msg, extra),
});
// Each drain (it runs in the background after the 202) ends by writing its samples.
const drainAndRecord = async () => {
  try {
    return await worker.run();
  } finally {
    await samples.flush().catch((err) =>
      logger.warn('metric samples not recorded', { error: err })
    );
  }
};

Deno.serve(createWorkerHandler(env.WORKER_SECRET, drainAndRecord));
