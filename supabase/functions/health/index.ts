// Health: wiring only. Probes the database (required) and Redis (degraded when down; reported as
// `not_configured`, never probed, when none is configured, see redis/connect.ts). verify_jwt =
// false: open to uptime monitors; it reveals dependency states only.
import { z } from 'npm:zod@^3.24.4';
import { loadEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { createHealthHandler, serviceRoleCheck } from '../_shared/health/handler.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';
import { redisFromEnv } from '../_shared/redis/connect.ts';
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';

const source = Deno.env.toObject();

Deno.serve(buildOrExplain('health', () => {
  const env = loadEnv({
    SUPABASE_DB_URL: z.string().min(1),
    HEALTH_TIMEOUT_MS: z.coerce.number().optional(),
  }, source);
  const sql = createDb(env.SUPABASE_DB_URL, { max: 2 });
  const redis = redisFromEnv(source, 'health');
  // Error details only for the service role (operators); everyone else sees statuses. Without a
  // usable JWT configuration nobody is the service role, and /health still answers.
  let isServiceRole: ((req: Request) => Promise<boolean>) | undefined;
  try {
    isServiceRole = serviceRoleCheck(jwtVerifierFromEnv(source));
  } catch (err) {
    console.error(`health: error details disabled: ${err instanceof Error ? err.message : err}`);
  }
  return createHealthHandler([
    { name: 'database', required: true, run: () => sql`select 1` },
    { name: 'redis', required: false, run: redis && (() => redis.ping()) },
  ], { isServiceRole });
}));
