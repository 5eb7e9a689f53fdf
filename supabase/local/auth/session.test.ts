import assert from 'node:assert/strict';
import {
  accessTokenClaims,
  decideRefresh,
  isBanned,
  newRefreshToken,
  type SessionRow,
  userJson,
  type UserRow,
} from './session.ts';

const user: UserRow = {
  id: '7f1c2f0e-4a1b-4c36-9d0e-2f6f3a0b9a11',
  aud: 'authenticated',
  role: 'authenticated',
  email: 'ana@example.test',
  phone: null,
  email_confirmed_at: '2026-11-01T10:00:00+00:00',
  phone_confirmed_at: null,
  confirmed_at: '2026-11-01T10:00:00+00:00',
  last_sign_in_at: null,
  raw_app_meta_data: { provider: 'email' },
  raw_user_meta_data: { name: 'Ana' },
  created_at: '2026-11-01T09:00:00+00:00',
  updated_at: '2026-11-01T09:00:00+00:00',
  banned_until: null,
  is_anonymous: false,
};
const session: SessionRow = {
  id: '0b5a8c2e-9d7f-4e1a-8c3b-5d6e7f8a9b0c',
  user_id: user.id,
  created_at: '2026-11-28T12:00:00+00:00',
  aal: 'aal1',
};

Deno.test('accessTokenClaims - GoTrue claims: iss, aud, role, session_id, aal, amr, exp = iat + ttl', () => {
  const now = Date.parse('2026-11-28T12:30:00Z');
  const c = accessTokenClaims(user, session, 'http://127.0.0.1:54321/auth/v1', now, 3600);
  assert.deepEqual(c, {
    iss: 'http://127.0.0.1:54321/auth/v1',
    sub: user.id,
    aud: 'authenticated',
    exp: now / 1000 + 3600,
    iat: now / 1000,
    email: 'ana@example.test',
    phone: '',
    app_metadata: { provider: 'email' },
    user_metadata: { name: 'Ana' },
    role: 'authenticated',
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: Date.parse(session.created_at) / 1000 }],
    session_id: session.id,
    is_anonymous: false,
  });
});

Deno.test('userJson - no secrets, empty strings for a missing email or phone, metadata objects', () => {
  const json = userJson({ ...user, raw_app_meta_data: null, raw_user_meta_data: null });
  assert.equal(json.phone, '');
  assert.deepEqual(json.app_metadata, {});
  assert.deepEqual(json.user_metadata, {});
  assert.equal(json.phone_confirmed_at, undefined);
  assert.deepEqual(json.identities, []);
  assert.ok(!('encrypted_password' in json));
  assert.ok(!('banned_until' in JSON.parse(JSON.stringify(json))));
});

Deno.test('isBanned - only while banned_until is in the future', () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  assert.equal(isBanned({ banned_until: null }, now), false);
  assert.equal(isBanned({ banned_until: '2026-11-28T13:00:00Z' }, now), true);
  assert.equal(isBanned({ banned_until: '2026-11-28T11:00:00Z' }, now), false);
});

Deno.test('newRefreshToken - 12 alphanumerics, different every time', () => {
  const tokens = new Set(Array.from({ length: 200 }, () => newRefreshToken()));
  assert.equal(tokens.size, 200);
  for (const t of tokens) assert.match(t, /^[A-Za-z0-9]{12}$/);
});

const T0 = Date.parse('2026-11-28T12:00:00Z');

Deno.test('decideRefresh - an active token rotates', () => {
  assert.deepEqual(
    decideRefresh(
      { token: 'a', revoked: false, updatedAtMs: T0 },
      { token: 'a', parent: null },
      T0,
      10,
    ),
    { kind: 'rotate' },
  );
});

Deno.test('decideRefresh - a revoked token whose child is active returns that child (lost response)', () => {
  assert.deepEqual(
    decideRefresh(
      { token: 'a', revoked: true, updatedAtMs: T0 },
      { token: 'b', parent: 'a' },
      T0 + 3600_000,
      10,
    ),
    { kind: 'return_active', token: 'b' },
  );
});

Deno.test('decideRefresh - an older revoked token rotates within the reuse interval, is theft after it', () => {
  const presented = { token: 'a', revoked: true, updatedAtMs: T0 };
  const active = { token: 'c', parent: 'b' };
  assert.deepEqual(decideRefresh(presented, active, T0 + 10_000, 10), { kind: 'rotate' });
  assert.deepEqual(decideRefresh(presented, active, T0 + 10_001, 10), { kind: 'reuse_detected' });
  assert.deepEqual(decideRefresh(presented, null, T0 + 60_000, 10), { kind: 'reuse_detected' });
  assert.deepEqual(decideRefresh(presented, active, T0 + 1, 0), { kind: 'reuse_detected' });
});
