import assert from 'node:assert/strict';
import { cachedHealthStatus } from './health.ts';

Deno.test('cached health - probes once per window, then again', async () => {
  let runs = 0;
  let now = 0;
  const health = cachedHealthStatus(
    () => {
      runs += 1;
      return Promise.resolve({ status: runs === 1 ? 'healthy' as const : 'degraded' as const });
    },
    15_000,
    () => now,
  );
  assert.deepEqual(await health(), { status: 'healthy' });
  now = 14_999;
  assert.deepEqual(await health(), { status: 'healthy' });
  assert.equal(runs, 1);
  now = 15_000;
  assert.deepEqual(await health(), { status: 'degraded' });
  assert.equal(runs, 2);
});

Deno.test('cached health - a runner that throws reads as unhealthy, not as an error', async () => {
  const health = cachedHealthStatus(() => Promise.reject(new Error('boom')));
  assert.deepEqual(await health(), { status: 'unhealthy' });
});
