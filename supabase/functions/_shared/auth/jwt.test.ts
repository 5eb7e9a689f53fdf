import assert from 'node:assert/strict';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, SignJWT } from 'npm:jose@^6.0.11';
import { errorResponse, Unauthorized } from '../http/errors.ts';
import { bearerToken, createJwtVerifier, jwtVerifierFromEnv, mintJwt } from './jwt.ts';

const SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const ISSUER = 'https://abcdefghijklmnop.supabase.co/auth/v1';
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const nowS = Math.floor(NOW / 1000);

const userClaims = {
  sub: '8f6c1d1e-2f35-4d0a-9d55-3f6f3c3b8a11',
  role: 'authenticated',
  aud: 'authenticated',
  iss: ISSUER,
  email: 'ada@example.com',
  app_metadata: { provider: 'email' },
};

async function asymmetricKeys() {
  const es = await generateKeyPair('ES256', { extractable: true });
  const rs = await generateKeyPair('RS256', { extractable: true });
  const esJwk: JWK = { ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' };
  const rsJwk: JWK = { ...(await exportJWK(rs.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' };
  return { es, rs, jwks: { keys: [esJwk, rsJwk] } };
}
const keys = await asymmetricKeys();

const verifier = createJwtVerifier({
  secret: SECRET,
  jwks: keys.jwks,
  issuer: ISSUER,
  now: () => NOW,
});

function req(token?: string, headers: Record<string, string> = {}) {
  return new Request('http://localhost/fn', {
    headers: token ? { authorization: `Bearer ${token}`, ...headers } : headers,
  });
}

async function rejects401(p: Promise<unknown>, message: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof Unauthorized, `expected Unauthorized, got ${String(err)}`);
    assert.equal(err.status, 401);
    assert.match(err.message, message);
    assert.match(err.headers['WWW-Authenticate'], /^Bearer/);
    return true;
  });
}

function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
}

Deno.test('jwt - valid HS256 user token: returns typed claims', async () => {
  const token = await mintJwt(userClaims, SECRET, 3600, NOW);
  const claims = await verifier.verifyUser(req(token));
  assert.equal(claims.sub, userClaims.sub);
  assert.equal(claims.role, 'authenticated');
  assert.equal(claims.email, 'ada@example.com');
  assert.deepEqual(claims.app_metadata, { provider: 'email' });
  assert.equal(claims.exp, nowS + 3600);
});

Deno.test('jwt - valid ES256 and RS256 tokens via a local JWKS: accepted', async () => {
  for (const [alg, key, kid] of [['ES256', keys.es, 'es-1'], ['RS256', keys.rs, 'rs-1']] as const) {
    const token = await new SignJWT({ ...userClaims, iat: nowS, exp: nowS + 600 })
      .setProtectedHeader({ alg, kid, typ: 'JWT' })
      .sign(key.privateKey);
    const claims = await verifier.verifyUser(req(token));
    assert.equal(claims.sub, userClaims.sub, alg);
  }
});

Deno.test('jwt - forged signature: 401', async () => {
  const token = await mintJwt(
    userClaims,
    'another-secret-that-is-also-32-characters-long',
    3600,
    NOW,
  );
  await rejects401(verifier.verifyUser(req(token)), /signature is invalid/);
  const [h, p, s] = (await mintJwt(userClaims, SECRET, 3600, NOW)).split('.');
  const tampered = `${h}.${b64url({ ...userClaims, role: 'service_role', exp: nowS + 60 })}.${s}`;
  assert.notEqual(tampered, `${h}.${p}.${s}`);
  await rejects401(verifier.verifyUser(req(tampered)), /signature is invalid/);
});

Deno.test('jwt - expired token: 401', async () => {
  const token = await mintJwt(userClaims, SECRET, 3600, NOW - 7200_000);
  await rejects401(verifier.verifyUser(req(token)), /expired/);
});

Deno.test('jwt - nbf in the future: 401', async () => {
  const token = await mintJwt({ ...userClaims, nbf: nowS + 300 }, SECRET, 3600, NOW);
  await rejects401(verifier.verifyUser(req(token)), /not yet valid/);
});

Deno.test('jwt - alg none (hand-crafted): 401', async () => {
  const payload = { ...userClaims, iat: nowS, exp: nowS + 600 };
  for (const alg of ['none', 'None', 'NONE']) {
    const token = `${b64url({ alg, typ: 'JWT' })}.${b64url(payload)}.`;
    await rejects401(verifier.verifyUser(req(token)), /algorithm is not allowed|malformed/);
  }
});

