import assert from 'node:assert/strict';
import { type MoneyEvent, projectMoney, UninterpretableMoneyEvent } from './money.ts';
import { InvalidAmount } from './minor-units.ts';

const USER = '0f8fad5b-d9cb-469f-a165-70867728950e';
const stripe = (type: string, object: Record<string, unknown>): MoneyEvent => ({
  provider: 'stripe',
  event_id: 'evt_1',
  event_type: type,
  payload: { id: 'evt_1', type, data: { object } },
});

Deno.test('money - a succeeded PaymentIntent is a succeeded payment of the amount received', () => {
  const m = projectMoney(stripe('payment_intent.succeeded', {
    id: 'pi_1',
    object: 'payment_intent',
    amount: 2000,
    amount_received: 1500,
    currency: 'eur',
    status: 'succeeded',
    metadata: { tallyq_user_id: USER },
    customer: { id: 'cus_1' },
    created: 1_700_000_000,
  }));
  assert.deepEqual(m?.payment, {
    provider_payment_id: 'pi_1',
    user_id: USER,
    amount_minor: 1500,
    currency: 'EUR',
    status: 'succeeded',
  });
  assert.equal(m?.records[0].table, 'payment_intents');
  assert.equal(m?.records[0].row.customer, 'cus_1', 'an expanded customer becomes its id');
});

Deno.test('money - a failed PaymentIntent event is a failed payment; no metadata means no payer', () => {
  const m = projectMoney(stripe('payment_intent.payment_failed', {
    id: 'pi_2',
    object: 'payment_intent',
    amount: 500,
    currency: 'usd',
    status: 'requires_payment_method',
  }));
  assert.equal(m?.payment?.status, 'failed');
  assert.equal(m?.payment?.user_id, null);
});

Deno.test('money - a charge and its PaymentIntent are the same payment', () => {
  const m = projectMoney(stripe('charge.succeeded', {
    id: 'ch_1',
    object: 'charge',
    payment_intent: 'pi_1',
    amount: 2000,
    amount_captured: 2000,
    captured: true,
    currency: 'eur',
    status: 'succeeded',
  }));
  assert.equal(m?.payment?.provider_payment_id, 'pi_1');
  assert.equal(m?.payment?.status, 'succeeded');
  const uncaptured = projectMoney(stripe('charge.succeeded', {
    id: 'ch_2',
    object: 'charge',
    amount: 900,
    amount_captured: 0,
    captured: false,
    currency: 'eur',
    status: 'succeeded',
  }));
  assert.equal(uncaptured?.payment?.status, 'pending', 'an authorisation is not money yet');
});

Deno.test('money - a refund names its payment and amount', () => {
  const m = projectMoney(stripe('refund.updated', {
    id: 're_1',
    object: 'refund',
    amount: 300,
    currency: 'eur',
    charge: 'ch_1',
    payment_intent: 'pi_1',
    status: 'succeeded',
    reason: 'requested_by_customer',
  }));
  assert.deepEqual(m?.refund, {
    provider_refund_id: 're_1',
    provider_payment_id: 'pi_1',
    amount_minor: 300,
    currency: 'EUR',
    status: 'succeeded',
    reason: 'requested_by_customer',
  });
});

Deno.test('money - invoices and subscriptions are records without money', () => {
  const inv = projectMoney(stripe('invoice.paid', {
    id: 'in_1',
    object: 'invoice',
    status: 'paid',
    amount_due: 900,
    amount_paid: 900,
    amount_remaining: 0,
    currency: 'eur',
    parent: { subscription_details: { subscription: 'sub_1' } },
  }));
  assert.equal(inv?.records[0].row.subscription, 'sub_1');
  assert.equal(inv?.payment, undefined);
  const sub = projectMoney(stripe('customer.subscription.updated', {
    id: 'sub_1',
    object: 'subscription',
    status: 'active',
    currency: 'eur',
    items: { data: [{ id: 'si_1', price: { id: 'price_1' }, quantity: 2 }] },
  }));
  assert.deepEqual(sub?.records[0].row.items, [{ id: 'si_1', price: 'price_1', quantity: 2 }]);
});

Deno.test('money - a MoMo collection callback is a payment in minor units; payouts are records', () => {
  const ev = (product: string, status: string): MoneyEvent => ({
    provider: 'momo',
    event_id: 'x',
    event_type: `${product}.${status}`,
    payload: {
      reference_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
      product,
      callback: {
        amount: '600',
        currency: 'UGX',
        externalId: USER,
        status,
        payer: { partyIdType: 'MSISDN', partyId: '256770000000' },
      },
    },
  });
  const m = projectMoney(ev('collection', 'SUCCESSFUL'));
  assert.deepEqual(m?.payment, {
    provider_payment_id: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    user_id: USER,
    amount_minor: 600,
    currency: 'UGX',
    status: 'succeeded',
  });
  assert.equal(projectMoney(ev('disbursement', 'SUCCESSFUL'))?.payment, undefined);
});

Deno.test('money - Revolut: incoming completed is a payment, a state change carries no amount', () => {
  const created = projectMoney({
    provider: 'revolut',
    event_id: 'x',
    event_type: 'TransactionCreated',
    payload: {
      event: 'TransactionCreated',
      data: {
        id: '645a7696-1234-aa47-1234-cbae0449cc46',
        type: 'transfer',
        state: 'completed',
        reference: `Top-up ${USER}`,
        legs: [{ leg_id: 'l1', account_id: 'a1', amount: 10.5, currency: 'GBP' }],
      },
    },
  });
  assert.equal(created?.payment?.amount_minor, 1050);
  assert.equal(created?.payment?.user_id, USER);
  assert.equal(created?.payment?.status, 'succeeded');
  const changed = projectMoney({
    provider: 'revolut',
    event_id: 'y',
    event_type: 'TransactionStateChanged',
    payload: { data: { id: '645a7696-1234-aa47-1234-cbae0449cc46', new_state: 'completed' } },
  });
  assert.equal(changed?.payment?.amount_minor, null);
  const outgoing = projectMoney({
    provider: 'revolut',
    event_id: 'z',
    event_type: 'TransactionCreated',
    payload: { data: { id: 'o1', state: 'completed', legs: [{ amount: -5, currency: 'EUR' }] } },
  });
  assert.equal(outgoing?.payment, undefined, 'money out is not a payment');
});

Deno.test('money - uninterpretable events throw typed errors', () => {
  assert.throws(
    () => projectMoney(stripe('payment_intent.succeeded', { id: 'pi', object: 'payment_intent' })),
    UninterpretableMoneyEvent,
  );
  assert.throws(() =>
    projectMoney({
      provider: 'momo',
      event_id: 'x',
      event_type: 'collection.successful',
      payload: {
        reference_id: 'r',
        callback: { amount: '1.5', currency: 'UGX', status: 'SUCCESSFUL' },
      },
    }), InvalidAmount);
});
