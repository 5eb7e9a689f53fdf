// Middleware and policies against REAL Redis (TALLYQ_REDIS_URL, else a private redis-server) and
// against a Redis that is down (a port nothing listens on).
import assert from 'node:assert/strict';
import { errorResponse, HttpError } from '../http/errors.ts';
import { createRateLimit, LimiterHealthTracker } from './middleware.ts';
import {
  DEFAULT_POLICIES,
  identify,
  loadRateLimitConfig,
  type RouteName,
  type RoutePolicy,
} from './policy.ts';
import { createTcpRedis } from '../redis/tcp.ts';
import { createUpstashRedis } from '../redis/upstash.ts';
import { createSlidingWindowLimiter } from './sliding-window.ts';
import { deadRedisUrl, freePort, useTestRedis } from '../redis/testing.ts';

const redisServer = await useTestRedis();
const tcp = createTcpRedis(redisServer.url);
const opts = { sanitizeOps: false, sanitizeResources: false };
const W0 = Math.floor(Date.UTC(2031, 0, 1) / 60_000) * 60_000;

function freshPolicies(): Record<RouteName, RoutePolicy> {
  // Unique counter names per test so runs never share state.
  const run = crypto.randomUUID().slice(0, 8);
  const p = loadRateLimitConfig({});
  for (const route of Object.keys(p) as RouteName[]) {
    p[route] = { ...p[route], name: `${route}-${run}` as RouteName };
  }
  return p;
}

function request(headers: Record<string, string> = {}) {
  return new Request('http://localhost/fn', { method: 'POST', headers });
}

async function caught(p: Promise<unknown>): Promise<HttpError> {
  const err = await p.then(() => undefined, (e) => e);
  assert.ok(err instanceof HttpError, `expected an HttpError, got ${String(err)}`);
  return err;
}

Deno.test('policy - defaults: the budgets of issue 5, one place', () => {
  const p = loadRateLimitConfig({});
  assert.deepEqual(
    Object.fromEntries(Object.values(p).map((x) => [x.name, [x.limit, x.windowMs, x.failMode]])),
    {
      'payments-webhook': [50, 60_000, 'open'],
      'messaging-webhook': [100, 60_000, 'open'],
      ai: [30, 60_000, 'closed'],
      admin: [200, 60_000, 'closed'],
      upload: [60, 60_000, 'open'],
      wallet: [120, 60_000, 'closed'],
    },
  );
});

Deno.test('policy - env overrides each field and rejects bad values by name', () => {
  const p = loadRateLimitConfig({
    RATE_LIMIT_PAYMENTS_WEBHOOK_LIMIT: '80',
    RATE_LIMIT_AI_WINDOW_SECONDS: '10',
    RATE_LIMIT_UPLOAD_FAIL_MODE: 'closed',
  });
  assert.equal(p['payments-webhook'].limit, 80);
  assert.equal(p.ai.windowMs, 10_000);
  assert.equal(p.upload.failMode, 'closed');
  assert.equal(DEFAULT_POLICIES.upload.failMode, 'open');
  assert.throws(
    () => loadRateLimitConfig({ RATE_LIMIT_ADMIN_LIMIT: 'lots' }),
    /RATE_LIMIT_ADMIN_LIMIT/,
  );
  assert.throws(
    () => loadRateLimitConfig({ RATE_LIMIT_AI_FAIL_MODE: 'sometimes' }),
    /RATE_LIMIT_AI_FAIL_MODE/,
  );
});

Deno.test('policy - identifiers: user, then API key (hashed), then client IP', () => {
  const ai = DEFAULT_POLICIES.ai;
  const oneProxy = { trustedHops: 1 };
  const req = request({ apikey: 'sb_secret_abc', 'x-forwarded-for': '10.9.9.9, 198.51.100.7' });
  assert.equal(identify(ai, req, { userId: 'u1' }, oneProxy), 'user:u1');
  const byKey = identify(ai, req, {}, oneProxy);
  assert.match(byKey, /^key:[0-9a-f]{32}$/);
  assert.ok(!byKey.includes('sb_secret_abc'));
  assert.equal(
    identify(ai, request({ 'x-forwarded-for': '198.51.100.7' }), {}, oneProxy),
    'ip:198.51.100.7',
  );
  assert.equal(
    identify(DEFAULT_POLICIES['payments-webhook'], req, { userId: 'u1' }, oneProxy),
    'ip:198.51.100.7',
  );
  assert.equal(identify(ai, request()), 'ip:unknown');
  // Nothing trusted and no peer known: a forwarded header alone names no one.
  assert.equal(identify(ai, request({ 'x-forwarded-for': '198.51.100.7' })), 'ip:unknown');
});

