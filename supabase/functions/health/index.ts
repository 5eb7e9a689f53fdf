// Health: wiring only. Probes the database (required) and Redis (degraded when down; not probed
// when none is configured, see redis/connect.ts).
import { z } from 'npm:zod@^3.24.4';
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { createHealthHandler, serviceRoleCheck } from '../_shared/health/handler.ts';
import type { Probe } from '../_shared/health/checks.ts';
import { redisFromEnv } from '../_shared/redis/connect.ts';
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';

const source = Deno.env.toObject();
const env = loadEnv({ ...platformEnv, HEALTH_TIMEOUT_MS: z.coerce.number().optional() }, source);
const sql = createDb(env.SUPABASE_DB_URL, { max: 2 });
const redis = redisFromEnv(source, 'health: Redis is not probed');

const probes: Probe[] = [{ name: 'database', required: true, run: () => sql`select 1` }];
if (redis) probes.push({ name: 'redis', required: false, run: () => redis.ping() });
// Error details only for the service role (operators); everyone else sees statuses.
const isServiceRole = serviceRoleCheck(jwtVerifierFromEnv(source));
Deno.serve(createHealthHandler(probes, { isServiceRole }));
