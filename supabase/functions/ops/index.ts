// Ops: wiring only (routes in _shared/ops/handler.ts). Service role only: metrics for dashboards
// and alerting, GDPR erasure. Organisation owners and admins (their own access token): their
// organisation's overview and dead-letter replay (_shared/ops/organisation/). verify_jwt = false;
// the handler checks callers itself. Optional TEXTRACT_ENDPOINT / AWS_REGION for the health probe.
// Without its configuration it still starts and answers 503 not_configured (http/serve.ts).
import { jwtVerifierFromEnv } from '../_shared/auth/jwt.ts';
import { serviceRoleCheck } from '../_shared/auth/service-role.ts';
import { loadEnv, platformEnv } from '../_shared/config/env.ts';
import { createDb } from '../_shared/db/client.ts';
import { eraseUser } from '../_shared/ops/erasure.ts';
import { collectMetrics, type DatabaseMetrics } from '../_shared/ops/metrics.ts';
import { createOpsHandler, erasureRoute, type OpsRoute } from '../_shared/ops/handler.ts';
import { json } from '../_shared/http/errors.ts';
import { buildOrExplain } from '../_shared/http/serve.ts';
import { withCorrelation } from '../_shared/log/correlation.ts';
import { openApiDocument } from './openapi.ts';
import { ROUTES } from '../_shared/ratelimit/policy.ts';
import { rejectionCounter } from '../_shared/ratelimit/rejections.ts';
import { redisFromEnv } from '../_shared/redis/connect.ts';
import { storageFromEnv } from '../_shared/storage/from-env.ts';
import { runProbes } from '../_shared/health/checks.ts';
import { dependencyProbes, textractEndpointFrom } from '../_shared/health/probes.ts';
import { createOrganisationOpsRouter } from '../_shared/ops/organisation/handler.ts';
import { cachedHealthStatus } from '../_shared/ops/organisation/health.ts';
import { postgresOrganisationOpsRepository } from '../_shared/ops/organisation/repository.ts';

const source = Deno.env.toObject();
const handler = buildOrExplain('ops', () => {
  const env = loadEnv(platformEnv, source);
  const sql = createDb(env.SUPABASE_DB_URL, { max: 2 });
  const store = storageFromEnv(source).store;
  const redis = redisFromEnv(source, 'ops: rate-limit rejections are not reported');
  const rejections = redis ? rejectionCounter(redis) : undefined;

  const document = openApiDocument(`${env.SUPABASE_URL.replace(/\/$/, '')}/functions/v1`);
  const openApiRoute: OpsRoute = {
    method: 'GET',
    pattern: new URLPattern({ pathname: '/ops/openapi.json' }),
    handle: () => Promise.resolve(json(document, 200, { 'cache-control': 'public, max-age=300' })),
  };

  const verifier = jwtVerifierFromEnv(source);
  const isServiceRole = serviceRoleCheck(verifier);
  const probes = dependencyProbes({
    sql,
    redis,
    store,
    textractEndpoint: textractEndpointFrom(source),
  });
  const organisations = createOrganisationOpsRouter({
    repository: postgresOrganisationOpsRepository(sql),
    verifier,
    isServiceRole,
    health: cachedHealthStatus(() => runProbes(probes)),
  });

  return createOpsHandler({
    isServiceRole,
    metrics: () =>
      collectMetrics({
        database: async () => {
          const [row] = await sql`select private.ops_metrics() as m`;
          return row.m as DatabaseMetrics;
        },
        // the last whole minute: a stable per-minute figure
        rejections: rejections && ((route) => rejections.recent(route, 0, Date.now() - 60_000)),
        routes: ROUTES,
      }),
    extraRoutes: [erasureRoute((userId) => eraseUser({ sql, store }, userId))],
    publicRoutes: [openApiRoute],
    organisations,
  });
});

Deno.serve(withCorrelation(async (req) => await handler(req)));
