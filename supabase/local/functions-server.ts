// Local stand-in for Supabase's edge runtime + API gateway (never deployed).
// One Deno process serves every function at /functions/v1/<name>, applying `verify_jwt` from
// supabase/config.toml like the hosted gateway: `false` (every tallyq function) passes every
// request through untouched, so the function's own checks are the only ones, as hosted; `true`
// requires a valid project JWT on every request except CORS preflights (OPTIONS), answered with the
// same error vocabulary the functions use. Each function's index.ts runs unchanged: it calls
// Deno.serve(handler) as on hosted Supabase, and this server captures that handler.
//
//   deno run -A supabase/local/functions-server.ts --port 54321
// Env: the stack env (SUPABASE_URL, SUPABASE_DB_URL, keys, JWT_SECRET, …) from scripts/stack.sh.
// It also serves the GoTrue-compatible auth stand-in at /auth/v1 (supabase/local/auth/), so
// SUPABASE_URL is one origin for supabase-js, as on hosted Supabase.
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { createJwtVerifier } from '../functions/_shared/auth/jwt.ts';
import { errorResponse, json, NotFound } from '../functions/_shared/http/errors.ts';
import { gatewayAuth, readVerifyJwt } from './gateway.ts';
import { createLocalAuth } from './auth/index.ts';

type Handler = (req: Request, info?: unknown) => Response | Promise<Response>;

const { values } = parseArgs({ args: Deno.args, options: { port: { type: 'string' } } });
const port = Number(values.port ?? 54321);
const functionsDir = new URL('../functions/', import.meta.url).pathname;
const configPath = new URL('../config.toml', import.meta.url).pathname;

const jwtSecret = Deno.env.get('JWT_SECRET');
if (!jwtSecret) throw new Error('JWT_SECRET is not set (run through scripts/stack.sh)');
const gatewayVerifier = createJwtVerifier({ secret: jwtSecret });

const verifyJwt = readVerifyJwt(await Deno.readTextFile(configPath));

// The gateway's API-key check in front of /auth/v1 (anon or service_role key, as hosted).
const auth = await createLocalAuth(
  Deno.env.toObject(),
  (key) =>
    gatewayVerifier.verifyApiKey(new Request('http://local/', { headers: { apikey: key } }))
      .then(() => true, () => false),
);

// Hosted Supabase keeps an instance alive for promises passed to EdgeRuntime.waitUntil; this
// long-lived process always does, so the shim only has to accept them.
// deno-lint-ignore no-explicit-any
(globalThis as any).EdgeRuntime ??= { waitUntil: (_p: Promise<unknown>) => {} };

// Import every function once; its Deno.serve call hands us its handler.
const handlers = new Map<string, Handler>();
const loadErrors = new Map<string, string>();
const realServe = Deno.serve;
for await (const entry of Deno.readDir(functionsDir)) {
  if (!entry.isDirectory || entry.name.startsWith('_')) continue;
  const index = join(functionsDir, entry.name, 'index.ts');
  try {
    await Deno.stat(index);
  } catch {
    continue;
  }
  let captured: Handler | undefined;
  // deno-lint-ignore no-explicit-any
  (Deno as any).serve = (...args: any[]) => {
    const last = args[args.length - 1];
    captured = typeof last === 'function' ? last : last?.handler;
    return { finished: Promise.resolve(), shutdown: () => Promise.resolve(), ref() {}, unref() {} };
  };
  try {
    await import(`file://${index}`);
    if (!captured) throw new Error('index.ts did not call Deno.serve');
    handlers.set(entry.name, captured);
  } catch (err) {
    loadErrors.set(entry.name, err instanceof Error ? err.message : String(err));
    console.error(`function ${entry.name} failed to load:`, err);
  }
}
// deno-lint-ignore no-explicit-any
(Deno as any).serve = realServe;

realServe({ hostname: '127.0.0.1', port, onListen: () => {} }, async (req, info) => {
  try {
    const url = new URL(req.url);
    if (url.pathname === '/auth/v1' || url.pathname.startsWith('/auth/v1/')) {
      return await auth(req, info.remoteAddr.hostname);
    }
    const match = url.pathname.match(/^\/functions\/v1\/([A-Za-z0-9_-]+)(\/.*)?$/);
    if (!match) throw new NotFound('Not found');
    const name = match[1];
    const handler = handlers.get(name);
    if (!handler) {
      if (loadErrors.has(name)) {
        return json({ error: 'boot_error', message: 'Function failed to start' }, 503);
      }
      throw new NotFound(`Function ${name} not found`);
    }
    if (verifyJwt.get(name) ?? true) await gatewayAuth(req, gatewayVerifier);
    // Hosted Supabase hands the function a URL whose path starts at /<name>.
    const inner = new URL(`/${name}${match[2] ?? ''}${url.search}`, url.origin);
    const headers = new Headers(req.headers);
    // As a proxy does: append the peer it saw; what the client sent stays to its left.
    const sent = req.headers.get('x-forwarded-for');
    headers.set(
      'x-forwarded-for',
      sent ? `${sent}, ${info.remoteAddr.hostname}` : info.remoteAddr.hostname,
    );
    const forwarded = new Request(inner, {
      method: req.method,
      headers,
      body: req.body,
      // @ts-ignore: needed to stream request bodies
      duplex: 'half',
    });
    return await handler(forwarded, info);
  } catch (err) {
    return errorResponse(err);
  }
});
console.log(`functions server on http://127.0.0.1:${port}/functions/v1 (${[...handlers.keys()]})`);
