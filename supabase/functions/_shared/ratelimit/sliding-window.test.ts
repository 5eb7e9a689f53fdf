// Sliding-window limiter against REAL Redis: over TCP (ioredis) and through @upstash/redis via the
// local Upstash REST proxy. Env: TALLYQ_REDIS_URL (else a private redis-server is started).
import assert from 'node:assert/strict';
import { createUpstashRestHandler } from '../../../local/upstash-rest-proxy.ts';
import { createTcpRedis } from '../redis/tcp.ts';
import { createUpstashRedis } from '../redis/upstash.ts';
import {
  createSlidingWindowLimiter,
  type RatePolicy,
  retryAfterMs,
  type ScriptRunner,
} from './sliding-window.ts';
import { useTestRedis } from '../redis/testing.ts';

const redisServer = await useTestRedis();
const tcp = createTcpRedis(redisServer.url);
const TOKEN = crypto.randomUUID();
const proxy = Deno.serve(
  { hostname: '127.0.0.1', port: 0, onListen: () => {} },
  createUpstashRestHandler({ redis: tcp.client, token: TOKEN }),
);
const upstash = createUpstashRedis({
  url: `http://127.0.0.1:${proxy.addr.port}`,
  token: TOKEN,
});

const adapters: [string, ScriptRunner][] = [['tcp', tcp], ['upstash-rest', upstash]];
const opts = { sanitizeOps: false, sanitizeResources: false };
const WINDOW = 60_000;
const W0 = Math.floor(Date.UTC(2030, 0, 1) / WINDOW) * WINDOW; // a window start, far from "now"

function policy(limit: number): RatePolicy {
  return { name: `test-${crypto.randomUUID()}`, limit, windowMs: WINDOW };
}

Deno.test({
  name: 'sliding window - 1,000 concurrent requests against a limit of 100: exactly 100 allowed',
  ...opts,
  fn: async () => {
    for (const [name, redis] of adapters) {
      const limiter = createSlidingWindowLimiter({ redis });
      const p = policy(100);
      const now = W0 + 30_000;
      const results = await Promise.all(
        Array.from({ length: 1000 }, () => limiter.limit('user:ada', p, now)),
      );
      const allowed = results.filter((r) => r.success);
      assert.equal(allowed.length, 100, `${name}: allowed`);
      assert.deepEqual(
        allowed.map((r) => r.remaining).sort((a, b) => a - b),
        Array.from({ length: 100 }, (_, i) => i),
        `${name}: each remaining value handed out once`,
      );
      const denied = results.filter((r) => !r.success);
      assert.ok(denied.every((r) => r.remaining === 0 && r.retryAfterMs > 0), name);
      assert.ok(results.every((r) => r.limit === 100 && r.reset === W0 + WINDOW), name);
    }
  },
});

Deno.test({
  name:
    'sliding window - 4 TCP connections and the REST path racing on one key: exactly 100 allowed',
  ...opts,
  fn: async () => {
    const extra = [1, 2, 3].map(() => createTcpRedis(redisServer.url));
    try {
      const runners: ScriptRunner[] = [tcp, ...extra, upstash];
      const p = policy(100);
      const now = W0 + 45_000;
      const results = await Promise.all(
        Array.from(
          { length: 1000 },
          (_, i) =>
            createSlidingWindowLimiter({ redis: runners[i % runners.length] }).limit(
              'ip:x',
              p,
              now,
            ),
        ),
      );
      assert.equal(results.filter((r) => r.success).length, 100);
    } finally {
      await Promise.all(extra.map((r) => r.quit()));
    }
  },
});

