import assert from 'node:assert/strict';
import { HttpError } from '../http/errors.ts';
import { assertSharedSecret } from './shared-secret.ts';

Deno.test('assertSharedSecret - only the exact bearer secret passes', () => {
  const req = (auth?: string) =>
    new Request('http://x', { headers: auth ? { authorization: auth } : {} });
  assertSharedSecret(req('Bearer s3cret-value-long'), 's3cret-value-long');
  for (
    const bad of [undefined, 'Bearer wrong', 'Basic s3cret-value-long', 'Bearer s3cret-value-lon']
  ) {
    assert.throws(
      () => assertSharedSecret(req(bad), 's3cret-value-long'),
      (e) => e instanceof HttpError && e.status === 401,
    );
  }
});
