// Payments (Stripe scheme) and messaging (WhatsApp scheme) webhooks end to end on the running
// stack: signature on the raw bytes → stored once in webhook_events → pgmq message → pg_net kick →
// webhook-processor → order-safe projections. Every request carries its own client IP
// (cf-connecting-ip, which the rate limiter prefers), so the 50/min and 100/min per-IP limits only
// bite in the rate-limit test, which uses an IP of its own.
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { env, sql, waitFor } from '../support/stack.ts';

const FUNCTIONS = () => env('FUNCTIONS_URL');
const stripeSecrets = () => env('STRIPE_WEBHOOK_SECRETS').split(',').map((s) => s.trim());
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A fresh documentation-range IPv6 address: its own rate-limit bucket. */
const uniqueIp = () =>
  `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;
const hex = (secret: string, data: string) =>
  createHmac('sha256', secret).update(data).digest('hex');

function signStripe(body: string, secret = stripeSecrets()[0], t = nowSeconds()): string {
  return `t=${t},v1=${hex(secret, `${t}.${body}`)}`;
}

function stripeEvent(options: {
  id?: string;
  type?: string;
  created?: number;
  object?: Record<string, unknown>;
  data?: unknown;
} = {}) {
  const id = options.id ?? `evt_test_${randomUUID().replace(/-/g, '')}`;
  const body = JSON.stringify({
    id,
    object: 'event',
    api_version: '2024-06-20',
    type: options.type ?? 'payment_intent.succeeded',
    created: options.created ?? nowSeconds(),
    livemode: false,
    data: options.data ?? {
      object: options.object ??
        { id: `pi_${randomUUID().slice(0, 8)}`, object: 'payment_intent', status: 'succeeded' },
    },
  });
  return { id, body };
}

function postStripe(body: string, headers: Record<string, string | undefined> = {}) {
  const h = new Headers({ 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() });
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) h.delete(k);
    else h.set(k, v);
  }
  return fetch(`${FUNCTIONS()}/payments-webhook`, { method: 'POST', headers: h, body });
}

async function eventRows(provider: string, eventId: string) {
  return await sql`select * from public.webhook_events
    where provider = ${provider} and event_id = ${eventId}`;
}

/** Messages ever sent for a stored event: still queued, archived or dead-lettered. */
async function messagesFor(webhookEventId: string | number): Promise<number> {
  const [{ n }] = await sql`select
      (select count(*) from pgmq.q_webhook_events where message ->> 'webhook_event_id' = ${
    String(webhookEventId)
  })
    + (select count(*) from pgmq.a_webhook_events where message ->> 'webhook_event_id' = ${
    String(webhookEventId)
  })
    as n`;
  return Number(n);
}

function waitStatus(provider: string, eventId: string, status: string) {
  return waitFor(`${provider} event ${eventId} ${status}`, async () => {
    const [row] = await eventRows(provider, eventId);
    return row?.status === status ? row : null;
  }, 30_000);
}

async function expectJsonError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = await res.json();
  expect(body.error).toBe(error);
  expect(typeof body.message).toBe('string');
}

afterAll(async () => {
  await sql.end();
});

describe('payments webhook (Stripe signature scheme)', () => {
  it('valid signature: 200, stored once with one queue message, then processed', async () => {
    const { id, body } = stripeEvent();
    const res = await postStripe(body, { 'stripe-signature': signStripe(body) });

    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, events: 1, stored: 1 });
    const rows = await eventRows('stripe', id);
    expect(rows).toHaveLength(1);
    expect(rows[0].event_type).toBe('payment_intent.succeeded');
    expect(rows[0].signature_verified_at).toBeInstanceOf(Date);
    expect(await messagesFor(rows[0].id)).toBe(1);
    await waitStatus('stripe', id, 'processed');
  });

  it('the same delivery replayed: 200 duplicate, still one row and one queue message', async () => {
    const { id, body } = stripeEvent();
    const signature = signStripe(body);
    const first = await postStripe(body, { 'stripe-signature': signature });
    expect(first.status).toBe(200);

    const again = await postStripe(body, { 'stripe-signature': signature });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true, events: 1, stored: 0 });
    // a redelivery re-signed later (Stripe retries sign anew) is the same event
    const resigned = await postStripe(body, {
      'stripe-signature': signStripe(body, stripeSecrets()[0], nowSeconds() + 1),
    });
    expect((await resigned.json()).duplicate).toBe(true);

    const rows = await eventRows('stripe', id);
    expect(rows).toHaveLength(1);
    expect(await messagesFor(rows[0].id)).toBe(1);
  });

  it('rotation: a delivery signed with the second configured secret is accepted', async () => {
    expect(stripeSecrets().length).toBeGreaterThanOrEqual(2);
    const { id, body } = stripeEvent();
    const res = await postStripe(body, {
      'stripe-signature': signStripe(body, stripeSecrets()[1]),
    });
    expect(res.status).toBe(200);
    expect(await eventRows('stripe', id)).toHaveLength(1);
  });

  const rejected: [
    string,
    (e: { body: string }) => Record<string, string | undefined>,
    string | null,
    number,
    string,
  ][] = [
    [
      'tampered body',
      (e) => ({ 'stripe-signature': signStripe(e.body) }),
      'tamper',
      401,
      'signature_mismatch',
    ],
    [
      'wrong secret',
      (e) => ({ 'stripe-signature': signStripe(e.body, 'whsec_not_ours_0123456789') }),
      null,
      401,
      'signature_mismatch',
    ],
    [
      'stale timestamp (> 300 s)',
      (e) => ({ 'stripe-signature': signStripe(e.body, stripeSecrets()[0], nowSeconds() - 301) }),
      null,
      401,
      'stale_timestamp',
    ],
    [
      'missing Stripe-Signature header',
      () => ({ 'stripe-signature': undefined }),
      null,
      400,
      'missing_signature',
    ],
    [
      'malformed Stripe-Signature header',
      () => ({ 'stripe-signature': 'v1=abc' }),
      null,
      400,
      'invalid_signature_header',
    ],
  ];
  it.each(rejected)(
    '%s: 4xx JSON and nothing stored',
    async (_name, headers, mode, status, error) => {
      const e = stripeEvent();
      const sent = mode === 'tamper'
        ? e.body.replace('"livemode":false', '"livemode":true')
        : e.body;
      if (mode === 'tamper') expect(sent).not.toBe(e.body);
      await expectJsonError(await postStripe(sent, headers(e)), status, error);
      expect(await eventRows('stripe', e.id)).toHaveLength(0);
    },
  );

  it('signed but not JSON: 400 invalid_payload and nothing stored', async () => {
    const body = '{"id":"evt_broken",';
    await expectJsonError(
      await postStripe(body, { 'stripe-signature': signStripe(body) }),
      400,
      'invalid_payload',
    );
    expect(await eventRows('stripe', 'evt_broken')).toHaveLength(0);
  });

  it('a body over 1 MiB: 413 JSON and nothing stored', async () => {
    const id = `evt_big_${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify({
      id,
      type: 'x.y',
      created: nowSeconds(),
      pad: 'x'.repeat(1024 * 1024),
    });
    await expectJsonError(
      await postStripe(body, { 'stripe-signature': signStripe(body) }),
      413,
      'payload_too_large',
    );
    expect(await eventRows('stripe', id)).toHaveLength(0);
  });

  it('out of order: the newer event first, then an older one - the projection keeps the newer state', async () => {
    const objectId = `pi_ooo_${randomUUID().slice(0, 8)}`;
    const t = nowSeconds();
    const newer = stripeEvent({
      type: 'payment_intent.succeeded',
      created: t - 10,
      object: { id: objectId, object: 'payment_intent', status: 'succeeded', amount: 1999 },
    });
    const older = stripeEvent({
      type: 'payment_intent.created',
      created: t - 60,
      object: {
        id: objectId,
        object: 'payment_intent',
        status: 'requires_payment_method',
        amount: 1999,
      },
    });

    expect((await postStripe(newer.body, { 'stripe-signature': signStripe(newer.body) })).status)
      .toBe(200);
    await waitStatus('stripe', newer.id, 'processed');
    expect((await postStripe(older.body, { 'stripe-signature': signStripe(older.body) })).status)
      .toBe(200);
    await waitStatus('stripe', older.id, 'processed');

    const [obj] = await sql`select * from public.payment_objects where object_id = ${objectId}`;
    expect(obj.status).toBe('succeeded');
    expect(obj.last_event_id).toBe(newer.id);
    expect(obj.last_event_type).toBe('payment_intent.succeeded');
    expect(obj.last_event_at.getTime()).toBe((t - 10) * 1000);
    expect(obj.data.amount).toBe(1999);
  });

  it('in order: a later event replaces the object state', async () => {
    const objectId = `pi_ord_${randomUUID().slice(0, 8)}`;
    const t = nowSeconds();
    const first = stripeEvent({
      created: t - 30,
      object: { id: objectId, object: 'payment_intent', status: 'processing' },
    });
    const second = stripeEvent({
      created: t - 5,
      object: { id: objectId, object: 'payment_intent', status: 'succeeded' },
    });
    await postStripe(first.body, { 'stripe-signature': signStripe(first.body) });
    await waitStatus('stripe', first.id, 'processed');
    await postStripe(second.body, { 'stripe-signature': signStripe(second.body) });
    await waitStatus('stripe', second.id, 'processed');
    const [obj] =
      await sql`select status, last_event_id from public.payment_objects where object_id = ${objectId}`;
    expect(obj).toEqual({ status: 'succeeded', last_event_id: second.id });
  });
});

