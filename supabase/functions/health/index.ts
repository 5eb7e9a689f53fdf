// Health: wiring only (routes in _shared/health/handler.ts). Probes the database (critical, 5 s),
// Redis (`not_configured` when the deployment has none, see redis/connect.ts), storage and the Textract
// endpoint (3 s each). verify_jwt = false: load balancers and Kubernetes probes send no token; the
// service role sees details.
import { z } from 'npm:zod@^3.24.4';
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';
import { serviceRoleCheck } from '../_shared/auth/service-role.ts';
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import type { Probe } from '../_shared/health/checks.ts';
import { createHealthHandler } from '../_shared/health/handler.ts';
import {
  databaseProbe,
  notConfiguredProbe,
  redisProbe,
  storageProbe,
  textractProbe,
} from '../_shared/health/probes.ts';
import { redisFromEnv } from '../_shared/redis/connect.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';

const source = Deno.env.toObject();
const env = loadEnv({
  ...platformEnv,
  AWS_REGION: z.string().min(1).optional(),
  TEXTRACT_ENDPOINT: z.string().url().optional(),
}, source);
const sql = createDb(env.SUPABASE_DB_URL, { max: 2 });
const redis = redisFromEnv(source, 'health');
const textractEndpoint = env.TEXTRACT_ENDPOINT ??
  (env.AWS_REGION ? `https://textract.${env.AWS_REGION}.amazonaws.com` : undefined);

const probes: Probe[] = [
  databaseProbe(sql),
  redis ? redisProbe(redis) : notConfiguredProbe('redis'),
  storageProbe(storageFromEnv(source).store),
  textractEndpoint ? textractProbe(textractEndpoint) : notConfiguredProbe('textract'),
];

Deno.serve(
  createHealthHandler({ probes, isServiceRole: serviceRoleCheck(jwtVerifierFromEnv(source)) }),
);