Deno.test('jwt - HS256 token signed with the RSA public key (algorithm confusion): 401', async () => {
  const pem = await exportSPKI(keys.rs.publicKey);
  const token = await new SignJWT({ ...userClaims, iat: nowS, exp: nowS + 600 })
    .setProtectedHeader({ alg: 'HS256', kid: 'rs-1' })
    .sign(new TextEncoder().encode(pem));
  await rejects401(verifier.verifyUser(req(token)), /signature is invalid/);
  const jwksOnly = createJwtVerifier({ jwks: keys.jwks, issuer: ISSUER, now: () => NOW });
  await rejects401(jwksOnly.verifyUser(req(token)), /algorithm is not allowed/);
});

Deno.test('jwt - ES256 header on an RSA-signed token: 401', async () => {
  const rsToken = await new SignJWT({ ...userClaims, iat: nowS, exp: nowS + 600 })
    .setProtectedHeader({ alg: 'RS256', kid: 'rs-1' })
    .sign(keys.rs.privateKey);
  const [, p, s] = rsToken.split('.');
  const relabelled = `${b64url({ alg: 'ES256', kid: 'rs-1' })}.${p}.${s}`;
  await rejects401(
    verifier.verifyUser(req(relabelled)),
    /signing key is unknown|signature|malformed/,
  );
});

Deno.test('jwt - wrong audience: 401', async () => {
  const token = await mintJwt({ ...userClaims, aud: 'some-other-api' }, SECRET, 3600, NOW);
  await rejects401(verifier.verifyUser(req(token)), /audience/);
});

Deno.test('jwt - configurable audience: accepted when configured', async () => {
  const token = await mintJwt({ ...userClaims, aud: 'tallyq-admin' }, SECRET, 3600, NOW);
  const admin = createJwtVerifier({ secret: SECRET, audience: 'tallyq-admin', now: () => NOW });
  assert.equal((await admin.verifyUser(req(token))).aud, 'tallyq-admin');
});

Deno.test('jwt - wrong issuer: 401', async () => {
  const token = await mintJwt(
    { ...userClaims, iss: 'https://evil.example/auth/v1' },
    SECRET,
    3600,
    NOW,
  );
  await rejects401(verifier.verifyUser(req(token)), /issuer/);
});

Deno.test('jwt - unknown kid in JWKS: 401', async () => {
  const other = await generateKeyPair('ES256');
  const token = await new SignJWT({ ...userClaims, iat: nowS, exp: nowS + 600 })
    .setProtectedHeader({ alg: 'ES256', kid: 'es-unknown' })
    .sign(other.privateKey);
  await rejects401(verifier.verifyUser(req(token)), /signing key is unknown/);
});

Deno.test('jwt - missing or malformed authorization header: 401 with Bearer challenge', async () => {
  await rejects401(verifier.verifyUser(req()), /Missing authorization/);
  assert.throws(() => bearerToken(req(undefined, { authorization: 'Basic abc' })), Unauthorized);
  await rejects401(verifier.verifyUser(req('not-a-jwt')), /malformed/);
});

Deno.test('jwt - 401 response: JSON body and WWW-Authenticate with error_description', async () => {
  const token = await mintJwt(userClaims, SECRET, 3600, NOW - 7200_000);
  const err = await verifier.verifyUser(req(token)).catch((e) => e);
  const res = errorResponse(err);
  assert.equal(res.status, 401);
  assert.equal(
    res.headers.get('www-authenticate'),
    'Bearer realm="tallyq", error="invalid_token", error_description="Token has expired"',
  );
  assert.deepEqual(await res.json(), { error: 'invalid_token', message: 'Token has expired' });
});

Deno.test('jwt - apikey: legacy anon and service_role JWT keys resolve to their role', async () => {
  const anon = await mintJwt({ iss: 'supabase', ref: 'abc', role: 'anon' }, SECRET, 3600, NOW);
  const service = await mintJwt({ iss: 'supabase', role: 'service_role' }, SECRET, 3600, NOW);
  assert.equal((await verifier.verifyApiKey(req(undefined, { apikey: anon }))).role, 'anon');
  assert.equal(
    (await verifier.verifyApiKey(req(undefined, { apikey: service }))).role,
    'service_role',
  );
  const user = await mintJwt({ ...userClaims, iss: 'supabase' }, SECRET, 3600, NOW);
  await rejects401(verifier.verifyApiKey(req(undefined, { apikey: user })), /role/);
  await rejects401(verifier.verifyApiKey(req()), /Missing apikey/);
});

