import assert from 'node:assert/strict';
import { ConfigError } from '../../config/env.ts';
import { TooManyRequests } from '../../http/errors.ts';
import type { RateLimitFn } from '../../ratelimit/middleware.ts';
import type { WebhookEventRecord } from './events.ts';
import {
  createMessagingWebhookHandler,
  createPaymentsWebhookHandler,
  loadMessagingWebhookConfig,
  loadPaymentsWebhookConfig,
  readRawBody,
} from './handler.ts';
import { signStripePayload } from './stripe-signature.ts';
import type { StoreResult, WebhookStore } from '../store.ts';
import { signWhatsAppPayload } from './whatsapp-signature.ts';

const SECRET = 'whsec_test_primary_5WbX5kEWLlfzsGNjH64I8l';
const ROTATED = 'whsec_test_rotated_0f7c2a9e4b1d3c5a7e9f1b';
const APP_SECRET = 'app-secret-3b8f1c0e2d4a6b8c';
const VERIFY_TOKEN = 'verify-token-1234';
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const T = Math.floor(NOW / 1000);

/** In-memory store with the table's semantics: one row per (provider, event_id). */
function memoryStore() {
  const rows = new Map<string, WebhookEventRecord & { verifiedAt: Date }>();
  const calls: WebhookEventRecord[][] = [];
  const store: WebhookStore = {
    insert(events, verifiedAt): Promise<StoreResult> {
      calls.push(events);
      let stored = 0;
      for (const e of events) {
        const key = `${e.provider}:${e.event_id}`;
        if (!rows.has(key)) {
          rows.set(key, { ...e, verifiedAt });
          stored++;
        }
      }
      return Promise.resolve({ received: events.length, stored });
    },
  };
  return { store, rows, calls };
}

const stripeBody = (id = 'evt_1', created = T - 5) =>
  JSON.stringify({
    id,
    object: 'event',
    type: 'payment_intent.succeeded',
    created,
    data: { object: { id: 'pi_1', object: 'payment_intent', status: 'succeeded' } },
  });

function stripeRequest(body: BodyInit | null, signature?: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (signature) headers.set('stripe-signature', signature);
  return new Request('http://local/payments-webhook', {
    method: 'POST',
    ...init,
    headers,
    body,
  });
}

function payments(extra: { rateLimit?: RateLimitFn; maxBodyBytes?: number } = {}) {
  const mem = memoryStore();
  const handler = createPaymentsWebhookHandler({
    store: mem.store,
    stripeSecrets: [SECRET, ROTATED],
    now: () => NOW,
    ...extra,
  });
  return { ...mem, handler };
}

async function assertError(res: Response, status: number, error: string) {
  assert.equal(res.status, status);
  const body = await res.json();
  assert.equal(body.error, error);
  assert.equal(typeof body.message, 'string');
}

Deno.test('payments webhook - valid signature: 200 and the event stored with its verification time', async () => {
  const { handler, rows } = payments();
  const body = stripeBody();
  const res = await handler(stripeRequest(body, signStripePayload(body, SECRET, T)));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { received: true, duplicate: false, events: 1, stored: 1 });
  const row = rows.get('stripe:evt_1');
  assert.equal(row?.event_type, 'payment_intent.succeeded');
  assert.equal(row?.occurred_at, new Date((T - 5) * 1000).toISOString());
  assert.equal(row?.verifiedAt.getTime(), NOW);
});

Deno.test('payments webhook - replayed delivery: 200 duplicate, stored once', async () => {
  const { handler, rows } = payments();
  const body = stripeBody();
  const sig = signStripePayload(body, SECRET, T);
  await handler(stripeRequest(body, sig));
  const res = await handler(stripeRequest(body, sig));
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { received: true, duplicate: true, events: 1, stored: 0 });
  assert.equal(rows.size, 1);
});

Deno.test('payments webhook - second (rotated) secret accepted', async () => {
  const { handler } = payments();
  const body = stripeBody();
  const res = await handler(stripeRequest(body, signStripePayload(body, ROTATED, T)));
  assert.equal(res.status, 200);
});

Deno.test('payments webhook - bad signatures: 4xx JSON and the store is never called', async () => {
  const body = stripeBody();
  const cases: [string, Request, number, string][] = [
    [
      'tampered',
      stripeRequest(body.replace('succeeded', 'failed'), signStripePayload(body, SECRET, T)),
      401,
      'signature_mismatch',
    ],
    [
      'wrong secret',
      stripeRequest(body, signStripePayload(body, 'whsec_x', T)),
      401,
      'signature_mismatch',
    ],
    [
      'stale',
      stripeRequest(body, signStripePayload(body, SECRET, T - 301)),
      401,
      'stale_timestamp',
    ],
    ['missing header', stripeRequest(body), 400, 'missing_signature'],
  ];
  for (const [name, req, status, error] of cases) {
    const { handler, calls } = payments();
    await assertError(await handler(req), status, error);
    assert.equal(calls.length, 0, name);
  }
});

Deno.test('payments webhook - the signature is checked before the body is parsed', async () => {
  const { handler, calls } = payments();
  // Not JSON and not signed: the answer is about the signature, not the JSON.
  await assertError(
    await handler(stripeRequest('{oops', signStripePayload('{other', SECRET, T))),
    401,
    'signature_mismatch',
  );
  // Not JSON but validly signed: now the body is parsed and rejected.
  await assertError(
    await handler(stripeRequest('{oops', signStripePayload('{oops', SECRET, T))),
    400,
    'invalid_payload',
  );
  assert.equal(calls.length, 0);
});

