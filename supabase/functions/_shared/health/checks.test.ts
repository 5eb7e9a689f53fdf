import assert from 'node:assert/strict';
import { healthStatusCode, runProbes } from './checks.ts';

const ok = () => Promise.resolve(1);
const down = () => Promise.reject(new Error('connection refused'));

Deno.test('health checks - no Redis configured is reported, never probed, and not a fault', async () => {
  const report = await runProbes([
    { name: 'database', required: true, run: ok },
    { name: 'redis', required: false, run: null },
  ]);
  assert.equal(report.status, 'ok');
  assert.equal(report.checks.redis.status, 'not_configured');
  assert.equal(healthStatusCode(report), 200);
});

Deno.test('health checks - Redis down is degraded (200), the database down is down (503)', async () => {
  const degraded = await runProbes([
    { name: 'database', required: true, run: ok },
    { name: 'redis', required: false, run: down },
  ]);
  assert.equal(degraded.status, 'degraded');
  assert.equal(healthStatusCode(degraded), 200);
  const gone = await runProbes([{ name: 'database', required: true, run: down }]);
  assert.equal(gone.status, 'down');
  assert.equal(healthStatusCode(gone), 503);
});
