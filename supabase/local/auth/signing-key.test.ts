import assert from 'node:assert/strict';
import { jwtVerify, SignJWT } from 'npm:jose@^6.0.11';
import { loadOrCreateSigningKey } from './signing-key.ts';

Deno.test('signing key - created once (0600), the same key on the next load; JWKS part has no d', async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/auth/signing-key.json`;
    const first = await loadOrCreateSigningKey(path);
    const again = await loadOrCreateSigningKey(path);
    assert.equal(again.kid, first.kid);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    assert.equal(first.publicJwk.d, undefined);
    assert.deepEqual(
      { kty: first.publicJwk.kty, crv: first.publicJwk.crv, alg: first.publicJwk.alg },
      { kty: 'EC', crv: 'P-256', alg: 'ES256' },
    );
    // what one load signs, the other's public key verifies
    const token = await new SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'ES256' })
      .sign(first.privateKey);
    assert.equal((await jwtVerify(token, again.publicKey)).payload.sub, 'x');
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test('signing key - a file that is not a private P-256 JWK is refused', async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/k.json`, JSON.stringify({ kty: 'oct', k: 'abc', kid: 'x' }));
    await assert.rejects(loadOrCreateSigningKey(`${dir}/k.json`), /private P-256 JWK/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
