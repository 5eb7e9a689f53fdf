// Contract tests of the GoTrue-compatible auth stand-in (supabase/local/auth/) through supabase-js's
// own auth client, over HTTP against the running stack, and of the functions accepting its ES256
// tokens through the JWKS (and refusing tokens signed by any other key).
//
//   set -a; . .tallyq/test/stack.env; set +a; npx vitest run tests/e2e/auth.test.ts
import {
  type AuthChangeEvent,
  createClient,
  isAuthApiError,
  isAuthSessionMissingError,
  type SupabaseClient,
} from '@supabase/supabase-js';
import { decodeJwt, decodeProtectedHeader, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPasswordUser, env, sql } from '../support/stack.ts';

const SUPABASE_URL = env('SUPABASE_URL');
const AUTH = `${SUPABASE_URL}/auth/v1`;
const ANON = env('SUPABASE_ANON_KEY');

/** A supabase-js client with its own in-memory storage (one browser tab). */
function client(): { sb: SupabaseClient; storage: Map<string, string> } {
  const storage = new Map<string, string>();
  const sb = createClient(SUPABASE_URL, ANON, {
    auth: {
      persistSession: true,
      autoRefreshToken: false,
      detectSessionInUrl: false,
      storage: {
        getItem: (k) => storage.get(k) ?? null,
        setItem: (k, v) => void storage.set(k, v),
        removeItem: (k) => void storage.delete(k),
      },
    },
    // Node 20 has no global WebSocket; realtime is not used here but the client builds it.
    realtime: { transport: WebSocket as never },
  });
  return { sb, storage };
}

async function signedIn(user: { email: string; password: string }) {
  const c = client();
  const { data, error } = await c.sb.auth.signInWithPassword(user);
  expect(error).toBeNull();
  return { ...c, session: data.session! };
}

const jwks = async () => (await (await fetch(`${AUTH}/.well-known/jwks.json`)).json());