Deno.test({
  name: 'middleware - allowed: RateLimit headers with limit, remaining and reset seconds',
  ...opts,
  fn: async () => {
    const rateLimit = createRateLimit({
      limiter: createSlidingWindowLimiter({ redis: tcp }),
      policies: freshPolicies(),
    });
    const now = W0 + 15_000;
    const headers = await rateLimit('ai', request(), { userId: 'u1', now });
    assert.deepEqual(headers, {
      'RateLimit-Limit': '30',
      'RateLimit-Remaining': '29',
      'RateLimit-Reset': '45',
      'RateLimit-Policy': '30;w=60',
    });
  },
});

Deno.test({
  name: 'middleware - over the limit: 429 JSON with Retry-After and RateLimit headers',
  ...opts,
  fn: async () => {
    const rateLimit = createRateLimit({
      limiter: createSlidingWindowLimiter({ redis: tcp }),
      policies: freshPolicies(),
    });
    const now = W0 + 15_000;
    for (let i = 0; i < 30; i++) await rateLimit('ai', request(), { userId: 'u2', now });
    const err = await caught(rateLimit('ai', request(), { userId: 'u2', now }));
    const res = errorResponse(err);
    assert.equal(res.status, 429);
    assert.deepEqual(await res.json(), { error: 'rate_limited', message: 'Too many requests' });
    assert.equal(res.headers.get('Retry-After'), '46'); // next window + 1 ms, rounded up
    assert.equal(res.headers.get('RateLimit-Limit'), '30');
    assert.equal(res.headers.get('RateLimit-Remaining'), '0');
    assert.equal(res.headers.get('RateLimit-Reset'), '46');
    // Another user is counted separately.
    const other = await rateLimit('ai', request(), { userId: 'u3', now });
    assert.equal(other['RateLimit-Remaining'], '29');
  },
});

Deno.test({
  name: 'middleware - Redis down (TCP): fail-open route allows, fail-closed route answers 503',
  ...opts,
  fn: async () => {
    const dead = createTcpRedis(deadRedisUrl(), { commandTimeoutMs: 300 });
    const health = new LimiterHealthTracker();
    const logs: string[] = [];
    const rateLimit = createRateLimit({
      limiter: createSlidingWindowLimiter({ redis: dead }),
      policies: freshPolicies(),
      health,
      log: (m) => logs.push(m),
    });
    assert.deepEqual(await rateLimit('upload', request(), { userId: 'u1' }), {});
    assert.deepEqual(await rateLimit('payments-webhook', request()), {});
    const err = await caught(rateLimit('ai', request(), { userId: 'u1' }));
    const res = errorResponse(err);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.deepEqual(await res.json(), {
      error: 'rate_limiter_unavailable',
      message: 'Rate limiting is unavailable, please retry shortly',
    });
    assert.equal(health.status().status, 'degraded');
    assert.equal(health.status().consecutiveFailures, 3);
    await assert.rejects(health.probe().run(), /Rate limiter degraded/);
    assert.equal(logs.length, 3);
    assert.match(logs[2], /Redis error on ai \(fail-closed\)/);
    dead.client.disconnect();

    // Recovery: the next successful call clears the degraded state.
    const recovered = createRateLimit({
      limiter: createSlidingWindowLimiter({ redis: tcp }),
      policies: freshPolicies(),
      health,
    });
    await recovered('ai', request(), { userId: 'u1', now: W0 });
    assert.equal(health.status().status, 'ok');
    assert.ok(await health.probe().run());
  },
});

Deno.test({
  name: 'middleware - Redis down (Upstash REST unreachable): same fail modes',
  ...opts,
  fn: async () => {
    const dead = createUpstashRedis({
      url: `http://127.0.0.1:${freePort()}`,
      token: 'x',
      timeoutMs: 300,
      retries: 0,
    });
    const rateLimit = createRateLimit({
      limiter: createSlidingWindowLimiter({ redis: dead }),
      policies: freshPolicies(),
      log: () => {},
    });
    assert.deepEqual(await rateLimit('messaging-webhook', request()), {});
    assert.equal((await caught(rateLimit('admin', request(), { userId: 'u1' }))).status, 503);
  },
});

Deno.test({
  name: 'middleware - teardown',
  ...opts,
  fn: async () => {
    await tcp.quit();
    await redisServer.stop();
  },
});

Deno.test({
  name: 'middleware - every 429 is reported to onReject with its route, allowed requests are not',
  ...opts,
  fn: async () => {
    const rejected: string[] = [];
    const policies = freshPolicies();
    policies.ai = { ...policies.ai, limit: 2 };
    const own = createTcpRedis(redisServer.url);
    const limit = createRateLimit({
      limiter: createSlidingWindowLimiter({ redis: own }),
      policies,
      onReject: (route) => {
        rejected.push(route);
        return Promise.reject(new Error('metrics store down')); // must not change the answer
      },
    });
    const now = W0 + 1000;
    await limit('ai', request(), { userId: 'u-reject', now });
    await limit('ai', request(), { userId: 'u-reject', now });
    assert.deepEqual(rejected, []);
    const err = await caught(limit('ai', request(), { userId: 'u-reject', now }));
    assert.equal(err.status, 429);
    assert.deepEqual(rejected, ['ai']);
    await own.quit();
  },
});
