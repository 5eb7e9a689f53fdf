import assert from 'node:assert/strict';
import { AuthError, OAuthError, renderError, requestedApiVersion } from './errors.ts';

Deno.test('requestedApiVersion - any date from 2024-01-01 on is that version; else the initial one', () => {
  assert.equal(requestedApiVersion('2024-01-01'), '2024-01-01');
  assert.equal(requestedApiVersion('2025-06-30'), '2024-01-01');
  assert.equal(requestedApiVersion('2023-12-31'), null);
  assert.equal(requestedApiVersion('yesterday'), null);
  assert.equal(requestedApiVersion(null), null);
});

Deno.test('renderError - 2024-01-01: {code, message} and the version echoed; x-sb-error-code always', () => {
  const r = renderError(
    new AuthError(400, 'invalid_credentials', 'Invalid login credentials'),
    '2024-01-01',
  );
  assert.deepEqual(r, {
    status: 400,
    body: { code: 'invalid_credentials', message: 'Invalid login credentials' },
    headers: { 'x-sb-error-code': 'invalid_credentials', 'X-Supabase-Api-Version': '2024-01-01' },
  });
});

Deno.test('renderError - no version: {code: status, error_code, msg}', () => {
  const r = renderError(new AuthError(403, 'bad_jwt', 'invalid JWT'), null);
  assert.deepEqual(r.body, { code: 403, error_code: 'bad_jwt', msg: 'invalid JWT' });
  assert.equal(r.status, 403);
});

Deno.test('renderError - OAuth errors keep their own shape; anything unknown is an opaque 500', () => {
  assert.deepEqual(renderError(new OAuthError('invalid_request', 'refresh_token required'), null), {
    status: 400,
    body: { error: 'invalid_request', error_description: 'refresh_token required' },
    headers: {},
  });
  const r = renderError(new Error('connection refused at 10.0.0.3'), '2024-01-01');
  assert.equal(r.status, 500);
  assert.deepEqual(r.body, { code: 'unexpected_failure', message: 'Internal Server Error' });
});
