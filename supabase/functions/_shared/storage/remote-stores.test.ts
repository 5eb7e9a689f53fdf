// Supabase Storage and S3 stores against a recording fake fetch: the requests they send (the
// endpoints storage-js / S3 use) and how they read the answers.
import assert from 'node:assert/strict';
import { BlobNotFound } from './blob-store.ts';
import { s3BlobStore } from './s3.ts';
import { supabaseStorageBlobStore } from './supabase-storage.ts';

type Call = { method: string; url: string; headers: Headers; body: string };

function fakeFetch(answer: (call: Call) => Response) {
  const calls: Call[] = [];
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const call = {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: req.body ? await req.text() : '',
    };
    calls.push(call);
    return answer(call);
  }) as typeof fetch;
  return { fn, calls };
}

const supabase = (answer: (call: Call) => Response) => {
  const f = fakeFetch(answer);
  const store = supabaseStorageBlobStore({
    url: 'https://ref.supabase.co/',
    serviceRoleKey: 'service-key',
    bucket: 'receipts',
    fetch: f.fn,
  });
  return { store, calls: f.calls };
};

Deno.test('supabase storage - put POSTs the bytes with the service key and x-upsert', async () => {
  const { store, calls } = supabase(() => Response.json({ Key: 'receipts/o/u/a.jpg' }));
  await store.put('o/u/a.jpg', new Uint8Array([1, 2]), 'image/jpeg', { ifAbsent: true });
  assert.equal(calls[0].method, 'POST');
  assert.equal(calls[0].url, 'https://ref.supabase.co/storage/v1/object/receipts/o/u/a.jpg');
  assert.equal(calls[0].headers.get('authorization'), 'Bearer service-key');
  assert.equal(calls[0].headers.get('apikey'), 'service-key');
  assert.equal(calls[0].headers.get('x-upsert'), 'false');
  assert.equal(calls[0].headers.get('content-type'), 'image/jpeg');
});

Deno.test('supabase storage - put ifAbsent treats "Duplicate" (400 with statusCode 409) as done', async () => {
  const { store } = supabase(() =>
    Response.json({ statusCode: '409', error: 'Duplicate', message: 'exists' }, { status: 400 })
  );
  await store.put('o/u/a.jpg', new Uint8Array([1]), 'image/jpeg', { ifAbsent: true });
  await assert.rejects(store.put('o/u/a.jpg', new Uint8Array([1]), 'image/jpeg'), /409/);
});

Deno.test('supabase storage - get maps a missing object to BlobNotFound', async () => {
  const { store } = supabase(() =>
    Response.json({ statusCode: '404', error: 'not_found', message: 'Object not found' }, {
      status: 400,
    })
  );
  await assert.rejects(store.get('o/u/missing.jpg'), BlobNotFound);
});

Deno.test('supabase storage - delete sends the prefixes to the bucket endpoint', async () => {
  const { store, calls } = supabase(() => Response.json([]));
  await store.delete(['o/u/a.jpg', 'o/u/b.jpg']);
  assert.equal(calls[0].method, 'DELETE');
  assert.equal(calls[0].url, 'https://ref.supabase.co/storage/v1/object/receipts');
  assert.deepEqual(JSON.parse(calls[0].body), { prefixes: ['o/u/a.jpg', 'o/u/b.jpg'] });
});

Deno.test('supabase storage - signed upload URL from POST /object/upload/sign', async () => {
  const { store, calls } = supabase(() =>
    Response.json({ url: '/object/upload/sign/receipts/o/u/uploads/x?token=abc.def' })
  );
  const signed = await store.createSignedUpload('o/u/uploads/x', { expiresInSeconds: 900 });
  assert.equal(
    calls[0].url,
    'https://ref.supabase.co/storage/v1/object/upload/sign/receipts/o/u/uploads/x',
  );
  assert.equal(
    signed.url,
    'https://ref.supabase.co/storage/v1/object/upload/sign/receipts/o/u/uploads/x?token=abc.def',
  );
  assert.equal(signed.token, 'abc.def');
});

Deno.test('supabase storage - unsafe paths never reach the network', async () => {
  const { store, calls } = supabase(() => Response.json({}));
  await assert.rejects(store.get('../secrets'), /Unsafe storage path/);
  assert.equal(calls.length, 0);
});

const s3 = (answer: (call: Call) => Response) => {
  const f = fakeFetch(answer);
  const store = s3BlobStore({
    endpoint: 'https://s3.eu-west-1.amazonaws.com',
    region: 'eu-west-1',
    bucket: 'tallyq-receipts',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret',
    fetch: f.fn,
  });
  return { store, calls: f.calls };
};

Deno.test('s3 - put is a SigV4-signed PUT with If-None-Match for content-addressed writes', async () => {
  const { store, calls } = s3(() => new Response(null, { status: 200 }));
  await store.put('o/u/a.jpg', new Uint8Array([1]), 'image/jpeg', { ifAbsent: true });
  assert.equal(calls[0].method, 'PUT');
  assert.equal(calls[0].url, 'https://s3.eu-west-1.amazonaws.com/tallyq-receipts/o/u/a.jpg');
  assert.equal(calls[0].headers.get('if-none-match'), '*');
  assert.match(
    calls[0].headers.get('authorization') ?? '',
    /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//,
  );
});

Deno.test('s3 - 412 on an ifAbsent put means the object is already there', async () => {
  const { store } = s3(() => new Response('<Error/>', { status: 412 }));
  await store.put('o/u/a.jpg', new Uint8Array([1]), 'image/jpeg', { ifAbsent: true });
});

Deno.test('s3 - get 404 is BlobNotFound; exists follows HEAD', async () => {
  const { store } = s3((c) =>
    new Response(null, { status: c.url.endsWith('here.jpg') ? 200 : 404 })
  );
  await assert.rejects(store.get('o/u/gone.jpg'), BlobNotFound);
  assert.equal(await store.exists('o/u/here.jpg'), true);
  assert.equal(await store.exists('o/u/gone.jpg'), false);
});

Deno.test('s3 - signed upload is a presigned PUT URL with the requested expiry and signed size', async () => {
  const { store } = s3(() => new Response(null));
  const signed = await store.createSignedUpload('o/u/uploads/x', {
    expiresInSeconds: 600,
    sizeBytes: 1234,
  });
  const url = new URL(signed.url);
  assert.equal(url.pathname, '/tallyq-receipts/o/u/uploads/x');
  assert.equal(url.searchParams.get('X-Amz-Expires'), '600');
  // The exact size and single use (the URL can only create the object) are both signed, and the
  // response tells the client the headers.
  assert.equal(url.searchParams.get('X-Amz-SignedHeaders'), 'content-length;host;if-none-match');
  assert.deepEqual(signed.headers, { 'content-length': '1234', 'if-none-match': '*' });
  assert.ok(url.searchParams.get('X-Amz-Signature'));
  assert.equal(signed.token, url.searchParams.get('X-Amz-Signature'));
  assert.equal(store.requiresSize, true);
  await assert.rejects(
    store.createSignedUpload('o/u/uploads/y', { expiresInSeconds: 600 }),
    /needs the exact size/,
  );
});