Deno.test({
  name: 'sliding window - the previous window counts by the part of it still inside the window',
  ...opts,
  fn: async () => {
    for (const [name, redis] of adapters) {
      const limiter = createSlidingWindowLimiter({ redis });
      const p = policy(100);
      const burst = async (now: number, n: number) => {
        let ok = 0;
        for (let i = 0; i < n; i++) {
          if ((await limiter.limit('ip:203.0.113.9', p, now)).success) ok++;
        }
        return ok;
      };
      // 100 at the very end of window 1.
      assert.equal(await burst(W0 + WINDOW - 1, 120), 100, `${name}: end of window 1`);
      // Start of window 2: the previous window still weighs ~100%.
      assert.equal(await burst(W0 + WINDOW, 10), 0, `${name}: start of window 2`);
      // 50% into window 2: floor(0.5 × 100) = 50 weighted, so 50 more.
      assert.equal(await burst(W0 + WINDOW * 1.5, 80), 50, `${name}: 50% into window 2`);
      // 75%: floor(0.25 × 100) = 25 weighted + 50 current → 25 more.
      assert.equal(await burst(W0 + WINDOW * 1.75, 80), 25, `${name}: 75% into window 2`);
      // Start of window 3: window 2 (75) becomes the previous one → 25 more.
      assert.equal(await burst(W0 + WINDOW * 2, 80), 25, `${name}: start of window 3`);
      // Two windows later nothing is left to weigh: the full 100 again.
      assert.equal(await burst(W0 + WINDOW * 4, 150), 100, `${name}: window 5`);
    }
  },
});

Deno.test({
  name: 'sliding window - retryAfterMs: admitted exactly when it says, not a millisecond before',
  ...opts,
  fn: async () => {
    const limiter = createSlidingWindowLimiter({ redis: tcp });
    const p = policy(10);
    for (let i = 0; i < 10; i++) await limiter.limit('k', p, W0 + 40_000);
    // Full current window: wait until the next window has decayed it below the limit.
    const denied = await limiter.limit('k', p, W0 + 50_000);
    assert.equal(denied.success, false);
    // Next window: floor((1 - m/60000) × 10) + 1 ≤ 10 ⇔ m ≥ 1.
    assert.equal(denied.retryAfterMs, 10_000 + 1);
    const early = await limiter.limit('k', p, W0 + 50_000 + denied.retryAfterMs - 1);
    assert.equal(early.success, false);
    const onTime = await limiter.limit('k', p, W0 + 50_000 + denied.retryAfterMs);
    assert.equal(onTime.success, true);
  },
});

Deno.test('sliding window - retryAfterMs within a window waits for the previous count to decay', () => {
  const p = { name: 'x', limit: 100, windowMs: 60_000 };
  // 60 in previous window, 50 in current at 10%: floor(0.9 × 60) = 54 + 50 > 99 → need weighted ≤ 49.
  // floor((1 - m/60000) × 60) ≤ 49 ⇔ m > 10000 → m = 10001 → wait 4001 ms.
  assert.equal(retryAfterMs(p, 6_000, 50, 60), 4_001);
  // Current window alone is full: into the next window, where floor((1 - m/60000) × 100) ≤ 99.
  assert.equal(retryAfterMs(p, 30_000, 100, 0), 30_000 + 1);
  // A limit of 10 with 10 in the previous window and 5 now at 0%: floor((1-m/w)×10) ≤ 4 ⇔ m > 30000.
  assert.equal(retryAfterMs({ ...p, limit: 10 }, 0, 5, 10), 30_001);
});

Deno.test({
  name: 'sliding window - EVALSHA falls back to EVAL after SCRIPT FLUSH (both adapters)',
  ...opts,
  fn: async () => {
    for (const [name, redis] of adapters) {
      await tcp.client.script('FLUSH');
      const limiter = createSlidingWindowLimiter({ redis });
      const r = await limiter.limit('k', policy(5), W0);
      assert.deepEqual([r.success, r.remaining], [true, 4], name);
    }
  },
});

Deno.test({
  name: 'sliding window - counters expire after two windows and a second',
  ...opts,
  fn: async () => {
    const p = policy(5);
    const limiter = createSlidingWindowLimiter({ redis: tcp, prefix: 'ttl-test' });
    await limiter.limit('k', p, Date.now());
    const keys = await tcp.client.keys(`ttl-test:{${p.name}:k}:*`);
    assert.equal(keys.length, 1);
    const ttl = await tcp.client.pttl(keys[0]);
    assert.ok(ttl > WINDOW * 2 && ttl <= WINDOW * 2 + 1000, `ttl ${ttl}`);
  },
});

Deno.test({
  name: 'sliding window - teardown',
  ...opts,
  fn: async () => {
    await proxy.shutdown();
    await tcp.quit();
    await redisServer.stop();
  },
});
