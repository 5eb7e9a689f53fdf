// GET /functions/v1/health: database and Redis status as JSON. Open to anyone (uptime monitors and
// load balancers carry no project key); it names dependency states, never configuration or secrets.
import { CORS_HEADERS, withCors } from '../http/cors.ts';
import { json, MethodNotAllowed, withErrors } from '../http/errors.ts';
import { healthStatusCode, type Probe, runProbes } from './checks.ts';

export function createHealthHandler(probes: Probe[]): (req: Request) => Promise<Response> {
  return withCors(
    CORS_HEADERS,
    withErrors(async (req) => {
      if (req.method !== 'GET') throw new MethodNotAllowed(['GET']);
      const report = await runProbes(probes);
      return json(
        { ...report, service: 'tallyq', time: new Date().toISOString() },
        healthStatusCode(report),
        { 'cache-control': 'no-store' },
      );
    }),
  );
}
