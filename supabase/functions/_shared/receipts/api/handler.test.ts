// Unit tests for the receipts routes with injected fakes (verifier, repository, blob store): the
// routing table, validation at the boundary, repeats and what is stored. The same API runs end to
// end against Postgres and storage in tests/e2e/receipts-api.test.ts.
import assert from 'node:assert/strict';
import { sha256Hex } from '../../crypto/sha256.ts';
import { TooManyRequests } from '../../http/errors.ts';
import { createReceiptsHandler, type ReceiptsApiDeps } from './handler.ts';
import { fakeRepository, fakeVerifier, memoryBlobStore, userClaims } from './testing.ts';

const ALICE = '00000000-0000-4000-8000-00000000a11c';
const BOB = '00000000-0000-4000-8000-000000000b0b';
const ALICE_ORG = '10000000-0000-4000-8000-00000000a11c';
const BOB_ORG = '10000000-0000-4000-8000-000000000b0b';
const SHARED_ORG = '10000000-0000-4000-8000-0000000005ad';
const URL_BASE = 'http://api.test/functions/v1/receipts';

function setup(over: Partial<ReceiptsApiDeps> = {}) {
  const repository = fakeRepository([
    { id: ALICE_ORG, personalOf: ALICE, members: [ALICE] },
    { id: BOB_ORG, personalOf: BOB, members: [BOB] },
    { id: SHARED_ORG, members: [ALICE, BOB] },
  ]);
  const store = memoryBlobStore();
  const handler = createReceiptsHandler({
    repository,
    store,
    verifier: fakeVerifier({
      alice: userClaims(ALICE),
      bob: userClaims(BOB),
      anon: userClaims('', 'anon'),
    }),
    config: {
      maxBytes: 1024,
      publicUrl: `${URL_BASE}/`,
      uploadSecret: 'x'.repeat(32),
      uploadUrlTtlSeconds: 900,
    },
    now: () => Date.parse('2026-01-01T00:00:00Z'),
    log: () => {},
    ...over,
  });
  return { repository, store, handler };
}

/** A (tiny) whole JPEG: start marker, distinct content, end-of-image marker. */
const jpeg = (tail: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...new TextEncoder().encode(tail), 0xff, 0xd9]);

function upload(
  token: string | null,
  bytes: Uint8Array<ArrayBuffer>,
  opts: { headers?: Record<string, string>; fields?: Record<string, string> } = {},
) {
  const form = new FormData();
  form.set('file', new File([bytes], 'shop receipt.jpg', { type: 'image/jpeg' }));
  for (const [k, v] of Object.entries(opts.fields ?? {})) form.set(k, v);
  return new Request(URL_BASE, {
    method: 'POST',
    body: form,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers },
  });
}

const get = (path: string, token = 'alice', method = 'GET') =>
  new Request(`${URL_BASE}${path}`, { method, headers: { authorization: `Bearer ${token}` } });

