// POST /receipts/<id>/corrections with injected fakes: who may correct, when, what reaches the
// repository (decimals, the currency it was converted with) and how the database's refusals are
// answered. End to end against Postgres: tests/e2e/webapp-api.test.ts.
import assert from 'node:assert/strict';
import { createReceiptsHandler } from '../handler.ts';
import { CorrectionConflict, InvalidCorrection, ReceiptNotReviewable } from '../repository.ts';
import { fakeRepository, fakeVerifier, memoryBlobStore, userClaims } from '../testing.ts';

const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';
const ORG = '10000000-0000-4000-8000-00000000a11c';
const BASE = 'http://api.test/functions/v1/receipts';

async function setup(status = 'needs_review') {
  const repository = fakeRepository([{ id: ORG, personalOf: ALICE, members: [ALICE] }]);
  const row = await repository.create({
    organisationId: ORG,
    ownerId: ALICE,
    storagePath: `${ORG}/${ALICE}/x.jpg`,
    sha256: 'a'.repeat(64),
    contentType: 'image/jpeg',
    sizeBytes: 10,
    filename: 'x.jpg',
    idempotencyKey: null,
  });
  if (!row) throw new Error('setup');
  Object.assign(row, { status, currency: 'MYR', total: '12.3000', vendor: 'SHOP' });
  const handler = createReceiptsHandler({
    repository,
    store: memoryBlobStore(),
    verifier: fakeVerifier({ alice: userClaims(ALICE), bob: userClaims(BOB) }),
    config: {
      maxBytes: 1024,
      publicUrl: BASE,
      uploadSecret: 'x'.repeat(32),
      uploadUrlTtlSeconds: 9,
    },
    log: () => {},
  });
  const correct = (body: unknown, token = 'alice', id = row.id) =>
    handler(
      new Request(`${BASE}/${id}/corrections`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  return { repository, row, correct, handler };
}

Deno.test('corrections - the owner corrects: 200 with the receipt as the API shows it', async () => {
  const { repository, row, correct } = await setup();
  const res = await correct({ fields: { vendor: 'Shop Ltd', total: 1500 } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const body = await res.json();
  assert.equal(body.id, row.id);
  assert.equal(body.status, 'ocr_done');
  assert.equal(body.fields.vendor, 'Shop Ltd');
  assert.equal(body.fields.total, 1500, 'money leaves in minor units, as it came in');
  assert.deepEqual(repository.corrections, [{
    receiptId: row.id,
    correction: {
      values: { vendor: 'Shop Ltd', total: '15.00' },
      confirm: true,
      moneyCurrency: 'MYR',
    },
  }]);
});

Deno.test('corrections - confirm false is passed on and keeps the status', async () => {
  const { repository, correct } = await setup();
  const res = await correct({ fields: { tax: 0 }, confirm: false });
  assert.equal(res.status, 200);
  assert.equal((await res.json()).status, 'needs_review');
  assert.equal(repository.corrections[0].correction.confirm, false);
});

Deno.test('corrections - someone who cannot see the receipt: 404, nothing stored', async () => {
  const { repository, correct } = await setup();
  const res = await correct({ fields: { vendor: 'X' } }, 'bob');
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: 'receipt_not_found', message: 'Receipt not found' });
  assert.equal((await correct({ fields: {} }, 'alice', 'not-a-uuid')).status, 404);
  assert.equal(repository.corrections.length, 0);
});

Deno.test('corrections - no token: 401', async () => {
  const { correct } = await setup();
  assert.equal((await correct({ fields: {} }, 'nobody')).status, 401);
});

for (const status of ['pending', 'processing', 'failed']) {
  Deno.test(`corrections - a ${status} receipt: 409 receipt_not_reviewable in words`, async () => {
    const { repository, correct } = await setup(status);
    const res = await correct({ fields: { vendor: 'X' } });
    assert.equal(res.status, 409);
    const body = await res.json();
    assert.equal(body.error, 'receipt_not_reviewable');
    assert.match(body.message, status === 'failed' ? /could not be read/ : /still being read/);
    assert.equal(repository.corrections.length, 0);
  });
}

Deno.test('corrections - invalid JSON: 400 invalid_body; a bad field: 422 naming it', async () => {
  const { correct } = await setup();
  const bad = await correct('{"fields":');
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error, 'invalid_body');
  const field = await correct({ fields: { total: '15.00' } });
  assert.equal(field.status, 422);
  const body = await field.json();
  assert.equal(body.error, 'invalid_field');
  assert.match(body.message, /^total: /);
});

Deno.test('corrections - the database refusals are answered as the API promises', async () => {
  const { repository, correct } = await setup();
  const cases: [Error, number, string, RegExp][] = [
    [new ReceiptNotReviewable('x'), 409, 'receipt_not_reviewable', /still being read/],
    [
      new InvalidCorrection('vendor_tax_id', 'vendor_tax_id: 6 to 24 letters and digits'),
      422,
      'invalid_field',
      /^vendor_tax_id: 6 to 24/,
    ],
    [new CorrectionConflict('x'), 409, 'receipt_changed', /reload it and try again/],
  ];
  for (const [error, status, code, message] of cases) {
    repository.correctionError = error;
    const res = await correct({ fields: { vendor: 'X' } });
    assert.equal(res.status, status, code);
    const body = await res.json();
    assert.equal(body.error, code);
    assert.match(body.message, message);
  }
  repository.correctionError = new Error('connection reset');
  const res = await correct({ fields: { vendor: 'X' } });
  assert.equal(res.status, 500);
  assert.equal((await res.json()).error, 'internal_error');
});

Deno.test('corrections - GET ?include=corrections lists what people changed', async () => {
  const { row, correct, handler } = await setup();
  await correct({ fields: { vendor: 'Shop Ltd' } });
  const get = (query: string) =>
    handler(
      new Request(`${BASE}/${row.id}?include=${query}`, {
        headers: { authorization: 'Bearer alice' },
      }),
    );
  const res = await get('events,corrections');
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.deepEqual(
    body.corrections.map((c: { field: string; new_value: string }) => [c.field, c.new_value]),
    [['vendor', 'Shop Ltd']],
  );
  assert.ok(Array.isArray(body.events));
  const unknown = await get('comments');
  assert.equal(unknown.status, 400);
  assert.match((await unknown.json()).message, /Unknown include: comments \(events, corrections\)/);
});
