// The S3 store against a real S3 implementation (s3rver behind the local SigV4 gate, started here
// on a free port): sizes by HEAD, conditional writes, and a presigned upload that S3 itself holds
// to the signed size.
import assert from 'node:assert/strict';
import { startLocalS3 } from '../../../local/s3/server.ts';
import { s3BlobStore } from './s3.ts';

const credentials = {
  accessKeyId: 'AKIAS3STORETEST00001',
  secretAccessKey: 's3-store-test-secret',
};
const sanitizer = { sanitizeOps: false, sanitizeResources: false };

async function withStore(fn: (store: ReturnType<typeof s3BlobStore>) => Promise<void>) {
  const directory = await Deno.makeTempDir({ prefix: 'tallyq-s3-' });
  const s3 = await startLocalS3({
    port: 0,
    directory,
    buckets: ['receipts'],
    credentials: new Map([[credentials.accessKeyId, credentials.secretAccessKey]]),
  });
  try {
    await fn(
      s3BlobStore({ endpoint: s3.url, region: 'us-east-1', bucket: 'receipts', ...credentials }),
    );
  } finally {
    await s3.close();
    await Deno.remove(directory, { recursive: true });
  }
}

Deno.test({
  name: 's3 store - size comes from HEAD without reading; a missing object has none',
  ...sanitizer,
  fn: () =>
    withStore(async (store) => {
      await store.put('o/u/a.jpg', new Uint8Array(300), 'image/jpeg');
      assert.equal(await store.size('o/u/a.jpg'), 300);
      assert.equal(await store.size('o/u/missing.jpg'), null);
      await store.put('o/u/a.jpg', new Uint8Array(5), 'image/jpeg', { ifAbsent: true });
      assert.equal(await store.size('o/u/a.jpg'), 300, 'ifAbsent kept the first object');
    }),
});

Deno.test({
  name: 's3 store - a presigned upload takes exactly the signed size and nothing larger',
  ...sanitizer,
  fn: () =>
    withStore(async (store) => {
      const signed = await store.createSignedUpload('o/u/uploads/x', {
        expiresInSeconds: 60,
        sizeBytes: 100,
      });
      // The signed headers but Content-Length, which fetch sets from the body.
      const { 'content-length': _, ...headers } = signed.headers ?? {};
      const larger = await fetch(signed.url, {
        method: 'PUT',
        headers,
        body: new Uint8Array(5000),
      });
      assert.equal(larger.status, 403);
      assert.match(await larger.text(), /SignatureDoesNotMatch/);
      assert.equal(await store.size('o/u/uploads/x'), null);
      const exact = await fetch(signed.url, { method: 'PUT', headers, body: new Uint8Array(100) });
      await exact.body?.cancel();
      assert.equal(exact.status, 200);
      assert.equal(await store.size('o/u/uploads/x'), 100);
    }),
});
