// The HTTP layer of the auth stand-in with an injected store (the SQL is exercised end to end by
// tests/e2e/auth.test.ts through supabase-js): routing, the API-key gate, token verification at
// /user and /logout, and GoTrue's error bodies.
import assert from 'node:assert/strict';
import { decodeJwt, jwtVerify, SignJWT } from 'npm:jose@^6.0.11';
import { createAuthHandler } from './handler.ts';
import type { UserRow } from './session.ts';
import { generateSigningJwk, signingKeyFromJwk } from './signing-key.ts';
import type { AuthStore, RefreshOutcome } from './store.ts';

const ISSUER = 'http://127.0.0.1:54321/auth/v1';
const SECRET = 'legacy-secret-with-at-least-32-characters!';
const NOW = Date.parse('2026-11-28T12:00:00Z');
const USER: UserRow = {
  id: '7f1c2f0e-4a1b-4c36-9d0e-2f6f3a0b9a11',
  aud: 'authenticated',
  role: 'authenticated',
  email: 'ana@example.test',
  phone: null,
  email_confirmed_at: '2026-11-01T10:00:00+00:00',
  phone_confirmed_at: null,
  confirmed_at: '2026-11-01T10:00:00+00:00',
  last_sign_in_at: null,
  raw_app_meta_data: {},
  raw_user_meta_data: {},
  created_at: '2026-11-01T09:00:00+00:00',
  updated_at: '2026-11-01T09:00:00+00:00',
  banned_until: null,
  is_anonymous: false,
};
const SESSION = {
  id: '0b5a8c2e-9d7f-4e1a-8c3b-5d6e7f8a9b0c',
  user_id: USER.id,
  created_at: '2026-11-28T12:00:00+00:00',
  aal: 'aal1',
};

async function setup(overrides: Partial<AuthStore> = {}) {
  const key = await signingKeyFromJwk(await generateSigningJwk());
  const calls: string[] = [];
  const store: AuthStore = {
    checkPassword: (email, password) =>
      Promise.resolve(email === USER.email ? { user: USER, passwordOk: password === 'pw' } : null),
    createSession: () => {
      calls.push('createSession');
      return Promise.resolve({ user: USER, session: SESSION, refreshToken: 'AAAAbbbbCCCC' });
    },
    refresh: () => Promise.resolve({ kind: 'not_found' } as RefreshOutcome),
    findUser: (id) => Promise.resolve(id === USER.id ? USER : null),
    sessionExists: (id) => Promise.resolve(id === SESSION.id),
    logout: (_u, sid, scope) => {
      calls.push(`logout:${scope}:${sid}`);
      return Promise.resolve();
    },
    ...overrides,
  };
  const handle = createAuthHandler({
    store,
    checkApiKey: (k) => Promise.resolve(k === 'anon-key'),
    now: () => NOW,
    config: {
      issuer: ISSUER,
      signingKey: key,
      legacySecret: SECRET,
      accessTokenTtlSeconds: 3600,
      refreshReuseIntervalSeconds: 10,
    },
  });
  const call = async (
    method: string,
    path: string,
    init: { body?: unknown; token?: string } = {},
  ) => {
    const headers: Record<string, string> = { apikey: 'anon-key' };
    if (init.token) headers.Authorization = `Bearer ${init.token}`;
    const res = await handle(
      new Request(`http://127.0.0.1:54321/auth/v1${path}`, {
        method,
        headers,
        body: init.body === undefined
          ? undefined
          : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
      }),
    );
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
  return { call, key, calls };
}

Deno.test('handler - password grant: session JSON with an access token signed by the key', async () => {
  const { call, key, calls } = await setup();
  const res = await call('POST', '/token?grant_type=password', {
    body: { email: USER.email, password: 'pw' },
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.token_type, 'bearer');
  assert.equal(res.body.expires_at, NOW / 1000 + 3600);
  assert.equal(res.body.refresh_token, 'AAAAbbbbCCCC');
  assert.equal(decodeJwt(res.body.access_token).session_id, SESSION.id);
  assert.deepEqual(calls, ['createSession']);
  const { payload, protectedHeader } = await jwtVerify(res.body.access_token, key.publicKey, {
    currentDate: new Date(NOW),
  });
  assert.equal(protectedHeader.kid, key.kid);
  assert.equal(payload.iss, ISSUER);
});

Deno.test('handler - /user: 401 no_authorization without a token; legacy HS256 tokens still verify', async () => {
  const { call } = await setup();
  const none = await call('GET', '/user');
  assert.equal(none.status, 401);
  assert.equal(none.body.error_code, 'no_authorization');
  const iat = NOW / 1000;
  const legacy = await new SignJWT({ sub: USER.id, role: 'authenticated', iat, exp: iat + 60 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode(SECRET));
  const ok = await call('GET', '/user', { token: legacy });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.id, USER.id);
});

Deno.test('handler - /user: expired, foreign, sub-less and orphaned tokens are 403s with GoTrue codes', async () => {
  const { call, key } = await setup();
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(key.privateKey);
  const iat = NOW / 1000;
  const expired = await call('GET', '/user', {
    token: await sign({ sub: USER.id, iat: iat - 7200, exp: iat - 3600 }),
  });
  assert.equal(expired.status, 403);
  assert.match(expired.body.msg, /token is expired/);
  const anonKey = await new SignJWT({ role: 'anon', iat, exp: iat + 60 })
    .setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(SECRET));
  assert.equal(
    (await call('GET', '/user', { token: anonKey })).body.msg,
    'invalid claim: missing sub claim',
  );
  const gone = await call('GET', '/user', {
    token: await sign({ sub: crypto.randomUUID(), iat, exp: iat + 60 }),
  });
  assert.equal(gone.body.error_code, 'user_not_found');
  const ended = await call('GET', '/user', {
    token: await sign({ sub: USER.id, session_id: crypto.randomUUID(), iat, exp: iat + 60 }),
  });
  assert.equal(ended.body.error_code, 'session_not_found');
  const wrongSecret = await new SignJWT({ sub: USER.id, iat, exp: iat + 60 })
    .setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode('x'.repeat(40)));
  assert.equal((await call('GET', '/user', { token: wrongSecret })).body.error_code, 'bad_jwt');
});