describe('webhook processor', () => {
  it('rejects calls without the worker secret', async () => {
    const res = await fetch(`${FUNCTIONS()}/webhook-processor`, { method: 'POST' });
    await expectJsonError(res, 401, 'unauthorized');
  });

  it('drains the queue on request and marks events processed', async () => {
    // Stored directly (as the webhook functions do): the trigger enqueues and kicks; an explicit
    // ?wait=1 drain then finds the queue settled or settles it itself.
    const eventId = `evt_direct_${randomUUID().slice(0, 8)}`;
    await sql`insert into public.webhook_events
      (provider, event_id, event_type, occurred_at, payload, signature_verified_at)
      values ('stripe', ${eventId}, 'customer.created', now(),
              ${
      sql.json({ id: eventId, data: { object: { id: `cus_${eventId}`, object: 'customer' } } })
    }, now())`;
    const res = await fetch(`${FUNCTIONS()}/webhook-processor?wait=1`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env('WORKER_SECRET')}` },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).stopped).toBe('empty');
    const row = await waitStatus('stripe', eventId, 'processed');
    expect(row.processed_at).toBeInstanceOf(Date);
    const [obj] =
      await sql`select object_type from public.payment_objects where object_id = ${`cus_${eventId}`}`;
    expect(obj.object_type).toBe('customer');
  });

  it('an event it cannot interpret is dead-lettered and marked failed', async () => {
    const e = stripeEvent({ data: 'not an object' });
    expect((await postStripe(e.body, { 'stripe-signature': signStripe(e.body) })).status).toBe(200);
    const row = await waitStatus('stripe', e.id, 'failed');
    expect(row.last_error).toMatch(/no data\.object/);
    const [{ n }] = await sql`select count(*)::int as n from pgmq.q_webhook_events_dlq
      where message ->> 'webhook_event_id' = ${String(row.id)}`;
    expect(n).toBe(1);
  });
});

describe('messaging webhook (WhatsApp scheme)', () => {
  const url = () => `${FUNCTIONS()}/messaging-webhook`;
  const appSecret = () => env('WHATSAPP_APP_SECRET').split(',')[0].trim();

  function statusDelivery(messageId: string, statuses: [string, number][]) {
    return JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [{
        id: '102290129340398',
        changes: [{
          field: 'messages',
          value: {
            messaging_product: 'whatsapp',
            metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
            statuses: statuses.map(([status, ts]) => ({
              id: messageId,
              status,
              timestamp: String(ts),
              recipient_id: '4915112345678',
            })),
          },
        }],
      }],
    });
  }

  function post(body: string, signature: string | undefined) {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'cf-connecting-ip': uniqueIp(),
    };
    if (signature !== undefined) headers['x-hub-signature-256'] = signature;
    return fetch(url(), { method: 'POST', headers, body });
  }
  const sign = (body: string, secret = appSecret()) => `sha256=${hex(secret, body)}`;

  it('handshake with the right verify token: 200 echoing hub.challenge', async () => {
    const q = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': env('WHATSAPP_VERIFY_TOKEN'),
      'hub.challenge': '1158201444',
    });
    const res = await fetch(`${url()}?${q}`, { headers: { 'cf-connecting-ip': uniqueIp() } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1158201444');
  });

  it('handshake with a wrong verify token: 403 JSON', async () => {
    const q = new URLSearchParams({
      'hub.mode': 'subscribe',
      'hub.verify_token': 'not-the-token',
      'hub.challenge': '1158201444',
    });
    const res = await fetch(`${url()}?${q}`, { headers: { 'cf-connecting-ip': uniqueIp() } });
    await expectJsonError(res, 403, 'verification_failed');
  });

  it('valid X-Hub-Signature-256: stored once per status, replay is a duplicate', async () => {
    const messageId = `wamid.${randomUUID()}`;
    const body = statusDelivery(messageId, [['sent', nowSeconds() - 20], [
      'delivered',
      nowSeconds() - 10,
    ]]);
    const res = await post(body, sign(body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: true, duplicate: false, events: 2, stored: 2 });
    const replay = await post(body, sign(body));
    expect(await replay.json()).toEqual({ received: true, duplicate: true, events: 2, stored: 0 });
    const rows = await sql`select event_id from public.webhook_events
      where provider = 'whatsapp' and event_id like ${messageId + ':%'} order by event_id`;
    expect(rows.map((r) => r.event_id)).toEqual([`${messageId}:delivered`, `${messageId}:sent`]);
  });

  it('invalid or missing X-Hub-Signature-256: 4xx JSON and nothing stored', async () => {
    const messageId = `wamid.${randomUUID()}`;
    const body = statusDelivery(messageId, [['sent', nowSeconds()]]);
    await expectJsonError(
      await post(body, sign(body, 'wrong-app-secret')),
      401,
      'signature_mismatch',
    );
    await expectJsonError(
      await post(body.replace('sent', 'read'), sign(body)),
      401,
      'signature_mismatch',
    );
    await expectJsonError(await post(body, undefined), 400, 'missing_signature');
    const rows = await sql`select 1 from public.webhook_events where event_id like ${
      messageId + ':%'
    }`;
    expect(rows).toHaveLength(0);
  });

  it('statuses only move forward: read, then a late delivered, leaves read', async () => {
    const messageId = `wamid.${randomUUID()}`;
    const t = nowSeconds();
    const read = statusDelivery(messageId, [['read', t - 5]]);
    expect((await post(read, sign(read))).status).toBe(200);
    await waitStatus('whatsapp', `${messageId}:read`, 'processed');
    const late = statusDelivery(messageId, [['delivered', t - 30]]);
    expect((await post(late, sign(late))).status).toBe(200);
    await waitStatus('whatsapp', `${messageId}:delivered`, 'processed');

    const [row] = await sql`select status, recipient_id, last_event_id from public.message_statuses
      where message_id = ${messageId}`;
    expect(row).toEqual({
      status: 'read',
      recipient_id: '4915112345678',
      last_event_id: `${messageId}:read`,
    });
  });
});

describe('rate limit', () => {
  it('payments webhook: 50 per minute per IP - the 51st is 429 with Retry-After and RateLimit-*', async () => {
    // Sliding window: crossing a minute boundary mid-burst lets the previous window's weight
    // decay (floor), so start the burst early in a window.
    const intoWindow = Date.now() % 60_000;
    if (intoWindow > 45_000) await new Promise((r) => setTimeout(r, 60_000 - intoWindow + 250));
    const ip = uniqueIp();
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 51; i++) {
      const { body } = stripeEvent();
      last = await postStripe(body, {
        'stripe-signature': signStripe(body),
        'cf-connecting-ip': ip,
      });
      statuses.push(last.status);
      if (i === 0) {
        expect(last.headers.get('ratelimit-limit')).toBe('50');
        expect(last.headers.get('ratelimit-remaining')).toBe('49');
      }
      if (i < 50) await last.body?.cancel();
    }
    expect(statuses.slice(0, 50).every((s) => s === 200)).toBe(true);
    expect(statuses[50]).toBe(429);
    const res = last as Response;
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(res.headers.get('ratelimit-limit')).toBe('50');
    expect(res.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(res.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect((await res.json()).error).toBe('rate_limited');

    // another client is not affected
    const { body } = stripeEvent();
    expect((await postStripe(body, { 'stripe-signature': signStripe(body) })).status).toBe(200);
  });
});
