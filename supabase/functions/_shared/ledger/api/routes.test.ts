// The wallet routes with an injected ledger port and verifier: validation, status mapping,
// idempotency headers and the audit context. The real ledger runs in scripts/ledger-*.test.ts and
// tests/e2e/wallet.test.ts.
import assert from 'node:assert/strict';
import { Unauthorized } from '../../http/errors.ts';
import { createWalletHandler } from './routes.ts';
import type { CallContext, Outcome, Transfer, WalletLedger } from '../wallet-port.ts';

const USER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const A = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const B = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const transfer: Transfer = {
  id: 'b3e1c6a2-1a4c-4d59-9a3f-1d7a0f0c2b11',
  kind: 'transfer',
  status: 'posted',
  from_account_id: A,
  to_account_id: B,
  amount_minor: 250,
  currency: 'EUR',
  description: null,
  pending_id: null,
  reverses_id: null,
  expires_at: null,
  created_at: '2026-11-28T10:00:00.000Z',
};

function setup(outcome: Outcome = { ok: true, status: 201, transfer, replayed: false }) {
  const calls: { op: string; ctx: CallContext; args: unknown[] }[] = [];
  const logged: { msg: string; extra?: Record<string, unknown> }[] = [];
  const record = (op: string) => (ctx: CallContext, ...args: unknown[]) => {
    calls.push({ op, ctx, args });
    return Promise.resolve(outcome);
  };
  const ledger: WalletLedger = {
    transfer: record('transfer'),
    post: record('post'),
    void: record('void'),
    reverse: record('reverse'),
    openAccount: () => Promise.reject(new Error('unused')),
    accounts: () => Promise.resolve([]),
    entries: () => Promise.resolve([]),
  };
  const handler = createWalletHandler({
    ledger,
    ipOptions: { trustedHops: 1 }, // one proxy in front appends the client to X-Forwarded-For
    verifier: {
      verifyUser: (req) =>
        req.headers.get('authorization') === 'Bearer good'
          ? Promise.resolve({ sub: USER, role: 'authenticated', aud: 'authenticated', exp: 0 })
          : Promise.reject(new Unauthorized()),
    },
    newId: () => 'corr-1',
    log: (msg, extra) => logged.push({ msg, extra }),
  });
  return { handler, calls, logged };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  new Request(`http://h/functions/v1/wallet${path}`, {
    method: 'POST',
    headers: { authorization: 'Bearer good', 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
const body = { from_account_id: A, to_account_id: B, amount_minor: 250, currency: 'EUR' };

Deno.test('wallet api - transfer: 201 with the transfer, the key and the audit context', async () => {
  const { handler, calls } = setup();
  const res = await handler(
    post('/transfers', { ...body, pending: { timeout_seconds: 60 } }, {
      'idempotency-key': 'k-1',
      'user-agent': 'tests/1',
      'x-forwarded-for': '203.0.113.9',
    }),
  );
  assert.equal(res.status, 201);
  assert.deepEqual(await res.json(), transfer);
  assert.equal(res.headers.get('idempotency-replayed'), null);
  assert.equal(res.headers.get('x-correlation-id'), 'corr-1');
  assert.equal(calls[0].args[1], 'k-1');
  assert.equal(
    (calls[0].args[0] as { pending_timeout_seconds: number }).pending_timeout_seconds,
    60,
  );
  assert.equal(calls[0].ctx.correlationId, 'corr-1');
  assert.equal(calls[0].ctx.clientIp, '203.0.113.9');
  assert.equal(calls[0].ctx.userAgent, 'tests/1');
  assert.equal(calls[0].ctx.claims.sub, USER);
});

Deno.test('wallet api - a replay answers the same body with Idempotency-Replayed: true', async () => {
  const { handler } = setup({ ok: true, status: 201, transfer, replayed: true });
  const res = await handler(post('/transfers', body, { 'idempotency-key': 'k-1' }));
  assert.equal(res.status, 201);
  assert.equal(res.headers.get('idempotency-replayed'), 'true');
  assert.deepEqual(await res.json(), transfer);
});

Deno.test('wallet api - business failures keep their status and stable code', async () => {
  const { handler } = setup({
    ok: false,
    status: 422,
    error: 'insufficient_funds',
    message: 'The source account has insufficient available funds',
  });
  const res = await handler(post('/transfers', body, { 'idempotency-key': 'k-2' }));
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), {
    error: 'insufficient_funds',
    message: 'The source account has insufficient available funds',
  });
});

Deno.test('wallet api - bad input is a 400 and never reaches the ledger', async () => {
  const { handler, calls } = setup();
  const cases: [Request, string][] = [
    [post('/transfers', body), 'idempotency_key_required'],
    [
      post('/transfers', { ...body, amount_minor: 2.5 }, { 'idempotency-key': 'k' }),
      'invalid_body',
    ],
    [post('/transfers', { ...body, amount_minor: -1 }, { 'idempotency-key': 'k' }), 'invalid_body'],
    [post('/transfers', { ...body, currency: 'eur' }, { 'idempotency-key': 'k' }), 'invalid_body'],
    [post('/transfers', { ...body, extra: 1 }, { 'idempotency-key': 'k' }), 'invalid_body'],
    [post('/transfers', body, { 'idempotency-key': 'bad key' }), 'invalid_idempotency_key'],
    [post(`/transfers/${transfer.id}/post`, { amount_minor: 0 }), 'invalid_body'],
  ];
  for (const [req, code] of cases) {
    const res = await handler(req);
    assert.equal(res.status, 400, code);
    assert.equal((await res.json()).error, code);
  }
  assert.equal(calls.length, 0);
});

Deno.test('wallet api - post, void and reverse route to the ledger with their arguments', async () => {
  const { handler, calls } = setup();
  await handler(post(`/transfers/${transfer.id}/post`, { amount_minor: 100 }));
  await handler(post(`/transfers/${transfer.id}/void`, {}));
  await handler(
    post(`/transfers/${transfer.id}/reverse`, { description: 'Oops' }, { 'idempotency-key': 'r' }),
  );
  assert.deepEqual(calls.map((c) => [c.op, ...c.args]), [
    ['post', transfer.id, 100, null],
    ['void', transfer.id, null],
    ['reverse', transfer.id, 'Oops', 'r'],
  ]);
});

Deno.test('wallet api - unauthenticated 401, unknown route 404, wrong method 405, all JSON', async () => {
  const { handler } = setup();
  const anon = await handler(post('/transfers', body, { authorization: 'Bearer bad' }));
  assert.equal(anon.status, 401);
  const unknown = await handler(post('/nope', {}));
  assert.equal(unknown.status, 404);
  const wrong = await handler(
    new Request('http://h/functions/v1/wallet/transfers', { method: 'GET' }),
  );
  assert.equal(wrong.status, 405);
  assert.equal((await wrong.json()).error, 'method_not_allowed');
  const badId = await handler(
    new Request('http://h/functions/v1/wallet/accounts/not-a-uuid', {
      headers: { authorization: 'Bearer good' },
    }),
  );
  assert.equal(badId.status, 404);
  assert.equal((await badId.json()).error, 'account_not_found');
});

Deno.test('wallet api - each call logs one line with correlation id, transfer id, status and duration', async () => {
  const { handler, logged } = setup();
  await handler(
    post('/transfers', body, { 'idempotency-key': 'k-1', 'x-correlation-id': 'req-0000077' }),
  );
  await handler(post(`/transfers/${transfer.id}/void`, {}));
  await handler(post('/transfers', { ...body, amount_minor: -1 }, { 'idempotency-key': 'k-2' }));
  assert.equal(logged.length, 3);
  const [created, voided, refused] = logged.map((l) => l.extra!);
  assert.deepEqual({ ...created, duration_ms: 0 }, {
    correlation_id: 'req-0000077',
    route: 'POST /transfers',
    status: 201,
    transfer_id: transfer.id,
    duration_ms: 0,
  });
  assert.equal(typeof created.duration_ms, 'number');
  assert.equal(voided.transfer_id, transfer.id);
  assert.equal(voided.route, 'POST /transfers/:id/void');
  assert.equal(voided.correlation_id, 'corr-1');
  assert.equal(refused.error, 'invalid_body');
  assert.equal('transfer_id' in refused, false);
});

Deno.test('wallet api - a malformed X-Correlation-Id is replaced by a new one, X-Request-Id is taken', async () => {
  const { handler } = setup();
  const bad = await handler(
    post('/transfers', body, { 'idempotency-key': 'k-1', 'x-correlation-id': 'a b' }),
  );
  assert.equal(bad.headers.get('x-correlation-id'), 'corr-1');
  const alt = await handler(
    post('/transfers', body, { 'idempotency-key': 'k-1', 'x-request-id': 'lb-request-42' }),
  );
  assert.equal(alt.headers.get('x-correlation-id'), 'lb-request-42');
});