Deno.test('handler - /logout: scope global by default, local and others pass the session through', async () => {
  const { call, key, calls } = await setup();
  const iat = NOW / 1000;
  const token = await new SignJWT({ sub: USER.id, session_id: SESSION.id, iat, exp: iat + 60 })
    .setProtectedHeader({ alg: 'ES256', kid: key.kid }).sign(key.privateKey);
  for (const q of ['', '?scope=local', '?scope=others']) {
    assert.equal((await call('POST', `/logout${q}`, { token })).status, 204);
  }
  assert.deepEqual(calls, [
    `logout:global:${SESSION.id}`,
    `logout:local:${SESSION.id}`,
    `logout:others:${SESSION.id}`,
  ]);
});

Deno.test('handler - refresh outcomes map to GoTrue codes', async () => {
  const cases: [RefreshOutcome, string][] = [
    [{ kind: 'not_found' }, 'refresh_token_not_found'],
    [{ kind: 'no_session' }, 'session_not_found'],
    [{ kind: 'reuse_detected' }, 'refresh_token_already_used'],
    [{ kind: 'banned', user: USER }, 'user_banned'],
    [{ kind: 'expired', user: USER }, 'session_expired'],
  ];
  for (const [outcome, code] of cases) {
    const { call } = await setup({ refresh: () => Promise.resolve(outcome) });
    const res = await call('POST', '/token?grant_type=refresh_token', {
      body: { refresh_token: 'x' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.error_code, code);
  }
});

Deno.test('handler - routing: 404 unknown path, 405 wrong method, 413 oversized body, preflight 204', async () => {
  const { call } = await setup();
  assert.equal((await call('GET', '/signup')).status, 404);
  assert.equal((await call('GET', '/token')).status, 405);
  const big = await call('POST', '/token?grant_type=password', { body: 'x'.repeat(70_000) });
  assert.equal(big.status, 413);
  assert.equal(big.body.error_code, 'request_entity_too_large');
  assert.equal((await call('OPTIONS', '/token')).status, 204);
});

Deno.test('handler - a store failure is an opaque 500 (unexpected_failure), never the cause', async () => {
  const { call } = await setup({
    checkPassword: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')),
  });
  const orig = console.error;
  console.error = () => {};
  try {
    const res = await call('POST', '/token?grant_type=password', {
      body: { email: USER.email, password: 'pw' },
    });
    assert.equal(res.status, 500);
    assert.deepEqual(res.body, {
      code: 500,
      error_code: 'unexpected_failure',
      msg: 'Internal Server Error',
    });
  } finally {
    console.error = orig;
  }
});
