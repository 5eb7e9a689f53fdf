// Receipt worker: wiring only. Called by the database (enqueue trigger, cron sweep) through pg_net
// with the Vault secret; runs as service_role against the database. Without Redis, Textract calls
// are not held to the shared TPS budget (redis/connect.ts).
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { redisFromEnv } from '../_shared/redis/connect.ts';
import { createConsumerHandler } from '../_shared/queue/consumer-handler.ts';
import { createReceiptWorker } from '../_shared/receipts/worker/worker.ts';
import { loadReceiptWorkerConfig } from '../_shared/receipts/worker/config.ts';
import { postgresWorkerQueue } from '../_shared/receipts/worker/queue.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';
import { createTextractClient, loadTextractConfig } from '../_shared/textract/client.ts';
import { createTextractGovernor, loadGovernorConfig } from '../_shared/textract/governor.ts';
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
  const worker = createReceiptWorker(config, {
    queue: postgresWorkerQueue(sql),
    blobs: storageFromEnv(source).store,
    textract: createTextractClient(textractConfig, { governor }),
    staging: staging ? s3DocumentStaging(staging) : undefined,
    log: (msg, extra) => console.log(JSON.stringify({ msg, ...extra })),
  });

  return createConsumerHandler(config.secret, worker.run);
}));
