// GET /functions/v1/health: database and Redis status as JSON. Open to anyone (uptime monitors and
// load balancers carry no project key); it names dependency states and latencies, never
// configuration or secrets. The probes' error text (hosts, ports, driver messages) only goes to
// the service role, which operators use.
import { bearerToken, type JwtVerifier } from '../auth/jwt.ts';
import { CORS_HEADERS, withCors } from '../http/cors.ts';
import { json, MethodNotAllowed, withErrors } from '../http/errors.ts';
import { type HealthReport, healthStatusCode, type Probe, runProbes } from './checks.ts';

export type HealthOptions = {
  /** True when the caller presented the service role key; errors never count as true. */
  isServiceRole?: (req: Request) => Promise<boolean>;
};

/** Service role = a valid service_role API key, sent as `apikey` or as the bearer token. */
export function serviceRoleCheck(verifier: Pick<JwtVerifier, 'verifyApiKey'>) {
  return async (req: Request): Promise<boolean> => {
    const apikey = req.headers.get('apikey') ?? bearerToken(req);
    const asKey = new Request(req.url, { headers: { apikey } });
    return (await verifier.verifyApiKey(asKey)).role === 'service_role';
  };
}

/** The report without the probes' error text. */
export function redacted(report: HealthReport): HealthReport {
  const checks: HealthReport['checks'] = {};
  for (const [name, { status, latency_ms }] of Object.entries(report.checks)) {
    checks[name] = { status, latency_ms };
  }
  return { ...report, checks };
}

export function createHealthHandler(
  probes: Probe[],
  options: HealthOptions = {},
): (req: Request) => Promise<Response> {
  return withCors(
    CORS_HEADERS,
    withErrors(async (req) => {
      if (req.method !== 'GET') throw new MethodNotAllowed(['GET']);
      const [report, detailed] = await Promise.all([
        runProbes(probes),
        options.isServiceRole?.(req).catch(() => false) ?? Promise.resolve(false),
      ]);
      return json(
        {
          ...(detailed ? report : redacted(report)),
          service: 'tallyq',
          time: new Date().toISOString(),
        },
        healthStatusCode(report),
        { 'cache-control': 'no-store' },
      );
    }),
  );
}
