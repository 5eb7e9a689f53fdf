import assert from 'node:assert/strict';
import { signUploadToken, verifyUploadToken } from './upload-token.ts';

const secret = 'a'.repeat(64);
const grant = { path: 'org/user/uploads/x', maxBytes: 1_000, expiresAt: 2_000_000_000 };

Deno.test('upload token - a signed token verifies to its grant', () => {
  const token = signUploadToken(grant, secret);
  assert.deepEqual(verifyUploadToken(token, secret, 1_000_000_000_000), grant);
});

Deno.test('upload token - an expired token is refused', () => {
  const token = signUploadToken(grant, secret);
  assert.throws(() => verifyUploadToken(token, secret, 2_000_000_000_000), {
    status: 403,
    code: 'upload_url_expired',
  });
});

Deno.test('upload token - a tampered payload or another secret is refused', () => {
  const token = signUploadToken(grant, secret);
  const [payload, sig] = token.split('.');
  const forged = signUploadToken({ ...grant, path: 'other/user/uploads/x' }, secret).split('.')[0];
  assert.throws(() => verifyUploadToken(`${forged}.${sig}`, secret, 0), {
    code: 'invalid_upload_token',
  });
  assert.throws(() => verifyUploadToken(token, 'b'.repeat(64), 0), {
    code: 'invalid_upload_token',
  });
  assert.throws(() => verifyUploadToken(payload, secret, 0), { code: 'invalid_upload_token' });
});
