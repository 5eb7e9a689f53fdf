// The local stack's web server for the built app (app/dist): static files, `/config.json` with the
// API URL and the public anon key from the stack's env, and the index page for any other path.
// Usage: deno run --allow-net --allow-read --allow-env app/serve.ts --port <port> [--dist <dir>]
import { extname, join, normalize, resolve } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppServerOptions = { dist: string; supabaseUrl: string; anonKey: string };

function securityHeaders(supabaseUrl: string): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy': [
      "default-src 'self'",
      `connect-src 'self' ${supabaseUrl}`,
      "img-src 'self' blob: data:",
      "object-src 'self' blob:",
      "style-src 'self'",
      "script-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; '),
  };
}

/** The request handler (exported for tests: no server needed). */
export function createAppHandler(opts: AppServerOptions): (req: Request) => Promise<Response> {
  const root = resolve(opts.dist);
  const config = JSON.stringify({
    SUPABASE_URL: opts.supabaseUrl,
    SUPABASE_ANON_KEY: opts.anonKey,
  });
  const common = securityHeaders(opts.supabaseUrl);
  const file = async (path: string, cache: string): Promise<Response | null> => {
    try {
      const body = await Deno.readFile(path);
      const type = TYPES[extname(path)] ?? 'application/octet-stream';
      return new Response(body, {
        headers: { ...common, 'Content-Type': type, 'Cache-Control': cache },
      });
    } catch {
      return null;
    }
  };
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return new Response(
        JSON.stringify({ error: 'method_not_allowed', message: 'Method not allowed' }),
        {
          status: 405,
          headers: { ...common, 'Content-Type': 'application/json', Allow: 'GET, HEAD' },
        },
      );
    }
    const { pathname } = new URL(req.url);
    if (pathname === '/config.json') {
      return new Response(config, {
        headers: { ...common, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
      });
    }
    // only files inside dist: a normalised path that escapes it is treated as unknown
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return new Response(JSON.stringify({ error: 'bad_request', message: 'Malformed path' }), {
        status: 400,
        headers: { ...common, 'Content-Type': 'application/json' },
      });
    }
    const path = resolve(join(root, normalize(decoded)));
    if (path.startsWith(root + '/') && pathname !== '/') {
      const hashed = pathname.startsWith('/assets/');
      const hit = await file(path, hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (hit) return hit;
      if (hashed || extname(pathname)) {
        return new Response('Not found', {
          status: 404,
          headers: { ...common, 'Content-Type': 'text/plain' },
        });
      }
    }
    return (await file(join(root, 'index.html'), 'no-cache')) ??
      new Response('The app is not built: run `node_modules/.bin/vite build app`', {
        status: 503,
        headers: { ...common, 'Content-Type': 'text/plain' },
      });
  };
}

if (import.meta.main) {
  const args = Deno.args;
  const arg = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const port = Number(arg('--port') ?? Deno.env.get('APP_PORT'));
  const supabaseUrl = Deno.env.get('SUPABASE_URL');
  const anonKey = Deno.env.get('SUPABASE_ANON_KEY');
  if (!port || !supabaseUrl || !anonKey) {
    console.error('app/serve.ts needs --port, SUPABASE_URL and SUPABASE_ANON_KEY');
    Deno.exit(2);
  }
  const dist = arg('--dist') ?? new URL('./dist', import.meta.url).pathname;
  Deno.serve(
    { port, hostname: '127.0.0.1', onListen: () => {} },
    createAppHandler({ dist, supabaseUrl, anonKey }),
  );
}
