import assert from 'node:assert/strict';
import { errorResponse } from '../../http/errors.ts';
import { WebhookSignatureError } from './errors.ts';
import { extractStripeEvents, parseJsonBody } from './events.ts';
import {
  parseStripeSignatureHeader,
  signStripePayload,
  verifyStripeSignature,
} from './stripe-signature.ts';

const SECRET = 'whsec_test_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH';
const NEW_SECRET = 'whsec_test_rotated_0f7c2a9e4b1d3c5a7e9f1b3d5c7a9e1f';
const NOW = Date.UTC(2025, 2, 3, 10, 0, 0);
const T = Math.floor(NOW / 1000);
const body = JSON.stringify({
  id: 'evt_1PzYb2LkdIwHu7ix0abc',
  object: 'event',
  type: 'payment_intent.succeeded',
  created: T - 5,
  data: { object: { id: 'pi_123', amount: 1999, currency: 'eur' } },
});
const raw = new TextEncoder().encode(body);

function rejects(fn: () => unknown, reason: string, status: number, message: RegExp) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof WebhookSignatureError, String(err));
    assert.equal(err.reason, reason);
    assert.equal(err.status, status);
    assert.match(err.message, message);
    return true;
  });
}

Deno.test('stripe signature - valid signature over the raw bytes: accepted', () => {
  const header = signStripePayload(raw, SECRET, T);
  assert.match(header, /^t=\d+,v1=[0-9a-f]{64}$/);
  assert.deepEqual(verifyStripeSignature({ rawBody: raw, header, secrets: [SECRET], now: NOW }), {
    timestamp: T,
  });
  // The same bytes as a string verify the same way.
  verifyStripeSignature({ rawBody: body, header, secrets: [SECRET], now: NOW });
});

Deno.test('stripe signature - known vector: HMAC-SHA256 of "t.body" with the secret', async () => {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(SECRET),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${T}.${body}`));
  const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('');
  verifyStripeSignature({ rawBody: raw, header: `t=${T},v1=${hex}`, secrets: [SECRET], now: NOW });
});

Deno.test('stripe signature - tampered body: 401 signature_mismatch', () => {
  const header = signStripePayload(raw, SECRET, T);
  const tampered = body.replace('1999', '9999');
  rejects(
    () => verifyStripeSignature({ rawBody: tampered, header, secrets: [SECRET], now: NOW }),
    'signature_mismatch',
    401,
    /No Stripe signature matches/,
  );
  // Re-serialising the parsed JSON (whitespace) also breaks it: only raw bytes verify.
  const reserialised = JSON.stringify(JSON.parse(body), null, 2);
  rejects(
    () => verifyStripeSignature({ rawBody: reserialised, header, secrets: [SECRET], now: NOW }),
    'signature_mismatch',
    401,
    /No Stripe signature/,
  );
});

Deno.test('stripe signature - wrong secret: 401 signature_mismatch', () => {
  const header = signStripePayload(raw, 'whsec_someone_else', T);
  rejects(
    () => verifyStripeSignature({ rawBody: raw, header, secrets: [SECRET], now: NOW }),
    'signature_mismatch',
    401,
    /No Stripe signature/,
  );
});

Deno.test('stripe signature - stale (and far-future) timestamp: 401 stale_timestamp', () => {
  for (const t of [T - 301, T + 301]) {
    const header = signStripePayload(raw, SECRET, t);
    rejects(
      () => verifyStripeSignature({ rawBody: raw, header, secrets: [SECRET], now: NOW }),
      'stale_timestamp',
      401,
      /outside the 300 s tolerance/,
    );
  }
  // 300 s old is still inside the tolerance.
  const edge = signStripePayload(raw, SECRET, T - 300);
  verifyStripeSignature({ rawBody: raw, header: edge, secrets: [SECRET], now: NOW });
});

Deno.test('stripe signature - missing header: 400 missing_signature', () => {
  for (const header of [null, undefined, '']) {
    rejects(
      () => verifyStripeSignature({ rawBody: raw, header, secrets: [SECRET], now: NOW }),
      'missing_signature',
      400,
      /Missing Stripe-Signature/,
    );
  }
});

Deno.test('stripe signature - malformed header: 400 invalid_signature_header', () => {
  for (const header of ['garbage', `t=${T}`, 'v1=abc', `t=soon,v1=${'a'.repeat(64)}`]) {
    rejects(
      () => verifyStripeSignature({ rawBody: raw, header, secrets: [SECRET], now: NOW }),
      'invalid_signature_header',
      400,
      /must contain t=/,
    );
  }
});

Deno.test('stripe signature - rotation: any configured secret, any v1 entry', () => {
  // Signed with the new secret while both are configured.
  const header = signStripePayload(raw, NEW_SECRET, T);
  verifyStripeSignature({ rawBody: raw, header, secrets: [SECRET, NEW_SECRET], now: NOW });
  // Stripe sends one v1 per active secret during a roll; a v0 entry is ignored.
  const oldSig = signStripePayload(raw, SECRET, T).split('v1=')[1];
  const multi = `t=${T},v1=${'0'.repeat(64)},v1=${oldSig},v0=${'f'.repeat(64)}`;
  verifyStripeSignature({ rawBody: raw, header: multi, secrets: [SECRET], now: NOW });
  assert.deepEqual(parseStripeSignatureHeader(multi).signatures.length, 2);
});

Deno.test('stripe signature - 4xx response is { error, message } JSON', async () => {
  const err = (() => {
    try {
      verifyStripeSignature({ rawBody: raw, header: null, secrets: [SECRET], now: NOW });
    } catch (e) {
      return e;
    }
  })();
  const res = errorResponse(err);
  assert.equal(res.status, 400);
  assert.deepEqual(await res.json(), {
    error: 'missing_signature',
    message: 'Missing Stripe-Signature header',
  });
});

Deno.test('stripe events - extract provider, event id, type, occurrence time and payload', () => {
  const [event] = extractStripeEvents(parseJsonBody(raw));
  assert.equal(event.provider, 'stripe');
  assert.equal(event.event_id, 'evt_1PzYb2LkdIwHu7ix0abc');
  assert.equal(event.event_type, 'payment_intent.succeeded');
  assert.equal(event.occurred_at, new Date((T - 5) * 1000).toISOString());
  assert.equal((event.payload.data as { object: { id: string } }).object.id, 'pi_123');
  assert.throws(() => extractStripeEvents({ id: 'evt_1' }), /Unexpected Stripe event shape/);
  assert.throws(() => parseJsonBody('{nope'), /not valid JSON/);
});
