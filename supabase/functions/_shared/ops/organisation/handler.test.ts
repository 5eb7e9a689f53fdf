// The organisation operations routes with injected fakes (verifier, service-role check,
// repository, health), composed into the ops handler as the function wires them: who may call,
// what reaches the repository, how access refusals and bad bodies are answered, CORS.
import assert from 'node:assert/strict';
import type { UserClaims } from '../../auth/jwt.ts';
import type { Claims } from '../../db/client.ts';
import { Unauthorized } from '../../http/errors.ts';
import { createOpsHandler } from '../handler.ts';
import { organisationListBody, organisationOverviewBody } from './contract.ts';
import { createOrganisationOpsRouter } from './handler.ts';
import {
  NotAnAdmin,
  OrganisationNotFound,
  type OrganisationOpsRepository,
  type Overview,
} from './repository.ts';

const ORG = '10000000-0000-4000-8000-0000000000a1';
const ADMIN = '00000000-0000-4000-8000-0000000000ad';
const MEMBER = '00000000-0000-4000-8000-00000000000e';
const DEAD = '20000000-0000-4000-8000-000000000001';
const OTHER = '20000000-0000-4000-8000-000000000002';
const BASE = 'http://api.test/ops/organisations';

const OVERVIEW: Overview = {
  queue: { depth: 2, in_flight: 1, oldest_age_seconds: 30 },
  dead_letters: [{
    receipt_id: DEAD,
    original_filename: 'a.jpg',
    reason: 'BadDocumentException',
    attempts: 1,
    status: 'failed',
    failed_at: '2026-11-28T20:00:00.000+00:00',
  }],
  dead_letters_total: 1,
  alerts: [],
};

/** As the SQL functions: admins of ORG and the service role pass; members 42501; others P0002. */
function fakeRepository(calls: { caller: Claims; ids?: string[] }[]): OrganisationOpsRepository {
  const check = (caller: Claims, org: string) => {
    calls.push({ caller });
    if (caller.role === 'service_role') return;
    if (org !== ORG) throw new OrganisationNotFound('x');
    if (caller.sub === MEMBER) throw new NotAnAdmin('x');
    if (caller.sub !== ADMIN) throw new OrganisationNotFound('x');
  };
  return {
    memberships: (caller) =>
      Promise.resolve(
        caller.sub === ADMIN
          ? [{ id: ORG, name: 'Shop', personal: false, role: 'admin', can_operate: true }]
          : [],
      ),
    overview: (caller, org) => Promise.resolve().then(() => (check(caller, org), OVERVIEW)),
    replay: (caller, org, ids) =>
      Promise.resolve().then(() => {
        check(caller, org);
        calls[calls.length - 1].ids = ids;
        return ids.filter((id) => id === DEAD);
      }),
  };
}

function setup() {
  const calls: { caller: Claims; ids?: string[] }[] = [];
  const users: Record<string, UserClaims> = {
    admin: { sub: ADMIN, role: 'authenticated', aud: 'authenticated', exp: 4e9 },
    member: { sub: MEMBER, role: 'authenticated', aud: 'authenticated', exp: 4e9 },
  };
  const token = (req: Request) => req.headers.get('authorization')?.replace('Bearer ', '') ?? '';
  const organisations = createOrganisationOpsRouter({
    repository: fakeRepository(calls),
    verifier: {
      verifyUser: (req) =>
        users[token(req)] ? Promise.resolve(users[token(req)]) : Promise.reject(new Unauthorized()),
    },
    isServiceRole: (req) => Promise.resolve(token(req) === 'service'),
    health: () => Promise.resolve({ status: 'degraded' as const }),
  });
  const handler = createOpsHandler({
    isServiceRole: () => Promise.resolve(false),
    metrics: () => Promise.reject(new Error('not used')),
    organisations,
  });
  const call = (path: string, tokenName: string | null, init: RequestInit = {}) =>
    handler(
      new Request(`${BASE}${path}`, {
        ...init,
        headers: tokenName ? { authorization: `Bearer ${tokenName}` } : {},
      }),
    );
  return { calls, call };
}