describe('auth stand-in - sign in', () => {
  it('signInWithPassword: a session whose access token is ES256 with the JWKS kid and GoTrue claims', async () => {
    const user = await createPasswordUser('claims');
    const { session } = await signedIn(user);
    const header = decodeProtectedHeader(session.access_token);
    const { keys } = await jwks();
    expect(header).toMatchObject({ alg: 'ES256', typ: 'JWT', kid: keys[0].kid });
    const claims = decodeJwt(session.access_token);
    expect(claims).toMatchObject({
      iss: AUTH,
      aud: 'authenticated',
      sub: user.id,
      email: user.email,
      role: 'authenticated',
      aal: 'aal1',
      is_anonymous: false,
      app_metadata: { provider: 'email' },
      user_metadata: { name: 'claims' },
    });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect((claims.amr as { method: string }[])[0].method).toBe('password');
    expect(session).toMatchObject({ token_type: 'bearer', expires_in: 3600 });
    expect(session.expires_at).toBe(claims.exp);
    expect(session.user).toMatchObject({ id: user.id, email: user.email, aud: 'authenticated' });
    expect(session.refresh_token).toMatch(/^[A-Za-z0-9]{12}$/);
    const [row] = await sql`select s.user_id, s.aal::text, u.last_sign_in_at
      from auth.sessions as s join auth.users as u on u.id = s.user_id
      where s.id = ${claims.session_id as string}`;
    expect(row).toMatchObject({ user_id: user.id, aal: 'aal1' });
    expect(row.last_sign_in_at).not.toBeNull();
  });

  it('signInWithPassword: the email matches case-insensitively', async () => {
    const user = await createPasswordUser('case');
    const { error } = await client().sb.auth.signInWithPassword({
      email: user.email.toUpperCase(),
      password: user.password,
    });
    expect(error).toBeNull();
  });

  it('signInWithPassword: wrong password and unknown email get the same 400 invalid_credentials, no session', async () => {
    const user = await createPasswordUser('wrong');
    for (
      const attempt of [
        { email: user.email, password: 'not-the-password' },
        { email: `nobody-${crypto.randomUUID()}@test.tallyq.local`, password: user.password },
      ]
    ) {
      const { data, error } = await client().sb.auth.signInWithPassword(attempt);
      expect(isAuthApiError(error)).toBe(true);
      expect(error).toMatchObject({
        status: 400,
        code: 'invalid_credentials',
        message: 'Invalid login credentials',
      });
      expect(data.session).toBeNull();
    }
    const [{ n }] =
      await sql`select count(*)::int as n from auth.sessions where user_id = ${user.id}`;
    expect(n).toBe(0);
  });

  it('signInWithPassword: an unconfirmed email and a banned user are refused with their codes', async () => {
    const unconfirmed = await createPasswordUser('unconfirmed', { confirmed: false });
    const banned = await createPasswordUser('banned', {
      bannedUntil: new Date(Date.now() + 3600_000),
    });
    const a = await client().sb.auth.signInWithPassword(unconfirmed);
    expect(a.error).toMatchObject({ status: 400, code: 'email_not_confirmed' });
    const b = await client().sb.auth.signInWithPassword(banned);
    expect(b.error).toMatchObject({ status: 400, code: 'user_banned' });
  });

  it("the raw error body is GoTrue's: {code, message} for API version 2024-01-01, {code, error_code, msg} without", async () => {
    const body = JSON.stringify({ email: 'nobody@test.tallyq.local', password: 'x' });
    const headers = { apikey: ANON, 'content-type': 'application/json' };
    const v2024 = await fetch(`${AUTH}/token?grant_type=password`, {
      method: 'POST',
      headers: { ...headers, 'X-Supabase-Api-Version': '2024-01-01' },
      body,
    });
    expect(v2024.status).toBe(400);
    expect(v2024.headers.get('x-supabase-api-version')).toBe('2024-01-01');
    expect(await v2024.json()).toEqual({
      code: 'invalid_credentials',
      message: 'Invalid login credentials',
    });
    const legacy = await fetch(`${AUTH}/token?grant_type=password`, {
      method: 'POST',
      headers,
      body,
    });
    expect(await legacy.json()).toEqual({
      code: 400,
      error_code: 'invalid_credentials',
      msg: 'Invalid login credentials',
    });
  });

  it('bad input: malformed JSON, no email and an unknown grant are 400s that store nothing', async () => {
    const post = (query: string, body: string) =>
      fetch(`${AUTH}/token?${query}`, {
        method: 'POST',
        headers: { apikey: ANON, 'content-type': 'application/json' },
        body,
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const [{ before }] = await sql`select count(*)::int as before from auth.sessions`;
    expect(await post('grant_type=password', '{"email":')).toMatchObject({
      status: 400,
      body: { error_code: 'bad_json' },
    });
    expect(await post('grant_type=password', '{"email": 42, "password": "x"}')).toMatchObject({
      status: 400,
      body: { error_code: 'bad_json' },
    });
    expect(await post('grant_type=password', '{"password":"x"}')).toMatchObject({
      status: 400,
      body: { error_code: 'validation_failed', msg: 'missing email or phone' },
    });
    expect(await post('grant_type=magic', '{}')).toMatchObject({ status: 400 });
    expect(await post('grant_type=refresh_token', '{}')).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'refresh_token required' },
    });
    const [{ after }] = await sql`select count(*)::int as after from auth.sessions`;
    expect(after).toBe(before);
  });

  it('an API key is required as on hosted Supabase (the JWKS excepted)', async () => {
    const missing = await fetch(`${AUTH}/token?grant_type=password`, {
      method: 'POST',
      body: '{}',
    });
    expect(missing.status).toBe(401);
    expect((await missing.json()).message).toBe('No API key found in request');
    const wrong = await fetch(`${AUTH}/user`, { headers: { apikey: 'not-a-key' } });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).message).toBe('Invalid API key');
    expect((await fetch(`${AUTH}/.well-known/jwks.json`)).status).toBe(200);
  });

  it('the demo user signs in with the credentials the stack prints', async () => {
    const { error, data } = await client().sb.auth.signInWithPassword({
      email: env('DEMO_USER_EMAIL'),
      password: env('DEMO_USER_PASSWORD'),
    });
    expect(error).toBeNull();
    expect(data.user?.id).toBe(env('DEMO_USER_ID'));
    const second = await client().sb.auth.signInWithPassword({
      email: env('DEMO2_USER_EMAIL'),
      password: env('DEMO2_USER_PASSWORD'),
    });
    expect(second.data.user?.id).toBe(env('DEMO2_USER_ID'));
  });
});

