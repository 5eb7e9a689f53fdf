// The ops function's routes (service role only):
//   GET  /ops/metrics                   JSON; Prometheus text with Accept: text/plain or
//                                       ?format=prometheus
//   POST /ops/erasure {user_id}         GDPR erasure of one person (erasure.ts)
//   GET  /ops/openapi.json              the API document (public; built in ops/openapi.ts)
// and, for organisation owners and admins (their own checks), /ops/organisations/… (the router
// in organisation/handler.ts). CORS on every answer: the web app calls the organisation routes.
import { CORS_HEADERS, withCors } from '../http/cors.ts';
import { functionPath } from '../http/router.ts';
import { ORGANISATION_OPS_BASE } from './organisation/handler.ts';
import {
  BadRequest,
  Forbidden,
  json,
  MethodNotAllowed,
  NotFound,
  Unauthorized,
  withErrors,
} from '../http/errors.ts';
import { erasureRequest } from './contract.ts';
import type { ErasureResult } from './erasure.ts';
import type { OpsMetrics } from './metrics.ts';
import { PROMETHEUS_CONTENT_TYPE, toPrometheus } from './prometheus.ts';

export type OpsRoute = {
  method: string;
  pattern: URLPattern;
  handle: (req: Request, params: Record<string, string | undefined>) => Promise<Response>;
};

export type OpsDeps = {
  isServiceRole: (req: Request) => Promise<boolean>;
  metrics: () => Promise<OpsMetrics>;
  /** More routes (erasure, …) composed by the function's wiring. */
  extraRoutes?: OpsRoute[];
  /** Routes anyone may call (the API document). */
  publicRoutes?: OpsRoute[];
  /** /ops/organisations/…: organisation admins' routes, which check their callers themselves. */
  organisations?: (req: Request) => Promise<Response>;
};

export function wantsPrometheus(req: Request): boolean {
  const url = new URL(req.url);
  if (url.searchParams.get('format') === 'prometheus') return true;
  if (url.searchParams.get('format') === 'json') return false;
  const accept = req.headers.get('accept') ?? '';
  return /\btext\/plain\b/.test(accept) && !/\bapplication\/json\b/.test(accept);
}

export function metricsRoute(metrics: () => Promise<OpsMetrics>): OpsRoute {
  return {
    method: 'GET',
    pattern: new URLPattern({ pathname: '/ops/metrics' }),
    handle: async (req) => {
      const m = await metrics();
      if (wantsPrometheus(req)) {
        return new Response(toPrometheus(m), {
          headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' },
        });
      }
      return json(m, 200, { 'cache-control': 'no-store' });
    },
  };
}

export const erasureRequestSchema = erasureRequest;

export function erasureRoute(erase: (userId: string) => Promise<ErasureResult>): OpsRoute {
  return {
    method: 'POST',
    pattern: new URLPattern({ pathname: '/ops/erasure' }),
    handle: async (req) => {
      const body = await req.json().catch(() => {
        throw new BadRequest('Body must be JSON');
      });
      const parsed = erasureRequestSchema.safeParse(body);
      if (!parsed.success) {
        throw new BadRequest('Body must be {"user_id": "<uuid>"}', 'invalid_request');
      }
      return json(await erase(parsed.data.user_id));
    },
  };
}

export function createOpsHandler(deps: OpsDeps): (req: Request) => Promise<Response> {
  const publicRoutes = deps.publicRoutes ?? [];
  const routes = [metricsRoute(deps.metrics), ...(deps.extraRoutes ?? []), ...publicRoutes];
  return withCors(
    CORS_HEADERS,
    withErrors(async (req) => {
      const path = functionPath(new URL(req.url));
      if (deps.organisations && `${path}/`.startsWith(`${ORGANISATION_OPS_BASE}/`)) {
        return await deps.organisations(req);
      }
      const matching = routes.filter((r) => r.pattern.test({ pathname: path }));
      if (matching.length === 0) throw new NotFound('Not found');
      const route = matching.find((r) => r.method === req.method);
      if (!route) throw new MethodNotAllowed(matching.map((r) => r.method));
      if (publicRoutes.includes(route)) return await route.handle(req, {});
      if (!req.headers.get('authorization') && !req.headers.get('apikey')) {
        throw new Unauthorized('Missing authorization header');
      }
      if (!(await deps.isServiceRole(req))) throw new Forbidden('Operators only (service role)');
      const params = route.pattern.exec({ pathname: path })?.pathname.groups ?? {};
      return await route.handle(req, params);
    }),
  );
}