Deno.test('jwt - apikey: opaque sb_ keys matched against configured keys', async () => {
  const v = createJwtVerifier({
    secret: SECRET,
    opaqueKeys: { publishable: ['sb_publishable_abc'], secret: ['sb_secret_xyz'] },
  });
  assert.equal(
    (await v.verifyApiKey(req(undefined, { apikey: 'sb_secret_xyz' }))).role,
    'service_role',
  );
  assert.equal(
    (await v.verifyApiKey(req(undefined, { apikey: 'sb_publishable_abc' }))).role,
    'anon',
  );
  await rejects401(v.verifyApiKey(req(undefined, { apikey: 'sb_secret_nope' })), /not recognised/);
});

Deno.test('jwt - env config: names a user sets never start with SUPABASE_', () => {
  assert.throws(() => jwtVerifierFromEnv({}), /SUPABASE_URL .*or TALLYQ_JWT_SECRET/);
  assert.throws(() => jwtVerifierFromEnv({ TALLYQ_JWT_SECRET: 'short' }), /TALLYQ_JWT_SECRET/);
  // A new hosted project: the platform's SUPABASE_URL alone is enough (JWKS), no secret to set.
  const hosted = jwtVerifierFromEnv({
    SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co',
    SUPABASE_PUBLISHABLE_KEYS: '{"default":"sb_publishable_abc"}',
    SUPABASE_SECRET_KEYS: '{"default":"sb_secret_xyz"}',
  });
  assert.equal(typeof hosted.verifyUser, 'function');
  // The old SUPABASE_JWT_SECRET name is not read (the CLI refuses to set it).
  assert.throws(() => jwtVerifierFromEnv({ SUPABASE_JWT_SECRET: SECRET }), /TALLYQ_JWT_SECRET/);
});

Deno.test('jwt - env config: platform JSON key dictionaries are accepted as API keys', async () => {
  const v = jwtVerifierFromEnv({
    SUPABASE_URL: 'https://abcdefghijklmnop.supabase.co',
    SUPABASE_PUBLISHABLE_KEYS: '{"default":"sb_publishable_abc","web":"sb_publishable_web"}',
    SUPABASE_SECRET_KEYS: '{"default":"sb_secret_xyz"}',
  });
  assert.equal(
    (await v.verifyApiKey(req(undefined, { apikey: 'sb_publishable_web' }))).role,
    'anon',
  );
  assert.equal(
    (await v.verifyApiKey(req(undefined, { apikey: 'sb_secret_xyz' }))).role,
    'service_role',
  );
});

Deno.test('jwt - env config: legacy HS256 tokens only with TALLYQ_JWT_SECRET', async () => {
  const token = await mintJwt({ ...userClaims, iss: 'https://ref.supabase.co/auth/v1' }, SECRET);
  const legacy = jwtVerifierFromEnv({
    SUPABASE_URL: 'https://ref.supabase.co',
    TALLYQ_JWT_SECRET: SECRET,
  });
  assert.equal((await legacy.verifyUser(req(token))).sub, userClaims.sub);
  const jwksOnly = jwtVerifierFromEnv({ SUPABASE_URL: 'https://ref.supabase.co' });
  await rejects401(jwksOnly.verifyUser(req(token)), /algorithm is not allowed/);
});

Deno.test('jwt - vocabulary: an API key as the Bearer token is 403 insufficient_scope, not an audience error', async () => {
  const anon = await mintJwt({ iss: 'supabase', role: 'anon' }, SECRET, 3600, NOW);
  for (const key of [anon, 'sb_publishable_abc']) {
    const err = await verifier.verifyUser(req(key)).catch((e) => e);
    const res = errorResponse(err);
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error, 'insufficient_scope');
    assert.match(res.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
  }
  // A forged anon key is still just an invalid token.
  const forged = await mintJwt({ iss: 'supabase', role: 'anon' }, 'x'.repeat(40), 3600, NOW);
  await rejects401(verifier.verifyUser(req(forged)), /signature/);
});

Deno.test('jwt - vocabulary: missing credentials are 401 unauthorized without an error code', async () => {
  const res = errorResponse(await verifier.verifyUser(req()).catch((e) => e));
  assert.equal(res.status, 401);
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="tallyq"');
  assert.equal((await res.json()).error, 'unauthorized');
});
