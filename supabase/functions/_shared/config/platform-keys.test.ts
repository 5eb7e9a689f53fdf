import assert from 'node:assert/strict';
import { parseKeyList, serviceKeyFromEnv } from './platform-keys.ts';

Deno.test('platform keys - JSON dictionary as hosted Supabase provides it: every value', () => {
  assert.deepEqual(
    parseKeyList('{"default":"sb_publishable_a","mobile":"sb_publishable_b"}'),
    ['sb_publishable_a', 'sb_publishable_b'],
  );
});

Deno.test('platform keys - comma list and empty values', () => {
  assert.deepEqual(parseKeyList('sb_secret_a, sb_secret_b'), ['sb_secret_a', 'sb_secret_b']);
  assert.deepEqual(parseKeyList(undefined), []);
  assert.deepEqual(parseKeyList('  '), []);
  assert.throws(() => parseKeyList('{"default":'), /does not parse/);
});

Deno.test('platform keys - service key: default secret key first, then legacy service_role', () => {
  assert.equal(
    serviceKeyFromEnv({
      SUPABASE_SECRET_KEYS: '{"other":"sb_secret_o","default":"sb_secret_d"}',
      SUPABASE_SERVICE_ROLE_KEY: 'eyJ.legacy',
    }),
    'sb_secret_d',
  );
  assert.equal(serviceKeyFromEnv({ SUPABASE_SERVICE_ROLE_KEY: 'eyJ.legacy' }), 'eyJ.legacy');
  assert.equal(serviceKeyFromEnv({}), null);
});
