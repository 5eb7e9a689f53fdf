// The golden path's own pieces (the journey itself runs against the stack in npm test).
import assert from 'node:assert/strict';
import { signedPaymentEvent, subjectOf } from './golden-path.ts';
import { verifyStripeSignature } from '../supabase/functions/_shared/webhooks/ingest/stripe-signature.ts';
import { stripeEventSchema } from '../supabase/functions/_shared/webhooks/ingest/events.ts';

Deno.test('golden path - the funding event is a Stripe event payments-webhook accepts for the payer', () => {
  const user = '0f8fad5b-d9cb-469f-a165-70867728950e';
  const { body, signature } = signedPaymentEvent(user, 1000, 'whsec_test');
  verifyStripeSignature({ rawBody: body, header: signature, secrets: ['whsec_test'] });
  assert.throws(() =>
    verifyStripeSignature({ rawBody: body, header: signature, secrets: ['whsec_other'] })
  );
  const event = JSON.parse(body);
  assert.equal(stripeEventSchema.safeParse(event).success, true);
  assert.equal(event.type, 'payment_intent.succeeded');
  assert.equal(event.livemode, false);
  assert.deepEqual(event.data.object.metadata, { tallyq_user_id: user });
  assert.equal(event.data.object.amount_received, 1000);
  assert.notEqual(JSON.parse(signedPaymentEvent(user, 1000, 'whsec_test').body).id, event.id);
});

Deno.test('golden path - the payer is the access token subject', () => {
  const part = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-');
  const jwt = `${part({ alg: 'HS256' })}.${part({ sub: 'user-1', role: 'authenticated' })}.sig`;
  assert.equal(subjectOf(jwt), 'user-1');
  assert.throws(() => subjectOf(`${part({})}.${part({ role: 'anon' })}.x`), /no sub claim/);
});
