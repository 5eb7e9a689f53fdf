import assert from 'node:assert/strict';
import { ConfigError } from '../config/env.ts';
import { loadRedisConfig, redisFromEnv } from './connect.ts';

Deno.test('redis config - TCP wins over Upstash; Upstash needs URL and token together', () => {
  assert.deepEqual(
    loadRedisConfig({
      TALLYQ_REDIS_URL: 'redis://127.0.0.1:6379',
      UPSTASH_REDIS_REST_URL: 'https://x.upstash.io',
      UPSTASH_REDIS_REST_TOKEN: 't',
    }),
    { transport: 'tcp', url: 'redis://127.0.0.1:6379' },
  );
  assert.deepEqual(
    loadRedisConfig({
      UPSTASH_REDIS_REST_URL: 'https://x.upstash.io',
      UPSTASH_REDIS_REST_TOKEN: 't',
    }),
    { transport: 'upstash', url: 'https://x.upstash.io', token: 't' },
  );
  assert.throws(
    () => loadRedisConfig({ UPSTASH_REDIS_REST_URL: 'https://x.upstash.io' }),
    (e) => e instanceof ConfigError && /go together/.test(e.message),
  );
  assert.throws(() => loadRedisConfig({ TALLYQ_REDIS_URL: 'not a url' }), ConfigError);
});

Deno.test('redis config - none configured: null, and one warning naming what is off', () => {
  assert.equal(loadRedisConfig({}), null);
  const warnings: string[] = [];
  assert.equal(redisFromEnv({}, 'health', (m) => warnings.push(m)), null);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0],
    /^health: no Redis configured .*rate limits and the Textract governor are off/,
  );
});
