// Local stand-in for Upstash's Redis REST API in front of a real Redis, so the @upstash/redis
// adapter runs against the same Redis as the TCP one. Speaks what @upstash/redis sends:
//   POST /            body ["CMD", "arg", …]          → {"result": …} | 400 {"error": "…"}
//   POST /pipeline    body [["CMD", …], …]            → [{"result": …} | {"error": "…"}, …]
//   POST /multi-exec  body [["CMD", …], …] (MULTI/EXEC, same reply shape)
//   GET|POST /cmd/arg/…  path-style commands (handy with curl); a POST body is the last argument
// Auth: `Authorization: Bearer <token>` (or `?_token=`). With `Upstash-Encoding: base64` every
// string in the result is base64-encoded, as Upstash does and the client decodes by default.
//
// Usage: TALLYQ_REDIS_URL=redis://127.0.0.1:54379 UPSTASH_REDIS_REST_TOKEN=… \
//          deno run -A supabase/local/upstash-rest-proxy.ts [--port 54381]

import { timingSafeEqual } from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { Redis as IORedis } from 'npm:ioredis@^5.6.1';
import { z } from 'npm:zod@^3.24.4';
import { createTcpRedis } from '../functions/_shared/redis/tcp.ts';

type Arg = string | number;
type Command = Arg[];
type Reply = { result: unknown } | { error: string };

/** Commands that stream, reconfigure or stop the server have no place behind a REST proxy. */
const DENIED = new Set([
  'shutdown',
  'debug',
  'monitor',
  'subscribe',
  'psubscribe',
  'ssubscribe',
  'sync',
  'psync',
  'replicaof',
  'slaveof',
  'module',
  'acl',
  'config',
  'failover',
]);

const argSchema = z.union([z.string(), z.number(), z.boolean()]).transform((v) =>
  typeof v === 'boolean' ? String(v) : v
);
const commandSchema = z.array(argSchema).min(1);
const pipelineSchema = z.array(commandSchema).min(1);

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

function encodeBase64(value: unknown): unknown {
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64');
  if (Array.isArray(value)) return value.map(encodeBase64);
  return value;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function checkCommand(cmd: Command): string | undefined {
  const name = String(cmd[0]).toLowerCase();
  if (DENIED.has(name)) return `ERR command '${name}' is not allowed by the local REST proxy`;
  return undefined;
}

export interface UpstashRestHandlerOptions {
  redis: IORedis;
  token: string;
}

export function createUpstashRestHandler(options: UpstashRestHandlerOptions) {
  const expected = Buffer.from(options.token, 'utf8');
  const { redis } = options;

  function authorised(req: Request, url: URL): boolean {
    const header = req.headers.get('authorization') ?? '';
    const given = header.startsWith('Bearer ')
      ? header.slice(7).trim()
      : url.searchParams.get('_token') ?? '';
    const buf = Buffer.from(given, 'utf8');
    return buf.length === expected.length && timingSafeEqual(buf, expected);
  }

  async function runOne(cmd: Command): Promise<Reply> {
    const denied = checkCommand(cmd);
    if (denied) return { error: denied };
    try {
      const [name, ...args] = cmd;
      return { result: await redis.call(String(name), ...args) };
    } catch (err) {
      return { error: errorMessage(err) };
    }
  }

  async function runBatch(cmds: Command[], atomic: boolean): Promise<Reply[] | Response> {
    for (const cmd of cmds) {
      const denied = checkCommand(cmd);
      if (denied) return jsonResponse({ error: denied }, 400);
    }
    const batch = atomic ? redis.multi() : redis.pipeline();
    for (const [name, ...args] of cmds) batch.call(String(name), ...args);
    const results = await batch.exec();
    if (results === null) return jsonResponse({ error: 'EXECABORT Transaction discarded' }, 400);
    return results.map(([err, result]) => err ? { error: errorMessage(err) } : { result });
  }

  return async function handle(req: Request): Promise<Response> {
    const url = new URL(req.url);
    if (!authorised(req, url)) return jsonResponse({ error: 'Unauthorized' }, 401);
    const base64 = req.headers.get('upstash-encoding')?.toLowerCase() === 'base64';
    const encode = (
      r: Reply,
    ): Reply => ('result' in r && base64 ? { result: encodeBase64(r.result) } : r);
    const path = url.pathname.replace(/\/+$/, '');

    try {
      if (req.method === 'POST' && (path === '/pipeline' || path === '/multi-exec')) {
        const parsed = pipelineSchema.safeParse(await req.json().catch(() => undefined));
        if (!parsed.success) {
          return jsonResponse({ error: 'ERR body must be a JSON array of commands' }, 400);
        }
        const replies = await runBatch(parsed.data, path === '/multi-exec');
        return replies instanceof Response ? replies : jsonResponse(replies.map(encode));
      }

      let cmd: Command;
      if (path === '' && req.method === 'POST') {
        const parsed = commandSchema.safeParse(await req.json().catch(() => undefined));
        if (!parsed.success) return jsonResponse({ error: 'ERR body must be a JSON array' }, 400);
        cmd = parsed.data;
      } else if (path !== '' && (req.method === 'GET' || req.method === 'POST')) {
        cmd = path.slice(1).split('/').map(decodeURIComponent);
        if (req.method === 'POST') {
          const body = await req.text();
          if (body) cmd.push(body);
        }
      } else {
        return jsonResponse({ error: 'ERR unsupported request' }, 405);
      }

      const reply = await runOne(cmd);
      return 'error' in reply ? jsonResponse(reply, 400) : jsonResponse(encode(reply));
    } catch (err) {
      // Redis unreachable or similar: a 5xx so the client raises instead of reading a result.
      return jsonResponse({ error: `ERR proxy: ${errorMessage(err)}` }, 502);
    }
  };
}

const envSchema = z.object({
  TALLYQ_REDIS_URL: z.string().url(),
  UPSTASH_REDIS_REST_TOKEN: z.string().min(1),
  UPSTASH_PROXY_PORT: z.coerce.number().int().positive().optional(),
});

if (import.meta.main) {
  const parsed = envSchema.safeParse(Deno.env.toObject());
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
    console.error(`upstash-rest-proxy: missing or invalid env: ${names}`);
    Deno.exit(2);
  }
  const portFlag = Deno.args.indexOf('--port');
  const port = portFlag >= 0 ? Number(Deno.args[portFlag + 1]) : parsed.data.UPSTASH_PROXY_PORT ??
    54381;
  const redis = createTcpRedis(parsed.data.TALLYQ_REDIS_URL);
  const handler = createUpstashRestHandler({
    redis: redis.client,
    token: parsed.data.UPSTASH_REDIS_REST_TOKEN,
  });
  Deno.serve({ hostname: '127.0.0.1', port, onListen: () => {} }, handler);
  console.error(`upstash-rest-proxy: http://127.0.0.1:${port} → ${parsed.data.TALLYQ_REDIS_URL}`);
}
