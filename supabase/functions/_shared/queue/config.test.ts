import assert from 'node:assert/strict';
import { ConfigError } from '../config/env.ts';
import { loadQueueConsumerConfig } from './config.ts';

const defaults = { batchSize: 10, maxBatchSize: 100, visibilitySeconds: 120 };
const secret = 'a-secret-of-16-chars';

Deno.test('queue consumer config - defaults, and overrides read under the consumer prefix', () => {
  assert.deepEqual(loadQueueConsumerConfig('WORKER', defaults, { WORKER_SECRET: secret }), {
    secret,
    batchSize: 10,
    visibilitySeconds: 120,
    maxAttempts: 5,
    maxDeliveries: 5,
    budgetMs: 100_000,
    backoffBaseSeconds: 2,
    backoffMaxSeconds: 300,
  });
  const c = loadQueueConsumerConfig('HOOKS', defaults, {
    WORKER_SECRET: secret,
    HOOKS_BATCH_SIZE: '7',
    HOOKS_MAX_ATTEMPTS: '9',
    HOOKS_MAX_DELIVERIES: '3',
    WORKER_BATCH_SIZE: '99',
  });
  assert.equal(c.batchSize, 7);
  assert.equal(c.maxAttempts, 9);
  assert.equal(c.maxDeliveries, 3);
});

Deno.test('queue consumer config - a missing secret or an out-of-range batch names the variable', () => {
  assert.throws(() => loadQueueConsumerConfig('WORKER', defaults, {}), /WORKER_SECRET/);
  assert.throws(
    () =>
      loadQueueConsumerConfig('WORKER', defaults, {
        WORKER_SECRET: secret,
        WORKER_BATCH_SIZE: '101',
      }),
    (e) => e instanceof ConfigError && /WORKER_BATCH_SIZE/.test(e.message),
  );
});
