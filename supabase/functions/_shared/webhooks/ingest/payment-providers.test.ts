import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { WebhookSignatureError } from './errors.ts';
import { momoCallbackUrl, verifyMomoCallback } from './momo-callback.ts';
import { signRevolutPayload, verifyRevolutSignature } from './revolut-signature.ts';
import { createPaymentsWebhookHandler } from './handler.ts';
import type { WebhookEventRecord } from './events.ts';

const SECRET = 'wsk_test_0123456789abcdef';
const body = JSON.stringify({
  event: 'TransactionStateChanged',
  timestamp: '2026-11-28T10:00:00.000Z',
  data: { id: 't1', old_state: 'pending', new_state: 'completed' },
});

Deno.test('revolut signature - a valid v1 signature within 5 minutes passes', () => {
  const now = 1_795_000_000_000;
  const h = signRevolutPayload(body, SECRET, now);
  const out = verifyRevolutSignature({
    rawBody: body,
    signatureHeader: `v1=${'0'.repeat(64)},${h['revolut-signature']}`,
    timestampHeader: h['revolut-request-timestamp'],
    secrets: ['wsk_other_secret_value', SECRET],
    now: now + 60_000,
  });
  assert.equal(out.timestampMs, now);
});

Deno.test('revolut signature - tampered body, stale timestamp and missing headers are refused', () => {
  const now = 1_795_000_000_000;
  const h = signRevolutPayload(body, SECRET, now);
  const verify = (rawBody: string, at: number, sig?: string | null) =>
    verifyRevolutSignature({
      rawBody,
      signatureHeader: sig === undefined ? h['revolut-signature'] : sig,
      timestampHeader: h['revolut-request-timestamp'],
      secrets: [SECRET],
      now: at,
    });
  const reason = (fn: () => unknown) => {
    try {
      fn();
      return 'passed';
    } catch (err) {
      return err instanceof WebhookSignatureError ? err.reason : String(err);
    }
  };
  assert.equal(
    reason(() => verify(body.replace('completed', 'reverted'), now)),
    'signature_mismatch',
  );
  assert.equal(reason(() => verify(body, now + 301_000)), 'stale_timestamp');
  assert.equal(reason(() => verify(body, now, null)), 'missing_signature');
  assert.equal(reason(() => verify(body, now, 'sha256=abc')), 'invalid_signature_header');
});

Deno.test('momo callback - the URL key is bound to its reference and product', () => {
  const ref = randomUUID();
  const url = new URL(momoCallbackUrl('https://x.example/functions/v1', SECRET, 'collection', ref));
  assert.deepEqual(verifyMomoCallback(url, [SECRET]), { referenceId: ref, product: 'collection' });
  const other = new URL(url);
  other.searchParams.set('ref', randomUUID());
  assert.throws(() => verifyMomoCallback(other, [SECRET]), WebhookSignatureError);
  const product = new URL(url);
  product.searchParams.set('product', 'disbursement');
  assert.throws(() => verifyMomoCallback(product, [SECRET]), WebhookSignatureError);
  assert.throws(() => verifyMomoCallback(url, ['wsk_rotated_away_secret']), WebhookSignatureError);
});

function handler(stored: WebhookEventRecord[]) {
  return createPaymentsWebhookHandler({
    store: {
      insert: (events) => {
        stored.push(...events);
        return Promise.resolve({ received: events.length, stored: events.length });
      },
    },
    stripeSecrets: ['whsec_test_secret_value'],
    momoSecrets: [SECRET],
    revolutSecrets: [SECRET],
  });
}

Deno.test('payments webhook - MoMo and Revolut deliveries are verified and stored per provider', async () => {
  const stored: WebhookEventRecord[] = [];
  const handle = handler(stored);
  const ref = randomUUID();
  const momo = await handle(
    new Request(momoCallbackUrl('http://h/functions/v1', SECRET, 'collection', ref), {
      method: 'PUT',
      body: JSON.stringify({
        amount: '600',
        currency: 'UGX',
        status: 'SUCCESSFUL',
        externalId: 'x',
      }),
    }),
  );
  assert.equal(momo.status, 200);
  assert.equal(stored[0].event_id, `${ref}:SUCCESSFUL`);
  const ts = Date.now();
  const rev = await handle(
    new Request('http://h/functions/v1/payments-webhook/revolut', {
      method: 'POST',
      headers: signRevolutPayload(body, SECRET, ts),
      body,
    }),
  );
  assert.equal(rev.status, 200);
  assert.equal(stored[1].event_id, 'TransactionStateChanged:t1:completed');
  const forged = await handle(
    new Request('http://h/functions/v1/payments-webhook/revolut', {
      method: 'POST',
      headers: signRevolutPayload(body, 'wsk_attacker_secret_xx', ts),
      body,
    }),
  );
  assert.equal(forged.status, 401);
  assert.equal(stored.length, 2, 'nothing unverified is stored');
  const unknown = await handle(
    new Request('http://h/functions/v1/payments-webhook/paypal', { method: 'POST' }),
  );
  assert.equal(unknown.status, 404);
});
