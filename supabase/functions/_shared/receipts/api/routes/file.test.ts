// GET /receipts/<id>/file with injected fakes: the original bytes and type for members, 404 for
// anyone else, 304 on a matching ETag, and a clear 404 once retention deleted the file.
import assert from 'node:assert/strict';
import { createReceiptsHandler } from '../handler.ts';
import { fakeRepository, fakeVerifier, memoryBlobStore, userClaims } from '../testing.ts';
import { contentDisposition } from './file.ts';

const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';
const ORG = '10000000-0000-4000-8000-00000000a11c';
const BASE = 'http://api.test/functions/v1/receipts';
const BYTES = new Uint8Array([0x25, 0x50, 0x44, 0x46, 1, 2, 3]);

async function setup() {
  const repository = fakeRepository([{ id: ORG, personalOf: ALICE, members: [ALICE] }]);
  const store = memoryBlobStore();
  const path = `${ORG}/${ALICE}/${'b'.repeat(64)}.pdf`;
  await store.put(path, BYTES, 'application/pdf');
  const row = await repository.create({
    organisationId: ORG,
    ownerId: ALICE,
    storagePath: path,
    sha256: 'b'.repeat(64),
    contentType: 'application/pdf',
    sizeBytes: BYTES.length,
    filename: 'Facture été.pdf',
    idempotencyKey: null,
  });
  if (!row) throw new Error('setup');
  const handler = createReceiptsHandler({
    repository,
    store,
    verifier: fakeVerifier({ alice: userClaims(ALICE), bob: userClaims(BOB) }),
    config: {
      maxBytes: 1024,
      publicUrl: BASE,
      uploadSecret: 'x'.repeat(32),
      uploadUrlTtlSeconds: 9,
    },
    log: () => {},
  });
  const get = (token: string, headers: Record<string, string> = {}, id = row.id) =>
    handler(
      new Request(`${BASE}/${id}/file`, {
        headers: { authorization: `Bearer ${token}`, ...headers },
      }),
    );
  return { store, row, path, get };
}

Deno.test('file - a member gets the original bytes with their type, name and ETag', async () => {
  const { get } = await setup();
  const res = await get('alice');
  assert.equal(res.status, 200);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), BYTES);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.equal(res.headers.get('content-length'), String(BYTES.length));
  assert.equal(res.headers.get('etag'), `"${'b'.repeat(64)}"`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  assert.match(res.headers.get('content-disposition') ?? '', /^inline; filename="Facture _t_.pdf"/);
  assert.match(res.headers.get('access-control-expose-headers') ?? '', /etag/);
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
});

Deno.test('file - a matching If-None-Match: 304 without reading the store', async () => {
  const { store, get } = await setup();
  const res = await get('alice', { 'if-none-match': `W/"x", "${'b'.repeat(64)}"` });
  assert.equal(res.status, 304);
  assert.equal(await res.text(), '');
  assert.deepEqual(store.reads, []);
  assert.equal((await get('alice', { 'if-none-match': '"other"' })).status, 200);
});

Deno.test('file - someone else, an unknown or malformed id: 404, the store is not read', async () => {
  const { store, get } = await setup();
  for (
    const res of [
      await get('bob'),
      await get('alice', {}, crypto.randomUUID()),
      await get('alice', {}, 'nope'),
    ]
  ) {
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), {
      error: 'receipt_not_found',
      message: 'Receipt not found',
    });
  }
  assert.deepEqual(store.reads, []);
  assert.equal((await get('nobody')).status, 401);
});

Deno.test('file - the file is gone (retention): 404 receipt_file_not_found in words', async () => {
  const { store, path, get } = await setup();
  await store.delete([path]);
  const res = await get('alice');
  assert.equal(res.status, 404);
  const body = await res.json();
  assert.equal(body.error, 'receipt_file_not_found');
  assert.match(body.message, /no longer stored/);
});

Deno.test('file - Content-Disposition keeps an ASCII fallback and the UTF-8 name', () => {
  assert.equal(
    contentDisposition('a "b".jpg', 'id'),
    `inline; filename="a _b_.jpg"; filename*=UTF-8''a%20%22b%22.jpg`,
  );
  assert.equal(contentDisposition(null, 'id-1'), `inline; filename="id-1"; filename*=UTF-8''id-1`);
});
