import assert from 'node:assert/strict';
import { errorResponse, Forbidden } from '../../http/errors.ts';
import { WebhookSignatureError } from './errors.ts';
import { extractWhatsAppEvents, parseJsonBody } from './events.ts';
import {
  signWhatsAppPayload,
  verifyWhatsAppSignature,
  whatsappVerifyHandshake,
} from './whatsapp-signature.ts';

const APP_SECRET = 'f3b1c2d4e5a6978812ab34cd56ef7890';
const NEXT_SECRET = '0a9b8c7d6e5f40312a3b4c5d6e7f8091';
const body = JSON.stringify({
  object: 'whatsapp_business_account',
  entry: [{
    id: '102290129340398',
    changes: [{
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
        contacts: [{ profile: { name: 'Ada' }, wa_id: '16505551234' }],
        messages: [{
          from: '16505551234',
          id: 'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
          timestamp: '1749416383',
          type: 'image',
          image: { id: '1003383421387256', mime_type: 'image/jpeg', sha256: 'abc' },
        }],
        statuses: [
          { id: 'wamid.OUT1', status: 'delivered', timestamp: '1749416390', recipient_id: '1' },
          { id: 'wamid.OUT1', status: 'read', timestamp: '1749416395', recipient_id: '1' },
        ],
      },
    }],
  }],
});
const raw = new TextEncoder().encode(body);

function rejects(fn: () => unknown, reason: string, status: number) {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof WebhookSignatureError, String(err));
    assert.equal(err.reason, reason);
    assert.equal(err.status, status);
    return true;
  });
}

Deno.test('whatsapp handshake - matching verify token: 200 echoing hub.challenge', async () => {
  const url = new URL(
    'http://localhost/wa?hub.mode=subscribe&hub.verify_token=tallyq-verify&hub.challenge=1158201444',
  );
  const res = whatsappVerifyHandshake(url, 'tallyq-verify');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), '1158201444');
});

Deno.test('whatsapp handshake - wrong token, wrong mode or no challenge: 403 JSON', async () => {
  for (
    const q of [
      'hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1',
      'hub.mode=unsubscribe&hub.verify_token=tallyq-verify&hub.challenge=1',
      'hub.mode=subscribe&hub.verify_token=tallyq-verify',
      '',
    ]
  ) {
    assert.throws(
      () => whatsappVerifyHandshake(new URL(`http://localhost/wa?${q}`), 'tallyq-verify'),
      Forbidden,
    );
  }
  let err: unknown;
  try {
    whatsappVerifyHandshake(new URL('http://localhost/wa'), 'tallyq-verify');
  } catch (e) {
    err = e;
  }
  const res = errorResponse(err);
  assert.equal(res.status, 403);
  assert.deepEqual(await res.json(), {
    error: 'verification_failed',
    message: 'Webhook verification failed',
  });
});

Deno.test('whatsapp signature - valid X-Hub-Signature-256 over the raw body: accepted', () => {
  const header = signWhatsAppPayload(raw, APP_SECRET);
  assert.match(header, /^sha256=[0-9a-f]{64}$/);
  verifyWhatsAppSignature({ rawBody: raw, header, appSecrets: [APP_SECRET] });
  verifyWhatsAppSignature({
    rawBody: raw,
    header: header.toUpperCase().replace('SHA256', 'sha256'),
    appSecrets: [APP_SECRET],
  });
});

Deno.test('whatsapp signature - tampered body or wrong secret: 401', () => {
  const header = signWhatsAppPayload(raw, APP_SECRET);
  rejects(
    () =>
      verifyWhatsAppSignature({
        rawBody: body.replace('Ada', 'Eve'),
        header,
        appSecrets: [APP_SECRET],
      }),
    'signature_mismatch',
    401,
  );
  rejects(
    () =>
      verifyWhatsAppSignature({
        rawBody: raw,
        header: signWhatsAppPayload(raw, 'not-the-app-secret'),
        appSecrets: [APP_SECRET],
      }),
    'signature_mismatch',
    401,
  );
});

Deno.test('whatsapp signature - missing or malformed header: 400', () => {
  rejects(
    () => verifyWhatsAppSignature({ rawBody: raw, header: null, appSecrets: [APP_SECRET] }),
    'missing_signature',
    400,
  );
  for (const header of ['sha1=abcd', 'sha256=xyz', signWhatsAppPayload(raw, APP_SECRET).slice(7)]) {
    rejects(
      () => verifyWhatsAppSignature({ rawBody: raw, header, appSecrets: [APP_SECRET] }),
      'invalid_signature_header',
      400,
    );
  }
});

Deno.test('whatsapp signature - rotated app secret accepted while both are configured', () => {
  const header = signWhatsAppPayload(raw, NEXT_SECRET);
  verifyWhatsAppSignature({ rawBody: raw, header, appSecrets: [APP_SECRET, NEXT_SECRET] });
  rejects(
    () => verifyWhatsAppSignature({ rawBody: raw, header, appSecrets: [APP_SECRET] }),
    'signature_mismatch',
    401,
  );
});

Deno.test('whatsapp events - one record per message and per status transition', () => {
  const events = extractWhatsAppEvents(parseJsonBody(raw));
  assert.deepEqual(
    events.map((e) => [e.event_id, e.event_type, e.occurred_at]),
    [
      [
        'wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=',
        'message.image',
        '2025-06-08T20:59:43.000Z',
      ],
      ['wamid.OUT1:delivered', 'status.delivered', '2025-06-08T20:59:50.000Z'],
      ['wamid.OUT1:read', 'status.read', '2025-06-08T20:59:55.000Z'],
    ],
  );
  assert.ok(events.every((e) => e.provider === 'whatsapp'));
  assert.equal(
    (events[0].payload.message as { image: { id: string } }).image.id,
    '1003383421387256',
  );
});

Deno.test('whatsapp events - fields without ids get a stable derived id', () => {
  const update = {
    object: 'whatsapp_business_account',
    entry: [{
      id: '1',
      time: 1749416400,
      changes: [{ field: 'message_template_status_update', value: { event: 'APPROVED' } }],
    }],
  };
  const [a] = extractWhatsAppEvents(update);
  const [b] = extractWhatsAppEvents(structuredClone(update));
  assert.equal(a.event_id, b.event_id);
  assert.match(a.event_id, /^message_template_status_update:[0-9a-f]{32}$/);
  assert.equal(a.occurred_at, '2025-06-08T21:00:00.000Z');
  assert.throws(() => extractWhatsAppEvents({ object: 'page' }), /Unexpected WhatsApp/);
});
