// Health: wiring only. Probes the database (required) and Redis (degraded when down,
// `not_configured` when the deployment has none, see _shared/redis/connect.ts).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { createHealthHandler, serviceRoleCheck } from '../_shared/health/handler.ts';
import { redisFromEnv } from '../_shared/redis/connect.ts';
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';

const source = Deno.env.toObject();
const env = loadEnv({
  SUPABASE_DB_URL: z.string().min(1),
  HEALTH_TIMEOUT_MS: z.coerce.number().optional(),
}, source);
const sql = createDb(env.SUPABASE_DB_URL, { max: 2 });
const redis = redisFromEnv(source, 'health');

// Error details only for the service role (operators); everyone else sees statuses.
const isServiceRole = serviceRoleCheck(jwtVerifierFromEnv(source));
Deno.serve(createHealthHandler([
  { name: 'database', required: true, run: () => sql`select 1` },
  { name: 'redis', required: false, run: redis && (() => redis.ping()) },
], { isServiceRole }));