describe('auth stand-in - keys', () => {
  it('JWKS: one public P-256 key for ES256 with kid, no private part, cacheable', async () => {
    const res = await fetch(`${AUTH}/.well-known/jwks.json`);
    expect(res.headers.get('cache-control')).toBe('public, max-age=600');
    const { keys } = await res.json();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(typeof keys[0].kid).toBe('string');
    expect(keys[0].x).toBeTruthy();
    expect(keys[0].y).toBeTruthy();
    expect(keys[0].d).toBeUndefined();
  });

  it('getClaims: supabase-js verifies the access token against the JWKS', async () => {
    const user = await createPasswordUser('getclaims');
    const { sb } = await signedIn(user);
    const { data, error } = await sb.auth.getClaims();
    expect(error).toBeNull();
    expect(data?.claims).toMatchObject({ sub: user.id, role: 'authenticated' });
    expect(data?.header).toMatchObject({ alg: 'ES256' });
  });

  it('getUser: /user answers the signed-in user', async () => {
    const user = await createPasswordUser('getuser');
    const { sb } = await signedIn(user);
    const { data, error } = await sb.auth.getUser();
    expect(error).toBeNull();
    expect(data.user).toMatchObject({
      id: user.id,
      email: user.email,
      role: 'authenticated',
      user_metadata: { name: 'getuser' },
    });
  });
});

