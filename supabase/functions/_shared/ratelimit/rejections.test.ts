// Against REAL Redis (TALLYQ_REDIS_URL, else a private redis-server).
import assert from 'node:assert/strict';
import { createTcpRedis } from '../redis/tcp.ts';
import { rejectionCounter } from './rejections.ts';
import { useTestRedis } from '../redis/testing.ts';

const opts = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: 'rejectionCounter - counts per route and minute, sums the recent minutes',
  ...opts,
  fn: async () => {
    const server = await useTestRedis();
    const redis = createTcpRedis(server.url);
    try {
      const counter = rejectionCounter(redis);
      const route = `test-${crypto.randomUUID()}`;
      const t0 = Date.UTC(2031, 0, 1, 12, 0, 30);
      await Promise.all([1, 2, 3].map(() => counter.record(route, t0)));
      await counter.record(route, t0 + 60_000);
      await counter.record(`${route}-other`, t0 + 60_000);
      assert.equal(await counter.recent(route, 0, t0), 3);
      assert.equal(await counter.recent(route, 0, t0 + 60_000), 1);
      assert.equal(await counter.recent(route, 1, t0 + 60_000), 4);
      assert.equal(await counter.recent(route, 1, t0 + 180_000), 0, 'older minutes fall out');
      assert.ok(
        Number(
          await redis.client.ttl(`tallyq:metrics:rate_limited:${route}:${Math.floor(t0 / 60_000)}`),
        ) > 0,
      );
    } finally {
      await redis.quit();
      await server.stop();
    }
  },
});