Deno.test('organisation ops - an admin gets the overview with the platform health', async () => {
  const { calls, call } = setup();
  const res = await call(`/${ORG}/overview`, 'admin');
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  const body = await res.json();
  assert.deepEqual(body, { ...OVERVIEW, health: { status: 'degraded' } });
  assert.ok(organisationOverviewBody.safeParse(body).success, 'the body matches the contract');
  assert.equal(calls[0].caller.sub, ADMIN);
  assert.equal(calls[0].caller.role, 'authenticated');
});

Deno.test('organisation ops - the service role reads any organisation as the service role', async () => {
  const { calls, call } = setup();
  assert.equal((await call(`/${ORG}/overview`, 'service')).status, 200);
  assert.deepEqual(calls[0].caller, { role: 'service_role' });
});

Deno.test('organisation ops - a plain member: 403 forbidden in words; a stranger: 404', async () => {
  const { call } = setup();
  const member = await call(`/${ORG}/overview`, 'member');
  assert.equal(member.status, 403);
  const body = await member.json();
  assert.equal(body.error, 'forbidden');
  assert.match(body.message, /owners and admins/);
  const other = await call(`/${crypto.randomUUID()}/overview`, 'admin');
  assert.equal(other.status, 404);
  assert.equal((await other.json()).error, 'organisation_not_found');
});

Deno.test('organisation ops - no or a bad token: 401; a malformed id: 400', async () => {
  const { calls, call } = setup();
  assert.equal((await call(`/${ORG}/overview`, null)).status, 401);
  assert.equal((await call(`/${ORG}/overview`, 'forged')).status, 401);
  const bad = await call('/acme/overview', 'admin');
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error, 'invalid_id');
  assert.equal(calls.length, 0);
});

Deno.test('organisation ops - replay: the ids go to the repository once each; replayed and skipped', async () => {
  const { calls, call } = setup();
  const res = await call(`/${ORG}/dead-letters/replay`, 'admin', {
    method: 'POST',
    body: JSON.stringify({ receipt_ids: [DEAD, OTHER, DEAD.toUpperCase()] }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { replayed: [DEAD], skipped: [OTHER] });
  assert.deepEqual(calls[0].ids, [DEAD, OTHER]);
});

Deno.test('organisation ops - replay by a plain member: 403, nothing replayed', async () => {
  const { calls, call } = setup();
  const res = await call(`/${ORG}/dead-letters/replay`, 'member', {
    method: 'POST',
    body: JSON.stringify({ receipt_ids: [DEAD] }),
  });
  assert.equal(res.status, 403);
  assert.equal(calls[0].ids, undefined);
});

Deno.test('organisation ops - replay bodies that are not a list of ids: 400 invalid_body', async () => {
  const { calls, call } = setup();
  for (const body of ['', 'nope', '{}', '{"receipt_ids":[]}', '{"receipt_ids":["x"]}']) {
    const res = await call(`/${ORG}/dead-letters/replay`, 'admin', { method: 'POST', body });
    assert.equal(res.status, 400, body);
    assert.equal((await res.json()).error, 'invalid_body');
  }
  assert.equal(calls.length, 0);
});

Deno.test('organisation ops - preflight 204 with CORS; wrong method 405', async () => {
  const { call } = setup();
  const pre = await call(`/${ORG}/overview`, null, { method: 'OPTIONS' });
  assert.equal(pre.status, 204);
  assert.match(pre.headers.get('access-control-allow-headers') ?? '', /authorization/);
  const wrong = await call(`/${ORG}/overview`, 'admin', { method: 'POST' });
  assert.equal(wrong.status, 405);
});

Deno.test('organisation ops - a user lists their organisations; an API key is refused', async () => {
  const { call } = setup();
  const res = await call('', 'admin');
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.ok(organisationListBody.safeParse(body).success, 'the body matches the contract');
  assert.deepEqual(body.data.map((o: { id: string; role: string }) => [o.id, o.role]), [
    [ORG, 'admin'],
  ]);
  const service = await call('', 'service');
  assert.equal(service.status, 403);
  assert.equal((await service.json()).error, 'insufficient_scope');
  assert.equal((await call('', null)).status, 401);
});
