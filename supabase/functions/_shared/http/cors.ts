// CORS for browser-facing functions (receipts, health), in one place. Every function runs with
// verify_jwt = false, so a preflight (OPTIONS, sent by browsers without Authorization) reaches the
// function on hosted Supabase as locally, and is answered here before any auth check.

export const CORS_HEADERS: Readonly<Record<string, string>> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers':
    'authorization, x-client-info, apikey, content-type, content-length, idempotency-key, x-organisation-id',
  'Access-Control-Allow-Methods': 'GET, POST, PUT, OPTIONS',
  'Access-Control-Expose-Headers':
    'location, ratelimit-limit, ratelimit-remaining, ratelimit-reset, retry-after, www-authenticate',
  'Access-Control-Max-Age': '86400',
};

/** Answers preflights with 204 and adds the CORS headers to every other response. */
export function withCors(
  handler: (req: Request) => Promise<Response> | Response,
): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS_HEADERS });
    const res = await handler(req);
    for (const [name, value] of Object.entries(CORS_HEADERS)) res.headers.set(name, value);
    return res;
  };
}
