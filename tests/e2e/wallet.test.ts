// Wallet end to end on the running stack: money arrives through the real path (signed provider
// webhook → webhook_events → pgmq → webhook-processor → payment credit, once), then moves through
// the wallet API (transfers with Idempotency-Key, two-phase, reversal, entries, past balances).
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createUser, env, sql, type TestUser, waitFor } from '../support/stack.ts';

const FUNCTIONS = () => env('FUNCTIONS_URL');
const now = () => Math.floor(Date.now() / 1000);
const hmac = (secret: string, data: string) =>
  createHmac('sha256', secret).update(data).digest('hex');
const uniqueIp = () =>
  `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;

function stripeDelivery(event: Record<string, unknown>) {
  const body = JSON.stringify(event);
  const secret = env('STRIPE_WEBHOOK_SECRETS').split(',')[0].trim();
  const t = now();
  return fetch(`${FUNCTIONS()}/payments-webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'cf-connecting-ip': uniqueIp(),
      'stripe-signature': `t=${t},v1=${hmac(secret, `${t}.${body}`)}`,
    },
    body,
  });
}

const paymentIntent = (
  id: string,
  user: string,
  amount: number,
  status: string,
  created = now(),
) => ({
  id: `evt_${randomUUID().replace(/-/g, '')}`,
  object: 'event',
  type: status === 'succeeded' ? 'payment_intent.succeeded' : 'payment_intent.processing',
  created,
  livemode: false,
  data: {
    object: {
      id,
      object: 'payment_intent',
      amount,
      amount_received: status === 'succeeded' ? amount : 0,
      currency: 'eur',
      status,
      metadata: { tallyq_user_id: user },
    },
  },
});

