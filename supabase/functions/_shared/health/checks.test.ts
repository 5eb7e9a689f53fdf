import assert from 'node:assert/strict';
import { healthStatusCode, overallStatus, type Probe, runProbes } from './checks.ts';

const up = (name: string, critical = false): Probe => ({
  name,
  critical,
  timeoutMs: 1000,
  run: () => Promise.resolve(),
});
const down = (name: string, critical = false): Probe => ({
  name,
  critical,
  timeoutMs: 1000,
  run: () => Promise.reject(new Error(`${name} refused`)),
});

Deno.test('overallStatus - critical down is unhealthy, non-critical down is degraded', () => {
  assert.equal(overallStatus([{ status: 'up', critical: true }]), 'healthy');
  assert.equal(
    overallStatus([{ status: 'up', critical: true }, { status: 'down', critical: false }]),
    'degraded',
  );
  assert.equal(
    overallStatus([{ status: 'down', critical: true }, { status: 'up', critical: false }]),
    'unhealthy',
  );
  assert.equal(healthStatusCode({ status: 'degraded' }), 200);
  assert.equal(healthStatusCode({ status: 'unhealthy' }), 503);
});

Deno.test('runProbes - reports each check with its latency and error', async () => {
  const report = await runProbes([up('database', true), down('redis')]);
  assert.equal(report.status, 'degraded');
  assert.equal(report.checks.database.status, 'up');
  assert.equal(report.checks.redis.status, 'down');
  assert.equal(report.checks.redis.error, 'redis refused');
  assert.equal(typeof report.checks.database.latency_ms, 'number');
});

Deno.test('runProbes - a probe that throws synchronously is down, not a crash', async () => {
  const report = await runProbes([{
    name: 'storage',
    critical: false,
    timeoutMs: 100,
    run: () => {
      throw new Error('misconfigured');
    },
  }]);
  assert.equal(report.checks.storage.error, 'misconfigured');
});

Deno.test('runProbes - a probe that never settles is down at its own deadline, and aborted', async () => {
  let aborted = false;
  const started = performance.now();
  const report = await runProbes([
    up('database', true),
    {
      name: 'textract',
      critical: false,
      timeoutMs: 150,
      run: (signal) =>
        new Promise(() => {
          signal.addEventListener('abort', () => aborted = true);
        }),
    },
  ]);
  const took = performance.now() - started;
  assert.equal(report.status, 'degraded');
  assert.equal(report.checks.textract.error, 'timed out after 150 ms');
  assert.ok(took < 1000, `answered after ${took} ms`);
  assert.equal(aborted, true);
});

Deno.test('runProbes - a dependency the deployment does not configure is reported, never probed, not a fault', async () => {
  const report = await runProbes([up('database', true), {
    name: 'redis',
    critical: false,
    timeoutMs: 1000,
    run: null,
  }]);
  assert.equal(report.status, 'healthy');
  assert.equal(report.checks.redis.status, 'not_configured');
});
