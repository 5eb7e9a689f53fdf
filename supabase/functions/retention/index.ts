// Retention: wiring only (_shared/ops/retention.ts). Kicked once a day by pg_cron
// (tallyq_retention) through pg_net with the worker secret. Env: RETENTION_IMAGE_DAYS (30),
// RETENTION_ARTIFACT_DAYS (90). Without its configuration it still starts and answers 503
// not_configured (http/serve.ts).
import { z } from 'npm:zod@^3.24.4';
import { assertSharedSecret } from '../_shared/auth/shared-secret.ts';
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { json, MethodNotAllowed, withErrors } from '../_shared/http/errors.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';
import { createLogger } from '../_shared/log/logger.ts';
import { DEFAULT_RETENTION, runRetention } from '../_shared/ops/retention.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';

const source = Deno.env.toObject();

Deno.serve(buildOrExplain('retention', () => {
  const env = loadEnv({
    ...platformEnv,
    WORKER_SECRET: z.string().min(16),
    RETENTION_IMAGE_DAYS: z.coerce.number().int().min(1).default(DEFAULT_RETENTION.imageDays),
    RETENTION_ARTIFACT_DAYS: z.coerce.number().int().min(1).default(DEFAULT_RETENTION.artifactDays),
  }, source);
  const sql = createDb(env.SUPABASE_DB_URL, { max: 2 });
  const store = storageFromEnv(source).store;
  const log = createLogger({ fields: { fn: 'retention' } });

  return withErrors(async (req) => {
    if (req.method !== 'POST') throw new MethodNotAllowed(['POST']);
    assertSharedSecret(req, env.WORKER_SECRET);
    const summary = await log.timed(
      'retention run',
      () =>
        runRetention({ sql, store }, new Date(), {
          ...DEFAULT_RETENTION,
          imageDays: env.RETENTION_IMAGE_DAYS,
          artifactDays: env.RETENTION_ARTIFACT_DAYS,
        }),
    );
    return json(summary);
  });
}));
