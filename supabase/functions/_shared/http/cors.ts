// CORS for browser-facing functions (receipts, health, ops), in one place, composed around a handler
// (outside the error mapper) so every response carries the headers: successes, errors and the
// preflight alike. Every function runs with verify_jwt = false, so a preflight (OPTIONS, sent by
// browsers without Authorization) reaches the function on hosted Supabase as locally, and is
// answered here before any auth check.

export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers':
    'authorization, x-client-info, apikey, content-type, content-length, idempotency-key, x-organisation-id, x-correlation-id, if-none-match',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, OPTIONS',
  'Access-Control-Expose-Headers':
    'location, ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after, www-authenticate, etag, content-disposition, content-length, x-correlation-id',
  'Access-Control-Max-Age': '86400',
};

/** Answers preflights with 204 and adds `headers` to every other response. */
export function withCors(
  headers: Readonly<Record<string, string>>,
  handler: (req: Request) => Promise<Response> | Response,
): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers });
    const res = await handler(req);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  };
}