const postJson = (path: string, body: unknown, token = 'alice') =>
  new Request(`${URL_BASE}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  });

Deno.test('receipts routes - upload: 201 with Location, the blob at <org>/<user>/<sha256>.<ext>', async () => {
  const { handler, store, repository } = setup();
  const bytes = jpeg('one');
  const res = await handler(upload('alice', bytes));
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(res.headers.get('location'), `${URL_BASE}/${body.id}`);
  assert.equal(body.organisation_id, ALICE_ORG);
  assert.equal(body.sha256, sha256Hex(bytes));
  assert.equal(body.content_type, 'image/jpeg');
  assert.equal(body.size_bytes, bytes.length);
  assert.equal(body.original_filename, 'shop receipt.jpg');
  assert.deepEqual([...store.objects.keys()], [`${ALICE_ORG}/${ALICE}/${sha256Hex(bytes)}.jpg`]);
  assert.equal(repository.receipts.length, 1);
});

Deno.test('receipts routes - upload: the same file again is 200 with the same receipt, nothing new', async () => {
  const { handler, repository } = setup();
  const first = await (await handler(upload('alice', jpeg('same')))).json();
  const again = await handler(upload('alice', jpeg('same')));
  assert.equal(again.status, 200);
  assert.equal((await again.json()).id, first.id);
  assert.equal(repository.receipts.length, 1);
});

Deno.test('receipts routes - upload: an Idempotency-Key reused for another file is a 422', async () => {
  const { handler, repository } = setup();
  const key = { 'idempotency-key': 'k-1' };
  assert.equal((await handler(upload('alice', jpeg('a'), { headers: key }))).status, 201);
  const res = await handler(upload('alice', jpeg('b'), { headers: key }));
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error, 'idempotency_key_reused');
  assert.equal(repository.receipts.length, 1);
});

Deno.test('receipts routes - upload: a file that is not an image or PDF is a 415 and nothing is stored', async () => {
  const { handler, store, repository } = setup();
  const res = await handler(upload('alice', new TextEncoder().encode('just text')));
  assert.equal(res.status, 415);
  assert.equal((await res.json()).error, 'unsupported_file_type');
  assert.equal(store.objects.size, 0);
  assert.equal(repository.receipts.length, 0);
});

Deno.test('receipts routes - upload: into an organisation the caller is not in is a 404', async () => {
  const { handler, store } = setup();
  const res = await handler(upload('alice', jpeg('x'), { fields: { organisation_id: BOB_ORG } }));
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, 'organisation_not_found');
  assert.equal(store.objects.size, 0);
});

Deno.test('receipts routes - upload: a shared organisation named by header is used', async () => {
  const { handler } = setup();
  const res = await handler(
    upload('alice', jpeg('s'), { headers: { 'x-organisation-id': SHARED_ORG } }),
  );
  assert.equal(res.status, 201);
  assert.equal((await res.json()).organisation_id, SHARED_ORG);
});

Deno.test('receipts routes - callers: no token is 401, an API key (not a user) is 403', async () => {
  const { handler } = setup();
  const none = await handler(upload(null, jpeg('x')));
  assert.equal(none.status, 401);
  const anon = await handler(upload('anon', jpeg('x')));
  assert.equal(anon.status, 403);
  assert.equal((await anon.json()).error, 'insufficient_scope');
});

Deno.test('receipts routes - the rate limit: its headers pass through, its 429 stops the upload', async () => {
  const ok = setup({ rateLimit: () => Promise.resolve({ 'RateLimit-Remaining': '59' }) });
  const res = await ok.handler(upload('alice', jpeg('r')));
  assert.equal(res.headers.get('ratelimit-remaining'), '59');
  const limited = setup({ rateLimit: () => Promise.reject(new TooManyRequests(30)) });
  const denied = await limited.handler(upload('alice', jpeg('r')));
  assert.equal(denied.status, 429);
  assert.equal(denied.headers.get('retry-after'), '30');
  assert.equal(limited.repository.receipts.length, 0);
});

Deno.test('receipts routes - read: by id with events; another member sees a shared receipt, a stranger gets 404', async () => {
  const { handler } = setup();
  const mine = await (await handler(upload('alice', jpeg('p')))).json();
  const shared = await (await handler(
    upload('alice', jpeg('q'), { fields: { organisation_id: SHARED_ORG } }),
  )).json();
  const res = await handler(get(`/${mine.id}?include=events`));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.id, mine.id);
  assert.deepEqual(body.events.map((e: { event_type: string }) => e.event_type), ['uploaded']);
  assert.equal((await handler(get(`/${shared.id}`, 'bob'))).status, 200);
  const stranger = await handler(get(`/${mine.id}`, 'bob'));
  assert.equal(stranger.status, 404);
  assert.equal((await stranger.json()).error, 'receipt_not_found');
});

Deno.test('receipts routes - read: a malformed id or an unknown include is a 400', async () => {
  const { handler } = setup();
  assert.equal((await (await handler(get('/not-a-uuid'))).json()).error, 'invalid_id');
  const res = await handler(get(`/${crypto.randomUUID()}?include=secrets`));
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error, 'invalid_query');
});

Deno.test('receipts routes - list: newest first, paged by cursor until next_cursor is null', async () => {
  const { handler } = setup();
  const ids: string[] = [];
  for (const tail of ['1', '2', '3']) {
    ids.push((await (await handler(upload('alice', jpeg(tail)))).json()).id);
  }
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const q: string = `?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
    const page = await (await handler(get(q))).json();
    seen.push(...page.data.map((r: { id: string }) => r.id));
    cursor = page.next_cursor;
  } while (cursor);
  assert.deepEqual(seen, ids.reverse());
  assert.equal((await handler(get('?status=bogus'))).status, 400);
  assert.equal((await handler(get('?limit=0'))).status, 400);
});

Deno.test('receipts routes - signed upload: issue a URL, PUT the bytes, register: 201 and the staged bytes are dropped', async () => {
  const { handler, store } = setup();
  const issued = await handler(postJson('/uploads', {}));
  assert.equal(issued.status, 201);
  const grant = await issued.json();
  assert.ok(grant.upload_url.startsWith(`${URL_BASE}/uploads/`));
  assert.match(grant.path, new RegExp(`^${ALICE_ORG}/${ALICE}/uploads/[0-9a-f-]{36}$`));
  const bytes = jpeg('signed');
  const put = await handler(new Request(grant.upload_url, { method: 'PUT', body: bytes }));
  assert.equal(put.status, 200);
  const reg = await handler(
    postJson('/register', { path: grant.path, original_filename: 'r.jpg' }),
  );
  assert.equal(reg.status, 201);
  assert.equal((await reg.json()).sha256, sha256Hex(bytes));
  assert.equal(store.objects.get(grant.path)?.length, 0); // an empty tombstone: the URL is spent
  assert.ok(store.objects.has(`${ALICE_ORG}/${ALICE}/${sha256Hex(bytes)}.jpg`));
  // single-use: neither the PUT nor the register works a second time
  const again = await handler(new Request(grant.upload_url, { method: 'PUT', body: bytes }));
  assert.equal(again.status, 409);
  assert.equal((await again.json()).error, 'upload_url_used');
  assert.equal((await handler(postJson('/register', { path: grant.path }))).status, 409);
  assert.deepEqual(grant.headers, {}); // the local URL needs no extra header
  assert.deepEqual(grant.content_types, [
    'image/jpeg',
    'image/png',
    'image/tiff',
    'application/pdf',
  ]);
});