async function wallet(user: TestUser, path: string, init: RequestInit = {}) {
  const res = await fetch(`${FUNCTIONS()}/wallet${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${user.jwt}`,
      'content-type': 'application/json',
      'cf-connecting-ip': uniqueIp(),
      ...(init.headers ?? {}),
    },
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

const balanceOf = async (userId: string) => {
  const [row] = await sql`select posted_balance_minor::int as b from public.wallet_accounts
    where kind = 'user' and user_id = ${userId} and currency = 'EUR'`;
  return row?.b ?? 0;
};
const waitBalance = (userId: string, expected: number) =>
  waitFor(
    `wallet of ${userId} at ${expected}`,
    async () => (await balanceOf(userId)) === expected ? true : null,
    30_000,
  );

describe('wallet', () => {
  it('the stack funded the demo user through a signed test payment', async () => {
    await waitFor('demo funding', async () => {
      const [row] =
        await sql`select t.amount_minor::int as amount from public.wallet_transactions as t
        where t.external_ref = 'payment:stripe:pi_tallyq_demo_funding'`;
      return row ?? null;
    }, 30_000);
    expect(await balanceOf(env('DEMO_USER_ID'))).toBeGreaterThanOrEqual(100_000);
  });

  it('a payment delivered twice and out of order credits once; its refund debits once', async () => {
    const payer = await createUser('payer');
    const pi = `pi_${randomUUID().slice(0, 12)}`;
    const success = paymentIntent(pi, payer.id, 5000, 'succeeded', now());
    expect((await stripeDelivery(success)).status).toBe(200);
    expect((await stripeDelivery(success)).status).toBe(200); // redelivery
    await waitBalance(payer.id, 5000);
    // An older "processing" event arrives last, and a second success event for the same intent.
    await stripeDelivery(paymentIntent(pi, payer.id, 5000, 'processing', now() - 60));
    await stripeDelivery(paymentIntent(pi, payer.id, 5000, 'succeeded', now()));
    const refund = {
      id: `evt_${randomUUID().replace(/-/g, '')}`,
      object: 'event',
      type: 'refund.created',
      created: now(),
      data: {
        object: {
          id: `re_${randomUUID().slice(0, 12)}`,
          object: 'refund',
          amount: 1200,
          currency: 'eur',
          payment_intent: pi,
          status: 'succeeded',
        },
      },
    };
    await stripeDelivery(refund);
    await stripeDelivery(refund);
    await waitBalance(payer.id, 3800);
    await waitFor('all deliveries processed', async () => {
      const [row] = await sql`select count(*)::int as n from public.webhook_events
        where provider = 'stripe' and status = 'received'`;
      return row.n === 0 ? true : null;
    }, 30_000);
    expect(await balanceOf(payer.id)).toBe(3800);
    const [pay] = await sql`select status from public.payments where provider_payment_id = ${pi}`;
    expect(pay.status).toBe('succeeded');
    const found = await sql`select * from private.wallet_reconcile()`;
    expect(found).toEqual([]);
  });

  it('transfers: Idempotency-Key replays, changed requests, two-phase, reversal, entries', async () => {
    const alice = await createUser('alice');
    const bob = await createUser('bob');
    await stripeDelivery(
      paymentIntent(`pi_${randomUUID().slice(0, 12)}`, alice.id, 10_000, 'succeeded'),
    );
    await waitBalance(alice.id, 10_000);
    const from = (await wallet(alice, '/accounts')).body.data[0];
    const to = await wallet(bob, '/accounts', {
      method: 'POST',
      body: JSON.stringify({ currency: 'EUR' }),
    });
    expect(to.status).toBe(201);

    const key = randomUUID();
    const body = JSON.stringify({
      from_account_id: from.id,
      to_account_id: to.body.id,
      amount_minor: 1500,
      currency: 'EUR',
      description: 'Dinner',
    });
    const first = await wallet(alice, '/transfers', {
      method: 'POST',
      body,
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'posted', amount_minor: 1500, currency: 'EUR' });
    const again = await wallet(alice, '/transfers', {
      method: 'POST',
      body,
      headers: { 'idempotency-key': key },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotency-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    const changed = await wallet(alice, '/transfers', {
      method: 'POST',
      body: body.replace('1500', '1600'),
      headers: { 'idempotency-key': key },
    });
    expect(changed.status).toBe(422);
    expect(changed.body).toEqual({
      error: 'idempotency_key_reused',
      message: 'Idempotency-Key was used for a different request (amount_minor differs)',
    });

    const tooMuch = await wallet(alice, '/transfers', {
      method: 'POST',
      body: body.replace('1500', '999999'),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(tooMuch.body.error).toBe('insufficient_funds');
    const stolen = await wallet(bob, '/transfers', {
      method: 'POST',
      body: JSON.stringify({ ...JSON.parse(body), amount_minor: 1 }),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(stolen.status).toBe(404);
    expect(stolen.body.error).toBe('account_not_found');

    const pending = await wallet(alice, '/transfers', {
      method: 'POST',
      body: JSON.stringify({
        ...JSON.parse(body),
        amount_minor: 3000,
        pending: { timeout_seconds: 300 },
      }),
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(pending.body.status).toBe('pending');
    const accounts = (await wallet(alice, '/accounts')).body.data[0];
    expect(accounts).toMatchObject({
      posted_balance_minor: 8500,
      pending_debits_minor: 3000,
      available_minor: 5500,
    });
    const posted = await wallet(alice, `/transfers/${pending.body.id}/post`, {
      method: 'POST',
      body: JSON.stringify({ amount_minor: 1000 }),
    });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({
      kind: 'post',
      amount_minor: 1000,
      pending_id: pending.body.id,
    });
    const twice = await wallet(alice, `/transfers/${pending.body.id}/void`, {
      method: 'POST',
      body: '{}',
    });
    expect(twice.body.error).toBe('transfer_not_pending');

    const reversal = await wallet(bob, `/transfers/${first.body.id}/reverse`, {
      method: 'POST',
      body: '{}',
    });
    expect(reversal.status).toBe(201);
    expect(reversal.body.reverses_id).toBe(first.body.id);
    expect(
      (await wallet(bob, `/transfers/${first.body.id}/reverse`, { method: 'POST', body: '{}' }))
        .body.error,
    )
      .toBe('transfer_already_reversed');

    const page1 = await wallet(alice, `/accounts/${from.id}/entries?limit=2`);
    expect(page1.body.data.map((e: { version: number }) => e.version)).toEqual([4, 3]);
    const page2 = await wallet(
      alice,
      `/accounts/${from.id}/entries?limit=2&cursor=${page1.body.next_cursor}`,
    );
    expect(page2.body.data.map((e: { version: number }) => e.version)).toEqual([2, 1]);
    expect(page2.body.next_cursor).toBeNull();
    // Entry times print to the millisecond here: 1 ms after version 2, long before version 3.
    const at = new Date(Date.parse(page2.body.data[0].created_at) + 1).toISOString();
    const past = await wallet(alice, `/accounts/${from.id}?at=${encodeURIComponent(at)}`);
    expect(past.body.balance_at_minor).toBe(8500);
    expect((await wallet(bob, `/accounts/${from.id}`)).status).toBe(404);
  });

  it('MoMo and Revolut deliveries fund wallets through their own verification', async () => {
    const user = await createUser('mobile');
    const ref = randomUUID();
    const sig = hmac(
      env('MOMO_CALLBACK_SECRETS').split(',')[0],
      `momo-callback:v1:collection:${ref}`,
    );
    const momo = await fetch(
      `${FUNCTIONS()}/payments-webhook/momo?product=collection&ref=${ref}&sig=${sig}`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() },
        body: JSON.stringify({
          amount: '12.5',
          currency: 'EUR',
          externalId: user.id,
          status: 'SUCCESSFUL',
        }),
      },
    );
    expect(momo.status).toBe(200);
    const forged = await fetch(
      `${FUNCTIONS()}/payments-webhook/momo?product=collection&ref=${randomUUID()}&sig=${sig}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() },
        body: JSON.stringify({
          amount: '99',
          currency: 'EUR',
          externalId: user.id,
          status: 'SUCCESSFUL',
        }),
      },
    );
    expect(forged.status).toBe(401);
    await waitBalance(user.id, 1250);

    const body = JSON.stringify({
      event: 'TransactionCreated',
      timestamp: new Date().toISOString(),
      data: {
        id: randomUUID(),
        type: 'transfer',
        state: 'completed',
        reference: `Top-up ${user.id}`,
        legs: [{ leg_id: randomUUID(), account_id: randomUUID(), amount: 7.25, currency: 'EUR' }],
      },
    });
    const ts = Date.now();
    const revolut = await fetch(`${FUNCTIONS()}/payments-webhook/revolut`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'cf-connecting-ip': uniqueIp(),
        'revolut-request-timestamp': String(ts),
        'revolut-signature': `v1=${
          hmac(env('REVOLUT_WEBHOOK_SECRETS').split(',')[0], `v1.${ts}.${body}`)
        }`,
      },
      body,
    });
    expect(revolut.status).toBe(200);
    await waitBalance(user.id, 1975);
  });
});
