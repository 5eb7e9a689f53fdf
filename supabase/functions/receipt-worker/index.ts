// Receipt worker: wiring only. Called by the database (enqueue trigger, cron sweep) through pg_net
// with the Vault secret; runs as service_role against the database.
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { connectRedis, redisEnv } from '../_shared/redis/connect.ts';
import { createWorkerHandler } from '../_shared/receipts/worker-handler.ts';
import { createReceiptWorker } from '../_shared/receipts/worker.ts';
import { loadWorkerEnv, workerConfigFrom } from '../_shared/receipts/worker-config.ts';
import { postgresWorkerQueue } from '../_shared/receipts/worker-queue.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';
import { createTextractClient, loadTextractConfig } from '../_shared/textract/client.ts';
import { createTextractGovernor, loadGovernorLimits } from '../_shared/textract/governor.ts';
import { loadStagingConfig, s3DocumentStaging } from '../_shared/textract/staging.ts';

const env = { ...loadEnv({ ...platformEnv, ...redisEnv }), ...loadWorkerEnv() };
const textractConfig = loadTextractConfig();
const staging = loadStagingConfig();
const sql = createDb(env.SUPABASE_DB_URL, { max: 4 });
const governor = createTextractGovernor(connectRedis(env), {
  region: textractConfig.region,
  limits: loadGovernorLimits(Deno.env.toObject()),
});
const worker = createReceiptWorker(workerConfigFrom(env), {
  queue: postgresWorkerQueue(sql),
  blobs: storageFromEnv().store,
  textract: createTextractClient(textractConfig, { governor }),
  staging: staging ? s3DocumentStaging(staging) : undefined,
  log: (msg, extra) => console.log(JSON.stringify({ msg, ...extra })),
});

Deno.serve(createWorkerHandler(env.WORKER_SECRET, worker.run));
