// Declared routes (method + pattern -> handler), as in hono: a function's HTTP surface is a table,
// not a ladder of `if`s over path segments. Patterns are relative to the function's base path and
// use `:name` for one segment. A path no pattern matches is a 404; a matched path with another
// method is a 405 naming the allowed ones. Where several patterns match a path, the one with the
// fewest parameters decides (`/uploads` before `/:id`), whatever the order of declaration.
import { MethodNotAllowed, NotFound } from './errors.ts';

export type Params = Record<string, string>;
export type RouteHandler = (req: Request, params: Params, url: URL) => Promise<Response>;
export type Route = { method: string; pattern: string; handler: RouteHandler };

export function route(method: string, pattern: string, handler: RouteHandler): Route {
  return { method: method.toUpperCase(), pattern, handler };
}

export type RouterOptions = {
  /** The function's base path, e.g. `/receipts` (the gateway's `/functions/v1` is dropped). */
  base: string;
  /** Answer OPTIONS (CORS preflight) anywhere under the base with an empty 204. */
  preflight?: boolean;
};

/** The request path as the function sees it: without `/functions/v1` and trailing slashes. */
export function functionPath(url: URL): string {
  return url.pathname.replace(/^\/functions\/v1/, '').replace(/\/+$/, '');
}

function segments(path: string): string[] {
  return path === '' ? [] : path.replace(/^\//, '').split('/');
}

function match(pattern: string[], path: string[]): Params | null {
  if (pattern.length !== path.length) return null;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i].startsWith(':')) params[pattern[i].slice(1)] = path[i];
    else if (pattern[i] !== path[i]) return null;
  }
  return params;
}

export function createRouter(
  routes: Route[],
  options: RouterOptions,
): (req: Request) => Promise<Response> {
  const table = routes.map((r) => {
    const parts = segments(r.pattern);
    return { ...r, parts, params: parts.filter((p) => p.startsWith(':')).length };
  });
  const base = options.base.replace(/\/+$/, '');
  return async (req) => {
    const url = new URL(req.url);
    const path = functionPath(url);
    if (path !== base && !path.startsWith(`${base}/`)) throw new NotFound('Not found');
    const method = req.method.toUpperCase();
    if (method === 'OPTIONS' && options.preflight) return new Response(null, { status: 204 });
    const rest = segments(path.slice(base.length));
    const matching = table.filter((r) => match(r.parts, rest) !== null);
    if (matching.length === 0) throw new NotFound('Not found');
    const best = matching.reduce((a, b) => (b.params < a.params ? b : a));
    const same = matching.filter((r) => r.pattern === best.pattern);
    const hit = same.find((r) => r.method === method);
    if (!hit) throw new MethodNotAllowed(same.map((r) => r.method));
    return await hit.handler(req, match(hit.parts, rest) ?? {}, url);
  };
}
