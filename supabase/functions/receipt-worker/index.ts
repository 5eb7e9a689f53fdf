// Receipt worker: wiring only. Called by the database (enqueue trigger, cron sweep) through pg_net
// with the Vault secret; runs as service_role against the database. Without Redis, Textract calls
// are not held to the shared TPS budget (redis/connect.ts).
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { createLogger } from '../_shared/log/logger.ts';
import { postgresSampleWriter, sampleBuffer } from '../_shared/metrics/samples.ts';
import { redisFromEnv } from '../_shared/redis/connect.ts';
import { createConsumerHandler } from '../_shared/queue/consumer-handler.ts';
import { createReceiptWorker } from '../_shared/receipts/worker/worker.ts';
import { loadReceiptWorkerConfig } from '../_shared/receipts/worker/config.ts';
import { postgresWorkerQueue } from '../_shared/receipts/worker/queue.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';
import { withArchiveFallback } from '../_shared/storage/archive-fallback.ts';
import { createTextractClient, loadTextractConfig } from '../_shared/textract/client.ts';
import { createTextractGovernor, loadGovernorConfig } from '../_shared/textract/governor.ts';
import { timedTextract } from '../_shared/textract/timed.ts';
import { loadStagingConfig, s3DocumentStaging } from '../_shared/textract/staging.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';

const source = Deno.env.toObject();

Deno.serve(buildOrExplain('receipt-worker', () => {
  const env = loadEnv(platformEnv, source);
  const config = loadReceiptWorkerConfig(source);
  const textractConfig = loadTextractConfig(source);
  const staging = loadStagingConfig(source);
  const sql = createDb(env.SUPABASE_DB_URL, { max: 4 });
  const redis = redisFromEnv(source, 'receipt-worker');
  const governor = redis
    ? createTextractGovernor(redis, {
      region: textractConfig.region,
      limits: loadGovernorConfig(source),
    })
    : undefined;
  const logger = createLogger({ fields: { fn: 'receipt-worker' } });
  // Textract latency samples, written once per drain (ops metrics: textract latency p50/p95).
  const samples = sampleBuffer(postgresSampleWriter(sql));
  const worker = createReceiptWorker(config, {
    queue: postgresWorkerQueue(sql),
    // artifacts moved to archive/ by retention are still read for re-derivation
    blobs: withArchiveFallback(storageFromEnv(source).store),
    textract: timedTextract(
      createTextractClient(textractConfig, { governor }),
      (ms) => samples.add('textract_ms', ms),
    ),
    staging: staging ? s3DocumentStaging(staging) : undefined,
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

  return createConsumerHandler(config.secret, drainAndRecord);
}));
