import assert from 'node:assert/strict';
import { sha256Hex } from '../../crypto/sha256.ts';
import { loadReceiptsApiConfig } from './config.ts';

const base = { SUPABASE_DB_URL: 'postgres://x', SUPABASE_URL: 'https://ref.supabase.co/' };

Deno.test('receipts API config - defaults: public URL under the project, 50 MiB, 15 min URLs', () => {
  const c = loadReceiptsApiConfig(base);
  assert.equal(c.publicUrl, 'https://ref.supabase.co/functions/v1/receipts');
  assert.equal(c.maxBytes, 50 * 1024 * 1024);
  assert.equal(c.uploadUrlTtlSeconds, 900);
  assert.equal(c.uploadSecret, undefined);
});

Deno.test('receipts API config - the upload key is derived from the JWT secret unless set', () => {
  const jwt = 'j'.repeat(32);
  assert.equal(
    loadReceiptsApiConfig({ ...base, TALLYQ_JWT_SECRET: jwt }).uploadSecret,
    sha256Hex(`tallyq-receipt-uploads:${jwt}`),
  );
  const own = 'u'.repeat(32);
  assert.equal(
    loadReceiptsApiConfig({ ...base, TALLYQ_JWT_SECRET: jwt, RECEIPT_UPLOAD_SECRET: own })
      .uploadSecret,
    own,
  );
  assert.throws(
    () => loadReceiptsApiConfig({ ...base, RECEIPT_MAX_BYTES: 'lots' }),
    /RECEIPT_MAX_BYTES/,
  );
});
