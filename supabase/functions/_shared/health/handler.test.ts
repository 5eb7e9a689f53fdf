import assert from 'node:assert/strict';
import { createJwtVerifier, mintJwt } from '../auth/jwt.ts';
import { createHealthHandler, serviceRoleCheck } from './handler.ts';

const probes = [
  { name: 'database', required: true, run: () => Promise.resolve(1) },
  {
    name: 'redis',
    required: false,
    run: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.3.7:6379 (password auth)')),
  },
];
const get = (role: string) =>
  new Request('http://fn.test/health', { headers: { authorization: `Bearer ${role}` } });
const handler = createHealthHandler(probes, {
  isServiceRole: (req) => Promise.resolve(req.headers.get('authorization') === 'Bearer service'),
});

Deno.test('health - anyone sees status and latency, never the error text', async () => {
  const res = await handler(get('anon'));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.status, 'degraded');
  assert.equal(body.checks.redis.status, 'down');
  assert.equal(typeof body.checks.redis.latency_ms, 'number');
  assert.equal(body.checks.redis.error, undefined);
  assert.ok(!JSON.stringify(body).includes('10.0.3.7'));
});

Deno.test('health - the service role gets the error details', async () => {
  const body = await (await handler(get('service'))).json();
  assert.match(body.checks.redis.error, /ECONNREFUSED 10\.0\.3\.7/);
});

Deno.test('health - a role check that throws means no details', async () => {
  const failing = createHealthHandler(probes, {
    isServiceRole: () => Promise.reject(new Error('bad token')),
  });
  const body = await (await failing(get('service'))).json();
  assert.equal(body.checks.redis.error, undefined);
});

Deno.test('health - service role check: a signed service_role key as apikey or bearer; anon and forgeries are not', async () => {
  const secret = 's'.repeat(40);
  const check = serviceRoleCheck(createJwtVerifier({ secret }));
  const service = await mintJwt({ role: 'service_role', iss: 'supabase' }, secret);
  const anon = await mintJwt({ role: 'anon', iss: 'supabase' }, secret);
  const forged = await mintJwt({ role: 'service_role', iss: 'supabase' }, 'x'.repeat(40));
  const req = (headers: Record<string, string>) =>
    new Request('http://fn.test/health', { headers });
  assert.equal(await check(req({ authorization: `Bearer ${service}` })), true);
  assert.equal(await check(req({ apikey: service })), true);
  assert.equal(await check(req({ authorization: `Bearer ${anon}` })), false);
  await assert.rejects(check(req({ authorization: `Bearer ${forged}` })));
});

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