Deno.test('payments webhook - bodies over the cap: 413, by Content-Length or while streaming', async () => {
  const { handler, calls } = payments({ maxBodyBytes: 2048 });
  const big = stripeBody().padEnd(4096, ' ');
  const sig = signStripePayload(big, SECRET, T);
  await assertError(await handler(stripeRequest(big, sig)), 413, 'payload_too_large');
  // chunked, no Content-Length
  const chunks = [new Uint8Array(1500), new Uint8Array(1500)];
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks.shift();
      if (next) c.enqueue(next);
      else c.close();
    },
  });
  await assertError(await handler(stripeRequest(stream, sig)), 413, 'payload_too_large');
  assert.equal(calls.length, 0);
});

Deno.test('payments webhook - rate limited: 429 before the body is read; headers on success', async () => {
  let allow = false;
  const rateLimit: RateLimitFn = (route) => {
    assert.equal(route, 'payments-webhook');
    if (!allow) return Promise.reject(new TooManyRequests(7, { 'RateLimit-Limit': '50' }));
    return Promise.resolve({ 'RateLimit-Limit': '50', 'RateLimit-Remaining': '49' });
  };
  const { handler, calls } = payments({ rateLimit });
  const body = stripeBody();
  const limited = await handler(stripeRequest(body, signStripePayload(body, SECRET, T)));
  assert.equal(limited.headers.get('retry-after'), '7');
  assert.equal(limited.headers.get('ratelimit-limit'), '50');
  await assertError(limited, 429, 'rate_limited');
  assert.equal(calls.length, 0);

  allow = true;
  const ok = await handler(stripeRequest(body, signStripePayload(body, SECRET, T)));
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('ratelimit-remaining'), '49');
});

Deno.test('payments webhook - only POST: 405 with Allow', async () => {
  const { handler } = payments();
  const res = await handler(new Request('http://local/payments-webhook'));
  assert.equal(res.headers.get('allow'), 'POST');
  await assertError(res, 405, 'method_not_allowed');
});

// ---- messaging -----------------------------------------------------------------------------

function messaging() {
  const mem = memoryStore();
  const handler = createMessagingWebhookHandler({
    store: mem.store,
    verifyToken: VERIFY_TOKEN,
    appSecrets: [APP_SECRET],
    now: () => NOW,
  });
  return { ...mem, handler };
}

const whatsappBody = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [{
    id: '1022',
    changes: [{
      field: 'messages',
      value: {
        statuses: [
          { id: 'wamid.A', status: 'sent', timestamp: String(T - 9), recipient_id: '49151' },
          { id: 'wamid.A', status: 'delivered', timestamp: String(T - 3), recipient_id: '49151' },
        ],
      },
    }],
  }],
});

Deno.test('messaging webhook - GET handshake: challenge echoed for the right token, 403 otherwise', async () => {
  const { handler } = messaging();
  const ok = await handler(
    new Request(
      `http://local/messaging-webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=42`,
    ),
  );
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), '42');
  const bad = await handler(
    new Request(
      'http://local/messaging-webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=42',
    ),
  );
  await assertError(bad, 403, 'verification_failed');
});

Deno.test('messaging webhook - signed POST stores each status once; replay is a duplicate', async () => {
  const { handler, rows } = messaging();
  const req = () =>
    new Request('http://local/messaging-webhook', {
      method: 'POST',
      headers: { 'x-hub-signature-256': signWhatsAppPayload(whatsappBody, APP_SECRET) },
      body: whatsappBody,
    });
  const res = await handler(req());
  assert.deepEqual(await res.json(), { received: true, duplicate: false, events: 2, stored: 2 });
  assert.deepEqual([...rows.keys()], ['whatsapp:wamid.A:sent', 'whatsapp:wamid.A:delivered']);
  const again = await handler(req());
  assert.deepEqual(await again.json(), { received: true, duplicate: true, events: 2, stored: 0 });
});

Deno.test('messaging webhook - wrong or missing X-Hub-Signature-256: 4xx and nothing stored', async () => {
  const { handler, calls } = messaging();
  const post = (headers: Record<string, string>) =>
    handler(
      new Request('http://local/messaging-webhook', {
        method: 'POST',
        headers,
        body: whatsappBody,
      }),
    );
  await assertError(
    await post({ 'x-hub-signature-256': signWhatsAppPayload(whatsappBody, 'other') }),
    401,
    'signature_mismatch',
  );
  await assertError(await post({}), 400, 'missing_signature');
  assert.equal(calls.length, 0);
});

// ---- body and config -----------------------------------------------------------------------

Deno.test('readRawBody - returns the bytes exactly as sent (no text decoding)', async () => {
  const bytes = new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0xff, 0x00, 0x7d]);
  const got = await readRawBody(new Request('http://x', { method: 'POST', body: bytes }), 1024);
  assert.deepEqual(got, bytes);
});

Deno.test('webhook env - comma-separated secrets for rotation; missing variables are named', () => {
  const env = loadPaymentsWebhookConfig({ STRIPE_WEBHOOK_SECRETS: ' whsec_a , whsec_b ,' });
  assert.deepEqual(env.STRIPE_WEBHOOK_SECRETS, ['whsec_a', 'whsec_b']);
  assert.equal(env.STRIPE_WEBHOOK_TOLERANCE_SECONDS, 300);
  assert.equal(env.WEBHOOK_MAX_BODY_BYTES, 1024 * 1024);
  assert.throws(() => loadPaymentsWebhookConfig({}), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /STRIPE_WEBHOOK_SECRETS/);
    return true;
  });
  assert.throws(() => loadPaymentsWebhookConfig({ STRIPE_WEBHOOK_SECRETS: ' , ' }), /at least one/);
  assert.throws(
    () => loadMessagingWebhookConfig({ WHATSAPP_APP_SECRET: 'x' }),
    /WHATSAPP_VERIFY_TOKEN/,
  );
});
