// CORS for browser clients, composed around a handler (outside the error mapper), so every
// response carries the headers: successes, errors and the preflight alike.

export function withCors(
  headers: Record<string, string>,
  handler: (req: Request) => Promise<Response>,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const res = await handler(req);
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  };
}
