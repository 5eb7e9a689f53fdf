// The stand-in's ES256 signing key: a private JWK kept in the stack's state dir
// (.tallyq/<profile>/auth/signing-key.json, mode 0600), generated on first use, and the public
// JWKS GoTrue serves at /auth/v1/.well-known/jwks.json. The key never leaves the state dir; only
// its public half is published.
//
//   deno run -A supabase/local/auth/signing-key.ts <path>   creates the key if absent, prints its kid
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'npm:jose@^6.0.11';

export interface SigningKey {
  kid: string;
  alg: 'ES256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** The public JWK as hosted Supabase publishes it (no `d`). */
  publicJwk: JWK;
}

/** Public key fields a JWKS carries (GoTrue serves them with key_ops verify). */
export function publicJwkOf(jwk: JWK): JWK {
  const { kty, crv, x, y, kid } = jwk;
  return { kty, crv, x, y, kid, alg: 'ES256', use: 'sig', key_ops: ['verify'], ext: true };
}

/** A fresh ES256 key as a private JWK with a random kid. */
export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, kid: crypto.randomUUID(), alg: 'ES256', use: 'sig' };
}

export async function signingKeyFromJwk(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d || !jwk.kid) {
    throw new Error('The auth signing key must be a private P-256 JWK with a kid');
  }
  const privateKey = await importJWK(jwk, 'ES256') as CryptoKey;
  const publicJwk = publicJwkOf(jwk);
  const publicKey = await importJWK(publicJwk, 'ES256') as CryptoKey;
  return { kid: jwk.kid, alg: 'ES256', privateKey, publicKey, publicJwk };
}

/** Reads the private JWK at `path`, creating it (0600) when absent. */
export async function loadOrCreateSigningKey(path: string): Promise<SigningKey> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
    await Deno.mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const jwk = await generateSigningJwk();
    try {
      // createNew: two processes starting at once keep the first key, never overwrite it
      await Deno.writeTextFile(path, JSON.stringify(jwk), { createNew: true, mode: 0o600 });
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
    text = await Deno.readTextFile(path);
  }
  return await signingKeyFromJwk(JSON.parse(text));
}

if (import.meta.main) {
  const path = Deno.args[0];
  if (!path) throw new Error('usage: signing-key.ts <path of the private JWK>');
  console.log((await loadOrCreateSigningKey(path)).kid);
}