describe('auth stand-in - refresh and sign out', () => {
  it('refreshSession: a new access token and a rotated refresh token; the old one is revoked', async () => {
    const user = await createPasswordUser('refresh');
    const { sb, session } = await signedIn(user);
    const { data, error } = await sb.auth.refreshSession();
    expect(error).toBeNull();
    expect(data.session!.refresh_token).not.toBe(session.refresh_token);
    expect(decodeJwt(data.session!.access_token).session_id).toBe(
      decodeJwt(session.access_token).session_id,
    );
    const rows = await sql`select token, parent, revoked from auth.refresh_tokens
      where user_id = ${user.id} order by id`;
    expect(rows).toEqual([
      { token: session.refresh_token, parent: null, revoked: true },
      { token: data.session!.refresh_token, parent: session.refresh_token, revoked: false },
    ]);
  });

  it('two tabs refreshing with the same token at once both get the one new token', async () => {
    const user = await createPasswordUser('tabs');
    const { session } = await signedIn(user);
    const refresh = () =>
      fetch(`${AUTH}/token?grant_type=refresh_token`, {
        method: 'POST',
        headers: { apikey: ANON, 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: session.refresh_token }),
      }).then((r) => r.json());
    const [a, b] = await Promise.all([refresh(), refresh()]);
    expect(a.refresh_token).toBeTruthy();
    expect(b.refresh_token).toBe(a.refresh_token);
    const [{ active }] = await sql`select count(*)::int as active from auth.refresh_tokens
      where user_id = ${user.id} and not revoked`;
    expect(active).toBe(1);
  });

  it('reusing a revoked refresh token after the grace interval ends the session', async () => {
    const user = await createPasswordUser('reuse');
    const { sb, session } = await signedIn(user);
    const first = session.refresh_token;
    const r1 = await sb.auth.refreshSession();
    const r2 = await sb.auth.refreshSession();
    expect(r2.error).toBeNull();
    // as if the first token had been swapped a minute ago (the grace interval is 10 s)
    await sql`update auth.refresh_tokens set updated_at = now() - interval '1 minute'
      where token = ${first}`;
    const thief = await client().sb.auth.refreshSession({ refresh_token: first });
    expect(thief.error).toMatchObject({ status: 400, code: 'refresh_token_already_used' });
    const sid = decodeJwt(r1.data.session!.access_token).session_id as string;
    expect(await sql`select 1 from auth.sessions where id = ${sid}`).toHaveLength(0);
    // the owner's current tokens died with the session
    const owner = await client().sb.auth.refreshSession({
      refresh_token: r2.data.session!.refresh_token,
    });
    expect(owner.error).toMatchObject({ status: 400, code: 'refresh_token_not_found' });
    const me = await sb.auth.getUser(r2.data.session!.access_token);
    expect(isAuthSessionMissingError(me.error)).toBe(true);
  });

  it('signOut: local ends this session only; others keeps this one; global ends all', async () => {
    const user = await createPasswordUser('signout');
    const a = await signedIn(user);
    const b = await signedIn(user);
    const c = await signedIn(user);
    expect((await a.sb.auth.signOut({ scope: 'local' })).error).toBeNull();
    expect(await a.sb.auth.getSession()).toMatchObject({ data: { session: null } });
    expect((await b.sb.auth.getUser()).error).toBeNull();
    expect((await b.sb.auth.signOut({ scope: 'others' })).error).toBeNull();
    expect((await b.sb.auth.getUser()).error).toBeNull();
    const cUser = await c.sb.auth.getUser();
    expect(isAuthSessionMissingError(cUser.error)).toBe(true);
    const d = await signedIn(user);
    expect((await d.sb.auth.signOut()).error).toBeNull(); // global
    const [{ n }] =
      await sql`select count(*)::int as n from auth.sessions where user_id = ${user.id}`;
    expect(n).toBe(0);
    const bAgain = await b.sb.auth.refreshSession({ refresh_token: b.session.refresh_token });
    expect(isAuthApiError(bAgain.error)).toBe(true);
  });

  it('logout: an unknown scope is a 400 and ends nothing', async () => {
    const user = await createPasswordUser('scope');
    const { session } = await signedIn(user);
    const res = await fetch(`${AUTH}/logout?scope=everyone`, {
      method: 'POST',
      headers: { apikey: ANON, Authorization: `Bearer ${session.access_token}` },
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error_code).toBe('validation_failed');
    const [{ n }] =
      await sql`select count(*)::int as n from auth.sessions where user_id = ${user.id}`;
    expect(n).toBe(1);
  });

  it('onAuthStateChange and auto refresh: SIGNED_IN, TOKEN_REFRESHED as the session nears expiry, SIGNED_OUT', async () => {
    const user = await createPasswordUser('events');
    const { sb, storage } = client();
    const events: AuthChangeEvent[] = [];
    const { data: sub } = sb.auth.onAuthStateChange((event) => void events.push(event));
    await sb.auth.signInWithPassword(user);
    const [key] = [...storage.keys()].filter((k) => k.endsWith('-auth-token'));
    const stored = JSON.parse(storage.get(key)!);
    // the stored session now expires within supabase-js's refresh margin (90 s)
    storage.set(key, JSON.stringify({ ...stored, expires_at: Math.floor(Date.now() / 1000) + 20 }));
    await sb.auth.startAutoRefresh(); // ticks at once: refreshes a session this close to expiry
    await sb.auth.stopAutoRefresh();
    const { data } = await sb.auth.getSession();
    expect(data.session!.refresh_token).not.toBe(stored.refresh_token);
    await sb.auth.signOut();
    sub.subscription.unsubscribe();
    expect(events).toEqual(['INITIAL_SESSION', 'SIGNED_IN', 'TOKEN_REFRESHED', 'SIGNED_OUT']);
  });

  it('CORS: a preflight from another origin is answered and the API version header is exposed', async () => {
    const res = await fetch(`${AUTH}/token?grant_type=password`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://127.0.0.1:5173',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers':
          'apikey, content-type, x-client-info, x-supabase-api-version',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
    expect(res.headers.get('access-control-allow-headers')).toContain('x-supabase-api-version');
    expect(res.headers.get('access-control-expose-headers')).toContain('X-Supabase-Api-Version');
  });
});

describe("functions accept the stand-in's tokens through the JWKS", () => {
  it("a receipts API call with the signed-in user's ES256 token succeeds", async () => {
    const user = await createPasswordUser('functions');
    const { sb } = await signedIn(user);
    const { data, error } = await sb.functions.invoke('receipts', { method: 'GET' });
    expect(error).toBeNull();
    expect(data).toEqual({ data: [], next_cursor: null });
  });

  it('a token signed by another key is refused: same kid, or a kid the JWKS does not have', async () => {
    const user = await createPasswordUser('forged');
    const { session } = await signedIn(user);
    const claims = decodeJwt(session.access_token);
    const { kid } = decodeProtectedHeader(session.access_token);
    const { privateKey } = await generateKeyPair('ES256');
    const sign = (k: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: k, typ: 'JWT' }).sign(privateKey);
    for (
      const [token, message] of [
        [await sign(kid!), 'Token signature is invalid'],
        [await sign(crypto.randomUUID()), 'Token signing key is unknown'],
      ]
    ) {
      const res = await fetch(`${env('FUNCTIONS_URL')}/receipts`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'invalid_token', message });
      const me = await fetch(`${AUTH}/user`, {
        headers: { apikey: ANON, Authorization: `Bearer ${token}` },
      });
      expect(me.status).toBe(403);
      expect((await me.json()).error_code).toBe('bad_jwt');
    }
  });
});
