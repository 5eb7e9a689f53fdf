// How every function starts: build the handler from env, and if the configuration is missing or
// invalid, still start and answer every request with 503 `not_configured` naming what to set
// (variable names only, never values), instead of crashing at boot, which the platform reports as
// an opaque boot error. The same message goes to the function's log once.
import { CORS_HEADERS, withCors } from './cors.ts';
import { json } from './errors.ts';

type Handler = (req: Request) => Response | Promise<Response>;

export function notConfiguredHandler(name: string, err: unknown): Handler {
  const reason = err instanceof Error ? err.message : String(err);
  return withCors(
    CORS_HEADERS,
    () => json({ error: 'not_configured', message: `${name} is not configured: ${reason}` }, 503),
  );
}

/** Builds the handler once; a configuration error becomes a 503 handler (see above). */
export function buildOrExplain(
  name: string,
  build: () => Handler,
  log: (message: string) => void = console.error,
): Handler {
  try {
    return build();
  } catch (err) {
    log(`${name}: not configured, answering 503: ${err instanceof Error ? err.message : err}`);
    return notConfiguredHandler(name, err);
  }
}
