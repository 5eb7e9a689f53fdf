// Health: wiring only (routes in _shared/health/handler.ts). Probes the database (critical, 5 s),
// Redis (`not_configured`, never probed, when the deployment has none, see redis/connect.ts),
// storage and the Textract endpoint (3 s each). verify_jwt = false and no token needed: load
// balancers, uptime monitors and Kubernetes probes send none; a service-role token only adds the
// details. Needs only SUPABASE_DB_URL: without it the function still starts and answers 503
// not_configured (http/serve.ts); without a JWT configuration nobody sees details.
import { z } from 'npm:zod@^3.24.4';
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';
import { serviceRoleCheck } from '../_shared/auth/service-role.ts';
import { loadEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { createHealthHandler } from '../_shared/health/handler.ts';
import { dependencyProbes, textractEndpointFrom } from '../_shared/health/probes.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';
import { redisFromEnv } from '../_shared/redis/connect.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';

const source = Deno.env.toObject();

function serviceRoleOrNobody(env: Record<string, string | undefined>) {
  try {
    return serviceRoleCheck(jwtVerifierFromEnv(env));
  } catch (err) {
    console.error(`health: details for nobody (${err instanceof Error ? err.message : err})`);
    return () => Promise.resolve(false);
  }
}

Deno.serve(buildOrExplain('health', () => {
  const env = loadEnv({
    SUPABASE_DB_URL: z.string().min(1),
    AWS_REGION: z.string().min(1).optional(),
    TEXTRACT_ENDPOINT: z.string().url().optional(),
  }, source);
  const sql = createDb(env.SUPABASE_DB_URL, { max: 2 });
  const probes = dependencyProbes({
    sql,
    redis: redisFromEnv(source, 'health'),
    store: storageFromEnv(source).store,
    textractEndpoint: textractEndpointFrom(env),
  });
  return createHealthHandler({ probes, isServiceRole: serviceRoleOrNobody(source) });
}));
