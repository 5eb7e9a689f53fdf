// GET /functions/v1/health         full report: 200 healthy|degraded, 503 unhealthy
// GET /functions/v1/health/live    liveness: 200 while the process serves, touches no dependency
// GET /functions/v1/health/ready   readiness: 200 when every critical dependency is up, else 503
// Open to anyone, no token needed (uptime monitors, load balancers and Kubernetes probes carry no
// project key); shared CORS answers preflights. Everyone sees the overall status and each check's
// state (a dependency that is not configured, e.g. no Redis, reads `not_configured`); latency,
// timeouts and error text only the service role (they reveal internals).
import { CORS_HEADERS, withCors } from '../http/cors.ts';
import { json, MethodNotAllowed, NotFound, withErrors } from '../http/errors.ts';
import { type HealthReport, healthStatusCode, type Probe, runProbes } from './checks.ts';

export type HealthDeps = {
  probes: Probe[];
  isServiceRole: (req: Request) => Promise<boolean>;
  now?: () => Date;
};

const NO_STORE = { 'cache-control': 'no-store' };

export function publicView(report: HealthReport) {
  return {
    status: report.status,
    checks: Object.fromEntries(
      Object.entries(report.checks).map(([name, c]) => [name, { status: c.status }]),
    ),
  };
}

export function createHealthHandler(deps: HealthDeps): (req: Request) => Promise<Response> {
  const now = deps.now ?? (() => new Date());
  return withCors(
    CORS_HEADERS,
    withErrors(async (req) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new MethodNotAllowed(['GET', 'HEAD']);
      }
      const path = new URL(req.url).pathname.replace(/\/+$/, '');
      const route = path.match(/\/health(?:\/(live|ready))?$/)?.[1] ??
        (path.endsWith('/health') ? '' : null);
      if (route === null) throw new NotFound('Not found');
      const time = now().toISOString();
      if (route === 'live') {
        return json({ status: 'alive', service: 'tallyq', time }, 200, NO_STORE);
      }

      const report = await runProbes(deps.probes);
      const body = (await deps.isServiceRole(req)) ? report : publicView(report);
      const ready = report.status !== 'unhealthy';
      if (route === 'ready') {
        return json({ ...body, ready, service: 'tallyq', time }, ready ? 200 : 503, NO_STORE);
      }
      return json({ ...body, service: 'tallyq', time }, healthStatusCode(report), NO_STORE);
    }),
  );
}