Deno.test('receipts routes - upload URLs carry the size: required where the URL signs it, never over the limit', async () => {
  const sizes: (number | undefined)[] = [];
  const { handler } = setup({
    signedUploads: {
      requiresSize: true,
      createSignedUpload: (_path, opts) => {
        sizes.push(opts.sizeBytes);
        return Promise.resolve({
          url: 'https://s3.test/put',
          token: 't',
          expiresAt: new Date(),
          headers: { 'content-length': String(opts.sizeBytes) },
        });
      },
    },
  });
  const missing = await handler(postJson('/uploads', {}));
  assert.equal(missing.status, 400);
  assert.match((await missing.json()).message, /size_bytes is required/);
  assert.equal((await handler(postJson('/uploads', { size_bytes: 1025 }))).status, 413);
  const ok = await handler(postJson('/uploads', { size_bytes: 700 }));
  assert.equal(ok.status, 201);
  const body = await ok.json();
  assert.equal(body.max_bytes, 700);
  assert.deepEqual(body.headers, { 'content-length': '700' });
  assert.deepEqual(sizes, [700]);
});

Deno.test('receipts routes - a local upload URL for a declared size takes no more than that', async () => {
  const { handler } = setup();
  const grant = await (await handler(postJson('/uploads', { size_bytes: 10 }))).json();
  const res = await handler(
    new Request(grant.upload_url, { method: 'PUT', body: jpeg('more than ten') }),
  );
  assert.equal(res.status, 413);
});

Deno.test('receipts routes - register: an oversized staged object is refused by its size, never read, and discarded', async () => {
  const { handler, store, repository } = setup();
  const grant = await (await handler(postJson('/uploads', {}))).json();
  // Put there directly, as a client could with a storage URL that did not enforce the limit.
  store.objects.set(grant.path, new Uint8Array(1025));
  const res = await handler(postJson('/register', { path: grant.path }));
  assert.equal(res.status, 413);
  assert.equal((await res.json()).error, 'payload_too_large');
  assert.deepEqual(store.reads, [], 'the object was never read into memory');
  // Discarded: replaced by the empty tombstone that keeps the upload URL single-use.
  assert.equal(store.objects.get(grant.path)?.length, 0);
  assert.equal(repository.receipts.length, 0);
});

Deno.test("receipts routes - signed upload: a tampered token is a 403; someone else's staged path is a 404", async () => {
  const { handler, repository } = setup();
  const grant = await (await handler(postJson('/uploads', {}))).json();
  // Change the signature's first character: all six of its bits are signature bits (the last
  // character of base64url also carries padding bits, so changing it may change nothing).
  const [payload, signature] = grant.token.split('.');
  const forged = `${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
  const tampered = grant.upload_url.replace(grant.token, forged);
  assert.equal(
    (await handler(new Request(tampered, { method: 'PUT', body: jpeg('t') }))).status,
    403,
  );
  await handler(new Request(grant.upload_url, { method: 'PUT', body: jpeg('t') }));
  const res = await handler(postJson('/register', { path: grant.path }, 'bob'));
  assert.equal(res.status, 404);
  assert.equal((await res.json()).error, 'upload_not_found');
  assert.equal(repository.receipts.length, 0);
});

Deno.test('receipts routes - routing: 404 for unknown paths, 405 with Allow, uploads is not an id', async () => {
  const { handler } = setup();
  const id = crypto.randomUUID();
  assert.equal((await handler(get(`/${id}/extra`))).status, 404);
  assert.equal((await handler(new Request('http://api.test/functions/v1/other'))).status, 404);
  const del = await handler(get(`/${id}`, 'alice', 'DELETE'));
  assert.equal(del.status, 405);
  assert.equal(del.headers.get('allow'), 'GET');
  const uploads = await handler(get('/uploads'));
  assert.equal(uploads.status, 405);
  assert.equal(uploads.headers.get('allow'), 'POST');
  assert.equal((await handler(get('', 'alice', 'DELETE'))).headers.get('allow'), 'GET, POST');
});

Deno.test('receipts routes - CORS: the preflight is 204 and every answer, errors included, carries the headers', async () => {
  const { handler } = setup();
  const pre = await handler(get('/anything/at/all', 'alice', 'OPTIONS'));
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get('access-control-allow-origin'), '*');
  const err = await handler(get('/not-a-uuid'));
  assert.equal(err.status, 400);
  assert.equal(err.headers.get('access-control-allow-origin'), '*');
  assert.match(err.headers.get('access-control-expose-headers') ?? '', /location/);
});
