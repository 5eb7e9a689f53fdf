import assert from 'node:assert/strict';
import { createHealthHandler } from './handler.ts';

const ok = () => Promise.resolve(1);
const down = () => Promise.reject(new Error('connection refused'));

Deno.test('health - preflight without credentials: 204 with CORS headers, no probe runs', async () => {
  let probed = 0;
  const handler = createHealthHandler([{
    name: 'database',
    required: true,
    run: () => (probed++, ok()),
  }]);
  const res = await handler(new Request('http://x/health', { method: 'OPTIONS' }));
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.match(res.headers.get('access-control-allow-headers') ?? '', /authorization/);
  assert.equal(probed, 0);
});

Deno.test('health - no Redis configured: ok, redis reported not_configured', async () => {
  const handler = createHealthHandler([
    { name: 'database', required: true, run: ok },
    { name: 'redis', required: false, run: null },
  ]);
  const res = await handler(new Request('http://x/health'));
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const body = await res.json();
  assert.equal(body.status, 'ok');
  assert.equal(body.checks.redis.status, 'not_configured');
});

Deno.test('health - Redis configured but down: degraded, still 200', async () => {
  const handler = createHealthHandler([
    { name: 'database', required: true, run: ok },
    { name: 'redis', required: false, run: down },
  ]);
  const res = await handler(new Request('http://x/health'));
  assert.equal(res.status, 200);
  assert.equal((await res.json()).status, 'degraded');
});

Deno.test('health - database down: 503 down', async () => {
  const handler = createHealthHandler([{ name: 'database', required: true, run: down }]);
  const res = await handler(new Request('http://x/health'));
  assert.equal(res.status, 503);
  assert.equal((await res.json()).status, 'down');
});
