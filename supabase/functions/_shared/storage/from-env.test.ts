import assert from 'node:assert/strict';
import { storageFromEnv } from './from-env.ts';

Deno.test('storage from env - local needs LOCAL_STORAGE_DIR and has no signed-upload issuer', () => {
  assert.throws(() => storageFromEnv({ STORAGE_DRIVER: 'local' }), /LOCAL_STORAGE_DIR/);
  const storage = storageFromEnv({ STORAGE_DRIVER: 'local', LOCAL_STORAGE_DIR: '/tmp/x' });
  assert.equal(storage.driver, 'local');
  assert.equal(storage.signedUploads, undefined);
});

Deno.test('storage from env - supabase is the default and names its missing variables', () => {
  assert.throws(() => storageFromEnv({}), /SUPABASE_URL/);
  assert.throws(
    () => storageFromEnv({ SUPABASE_URL: 'https://ref.supabase.co' }),
    /SUPABASE_SECRET_KEYS or SUPABASE_SERVICE_ROLE_KEY/,
  );
  // A new project (new API keys only) works with the platform-provided secret keys.
  assert.ok(
    storageFromEnv({
      SUPABASE_URL: 'https://ref.supabase.co',
      SUPABASE_SECRET_KEYS: '{"default":"sb_secret_x"}',
    }).signedUploads,
  );
  const storage = storageFromEnv({
    SUPABASE_URL: 'https://ref.supabase.co',
    SUPABASE_SERVICE_ROLE_KEY: 'k',
  });
  assert.equal(storage.driver, 'supabase');
  assert.equal(storage.bucket, 'receipts');
  assert.ok(storage.signedUploads);
});

Deno.test('storage from env - s3 names every missing variable; unknown drivers fail', () => {
  assert.throws(
    () => storageFromEnv({ STORAGE_DRIVER: 's3', S3_REGION: 'eu-west-1' }),
    (err: Error) =>
      ['S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'].every((v) =>
        err.message.includes(v)
      ) && !err.message.includes('S3_REGION'),
  );
  assert.throws(() => storageFromEnv({ STORAGE_DRIVER: 'ftp' }), /STORAGE_DRIVER/);
});
