// The local Upstash REST proxy speaks what @upstash/redis expects. Env: TALLYQ_REDIS_URL (else a
// private redis-server is started).
import assert from 'node:assert/strict';
import { Redis } from 'npm:@upstash/redis@^1.34.9';
import { createTcpRedis } from '../functions/_shared/redis/tcp.ts';
import { useTestRedis } from '../functions/_shared/redis/testing.ts';
import { createUpstashRestHandler } from './upstash-rest-proxy.ts';

const redisServer = await useTestRedis();
const tcp = createTcpRedis(redisServer.url);
const TOKEN = crypto.randomUUID();
const proxy = Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: () => {} },
  createUpstashRestHandler({ redis: tcp.client, token: TOKEN }),
);
const base = `http://127.0.0.1:${proxy.addr.port}`;
const opts = { sanitizeOps: false, sanitizeResources: false };
const key = (k: string) => `proxy-test:${crypto.randomUUID()}:${k}`;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

Deno.test({
  name: 'upstash proxy - wrong or missing token: 401',
  ...opts,
  fn: async () => {
    assert.deepEqual(await post('/', ['PING'], { authorization: 'Bearer nope' }), {
      status: 401,
      body: { error: 'Unauthorized' },
    });
    const res = await fetch(`${base}/`, { method: 'POST', body: '["PING"]' });
    assert.equal(res.status, 401);
    await res.body?.cancel();
  },
});

Deno.test({
  name: 'upstash proxy - single command, base64 encoding, and errors as 400 {error}',
  ...opts,
  fn: async () => {
    const k = key('s');
    assert.deepEqual(await post('/', ['SET', k, 'héllo']), { status: 200, body: { result: 'OK' } });
    assert.deepEqual(await post('/', ['GET', k]), { status: 200, body: { result: 'héllo' } });
    assert.deepEqual(await post('/', ['GET', k], { 'upstash-encoding': 'base64' }), {
      status: 200,
      body: { result: btoa(String.fromCharCode(...new TextEncoder().encode('héllo'))) },
    });
    const bad = await post('/', ['EVALSHA', 'f'.repeat(40), 0]);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /^NOSCRIPT/);
    assert.equal((await post('/', ['SHUTDOWN'])).status, 400);
    assert.equal((await post('/', { not: 'an array' })).status, 400);
  },
});

Deno.test({
  name: 'upstash proxy - /pipeline and /multi-exec: one reply per command, errors in place',
  ...opts,
  fn: async () => {
    const k = key('p');
    const piped = await post('/pipeline', [['INCR', k], ['INCRBY', k, 5], ['HGET', k, 'x']]);
    assert.equal(piped.status, 200);
    assert.deepEqual(piped.body.slice(0, 2), [{ result: 1 }, { result: 6 }]);
    assert.match(piped.body[2].error, /WRONGTYPE/);
    const multi = await post('/multi-exec', [['INCR', k], ['GET', k]]);
    assert.deepEqual(multi, { status: 200, body: [{ result: 7 }, { result: '7' }] });
  },
});

Deno.test({
  name: 'upstash proxy - @upstash/redis client works end to end (auto-pipelining, eval)',
  ...opts,
  fn: async () => {
    const client = new Redis({ url: base, token: TOKEN, enableTelemetry: false });
    const k = key('c');
    await client.set(k, { a: 1 });
    assert.deepEqual(await client.get(k), { a: 1 });
    const [x, y] = await Promise.all([client.incr(`${k}:n`), client.incr(`${k}:n`)]);
    assert.deepEqual([x, y].sort(), [1, 2]);
    assert.deepEqual(await client.eval('return {KEYS[1], ARGV[1]}', [k], ['v']), [k, 'v']);
  },
});

Deno.test({
  name: 'upstash proxy - teardown',
  ...opts,
  fn: async () => {
    await proxy.shutdown();
    await tcp.quit();
    await redisServer.stop();
  },
});
