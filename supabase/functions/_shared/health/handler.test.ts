// The health routes against REAL dependencies: a private redis-server that is stopped mid-test,
// the stack's Postgres (SUPABASE_DB_URL) when it runs, a database port nothing listens on, and
// TCP listeners that accept and never answer (a hung Postgres, a hung Textract endpoint).
import assert from 'node:assert/strict';
import { createDb } from '../db/client.ts';
import { createTcpRedis } from '../redis/tcp.ts';
import { freePort } from '../redis/testing.ts';
import { createHealthHandler } from './handler.ts';
import { databaseProbe, notConfiguredProbe, redisProbe, textractProbe } from './probes.ts';

const opts = { sanitizeOps: false, sanitizeResources: false };
const DB_URL = Deno.env.get('SUPABASE_DB_URL');

async function startRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = freePort();
  const child = new Deno.Command('redis-server', {
    args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    stdout: 'null',
    stderr: 'null',
  }).spawn();
  for (let i = 0; i < 200; i++) {
    try {
      (await Deno.connect({ hostname: '127.0.0.1', port })).close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await child.status;
    },
  };
}

/** Accepts TCP connections and never answers: a hung dependency. */
function hangingListener(): { port: number; close: () => void } {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const conns: Deno.Conn[] = [];
  (async () => {
    try {
      for await (const conn of listener) conns.push(conn);
    } catch { /* closed */ }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close: () => {
      conns.forEach((c) => {
        try {
          c.close();
        } catch { /* gone */ }
      });
      listener.close();
    },
  };
}

const asOperator = (yes: boolean) => () => Promise.resolve(yes);
const get = (handler: (r: Request) => Promise<Response>, path = '') =>
  handler(new Request(`http://local/health${path}`));
const alwaysUpDb = { unsafe: () => Promise.resolve([{ '?column?': 1 }]) };

Deno.test({
  name: 'health - Redis stopped: degraded, naming Redis; ready stays 200',
  ...opts,
  fn: async () => {
    const server = await startRedis();
    const redis = createTcpRedis(server.url);
    try {
      const handler = createHealthHandler({
        probes: [databaseProbe(alwaysUpDb), redisProbe(redis)],
        isServiceRole: asOperator(true),
      });
      const before = await get(handler);
      assert.equal(before.status, 200);
      assert.equal((await before.json()).status, 'healthy');

      await server.stop();
      const after = await get(handler);
      const body = await after.json();
      assert.equal(after.status, 200);
      assert.equal(body.status, 'degraded');
      assert.equal(body.checks.redis.status, 'down');
      assert.equal(typeof body.checks.redis.error, 'string');
      assert.equal(body.checks.database.status, 'up');
      assert.equal((await get(handler, '/ready')).status, 200);
    } finally {
      await redis.quit().catch(() => {});
    }
  },
});

Deno.test({
  name: 'health - database unreachable (nothing listening): unhealthy, 503, not ready',
  ...opts,
  fn: async () => {
    const sql = createDb(`postgresql://postgres:postgres@127.0.0.1:${freePort()}/postgres`, {
      max: 1,
    });
    try {
      const handler = createHealthHandler({
        probes: [databaseProbe(sql)],
        isServiceRole: asOperator(false),
      });
      const res = await get(handler);
      assert.equal(res.status, 503);
      assert.deepEqual((await res.json()).checks, { database: { status: 'down' } });
      const ready = await get(handler, '/ready');
      assert.equal(ready.status, 503);
      assert.equal((await ready.json()).ready, false);
      assert.equal((await get(handler, '/live')).status, 200, 'liveness ignores dependencies');
    } finally {
      await sql.end({ timeout: 1 });
    }
  },
});

Deno.test({
  name: 'health - the real database answers: healthy with latency for the service role',
  ignore: !DB_URL,
  ...opts,
  fn: async () => {
    const sql = createDb(DB_URL!, { max: 1 });
    try {
      const handler = createHealthHandler({
        probes: [databaseProbe(sql)],
        isServiceRole: asOperator(true),
      });
      const body = await (await get(handler)).json();
      assert.equal(body.status, 'healthy');
      assert.equal(body.checks.database.critical, true);
      assert.ok(body.checks.database.latency_ms >= 0);
    } finally {
      await sql.end({ timeout: 1 });
    }
  },
});

Deno.test({
  name: 'health - hung database and hung Textract: the check answers within each timeout',
  ...opts,
  fn: async () => {
    const hungDb = hangingListener();
    const hungTextract = hangingListener();
    const sql = createDb(`postgresql://postgres:postgres@127.0.0.1:${hungDb.port}/postgres`, {
      max: 1,
    });
    try {
      const handler = createHealthHandler({
        probes: [
          databaseProbe(sql, 600),
          textractProbe(`http://127.0.0.1:${hungTextract.port}`, fetch, 300),
        ],
        isServiceRole: asOperator(true),
      });
      const started = performance.now();
      const res = await get(handler);
      const took = performance.now() - started;
      const body = await res.json();
      assert.equal(res.status, 503);
      assert.equal(body.checks.database.error, 'timed out after 600 ms');
      assert.equal(body.checks.textract.error, 'timed out after 300 ms');
      assert.ok(took < 600 + 1000, `answered after ${Math.round(took)} ms`);
    } finally {
      hungDb.close();
      hungTextract.close();
      await sql.end({ timeout: 0 }).catch(() => {});
    }
  },
});

Deno.test('health - details only for the service role', async () => {
  const probes = [databaseProbe(alwaysUpDb), {
    name: 'redis',
    critical: false,
    timeoutMs: 100,
    run: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:6379')),
  }];
  const anon = await (await get(createHealthHandler({ probes, isServiceRole: asOperator(false) })))
    .json();
  assert.deepEqual(anon.checks, { database: { status: 'up' }, redis: { status: 'down' } });
  assert.ok(!JSON.stringify(anon).includes('10.0.0.7'));
  const operator =
    await (await get(createHealthHandler({ probes, isServiceRole: asOperator(true) })))
      .json();
  assert.equal(operator.checks.redis.error, 'connect ECONNREFUSED 10.0.0.7:6379');
});

Deno.test('health - other methods 405, unknown subpaths 404', async () => {
  const handler = createHealthHandler({ probes: [], isServiceRole: asOperator(false) });
  assert.equal((await handler(new Request('http://local/health', { method: 'POST' }))).status, 405);
  const nf = await get(handler, '/nope');
  assert.equal(nf.status, 404);
  assert.equal((await nf.json()).error, 'not_found');
});

Deno.test('health - preflight without credentials: 204 with CORS headers, no probe runs', async () => {
  let probed = 0;
  const handler = createHealthHandler({
    probes: [{
      name: 'database',
      critical: true,
      timeoutMs: 100,
      run: () => (probed++, Promise.resolve(1)),
    }],
    isServiceRole: asOperator(false),
  });
  const res = await handler(new Request('http://local/health', { method: 'OPTIONS' }));
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/);
  assert.equal(probed, 0);
});

Deno.test('health - no Redis configured: healthy, redis not_configured, no token needed', async () => {
  const handler = createHealthHandler({
    probes: [databaseProbe(alwaysUpDb), notConfiguredProbe('redis')],
    isServiceRole: asOperator(false),
  });
  for (const path of ['', '/ready']) {
    const res = await get(handler, path);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    const body = await res.json();
    assert.equal(body.status, 'healthy');
    assert.deepEqual(body.checks.redis, { status: 'not_configured' });
  }
});
