// Health: wiring only. Probes the database (required) and Redis (degraded when down).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { createHealthHandler } from '../_shared/health/handler.ts';
import { connectRedis, redisEnv } from '../_shared/redis/connect.ts';

const env = loadEnv({
  ...platformEnv,
  ...redisEnv,
  HEALTH_TIMEOUT_MS: z.coerce.number().optional(),
});
const sql = createDb(env.SUPABASE_DB_URL, { max: 2 });
const redis = connectRedis(env);

Deno.serve(createHealthHandler([
  { name: 'database', required: true, run: () => sql`select 1` },
  { name: 'redis', required: false, run: () => redis.ping() },
]));
