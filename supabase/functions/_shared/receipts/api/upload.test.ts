import assert from 'node:assert/strict';
import { PayloadTooLarge } from '../../http/errors.ts';
import { countingStream } from '../../http/testing.ts';
import { MULTIPART_OVERHEAD_BYTES, readMultipartUpload, sanitizeFilename } from './upload.ts';

function multipartRequest(
  file: Uint8Array<ArrayBuffer> | null,
  extra: Record<string, string> = {},
) {
  const form = new FormData();
  if (file) form.set('file', new File([file], 'r.jpg', { type: 'image/jpeg' }));
  for (const [k, v] of Object.entries(extra)) form.set(k, v);
  return new Request('http://x/receipts', { method: 'POST', body: form });
}

Deno.test('multipart - returns the file and the text fields', async () => {
  const upload = await readMultipartUpload(
    multipartRequest(new Uint8Array([1, 2, 3]), { organisation_id: 'abc' }),
    10,
  );
  assert.equal(upload.file.size, 3);
  assert.equal(upload.file.name, 'r.jpg');
  assert.equal(upload.fields.get('organisation_id'), 'abc');
});

Deno.test('multipart - a file over the limit is a 413', async () => {
  await assert.rejects(
    readMultipartUpload(multipartRequest(new Uint8Array(11)), 10),
    PayloadTooLarge,
  );
});

Deno.test('multipart - a streamed body over limit + overhead is cut off with 413', async () => {
  const { stream, state } = countingStream(10_000, 1_024);
  const req = new Request('http://x/receipts', {
    method: 'POST',
    headers: { 'content-type': 'multipart/form-data; boundary=xyz' },
    body: stream,
  });
  await assert.rejects(readMultipartUpload(req, 1_024), PayloadTooLarge);
  assert.ok(state.pulled * 1_024 <= 1_024 + MULTIPART_OVERHEAD_BYTES + 4 * 1_024);
});

Deno.test('multipart - missing file field is a 400 missing_file', async () => {
  await assert.rejects(readMultipartUpload(multipartRequest(null, { x: '1' }), 10), {
    status: 400,
    code: 'missing_file',
  });
});

Deno.test('multipart - a JSON body is a 415', async () => {
  const req = new Request('http://x/receipts', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });
  await assert.rejects(readMultipartUpload(req, 10), { status: 415 });
});

Deno.test('filename - keeps ordinary names, including non-ASCII letters', () => {
  assert.equal(sanitizeFilename('receipt 2024-01.jpg'), 'receipt 2024-01.jpg');
  assert.equal(sanitizeFilename('Quittung Café.pdf'), 'Quittung Café.pdf');
});

Deno.test('filename - strips directories, traversal and leading dots', () => {
  assert.equal(sanitizeFilename('../../etc/passwd'), 'passwd');
  assert.equal(sanitizeFilename('C:\\Users\\me\\scan.png'), 'scan.png');
  assert.equal(sanitizeFilename('.htaccess'), 'htaccess');
  assert.equal(sanitizeFilename('..'), null);
});

Deno.test('filename - removes control and bidi characters and replaces reserved ones', () => {
  assert.equal(sanitizeFilename('a\u0000b\nc\u202egpj.exe'), 'abcgpj.exe');
  assert.equal(sanitizeFilename('what?<x>|"y".jpg'), 'what__x___y_.jpg');
  assert.equal(sanitizeFilename('  many    spaces  .jpg  '), 'many spaces .jpg');
});

Deno.test('filename - empty input gives null', () => {
  assert.equal(sanitizeFilename(''), null);
  assert.equal(sanitizeFilename(undefined), null);
  assert.equal(sanitizeFilename('\u0000\u0001'), null);
});

Deno.test('filename - long names are cut to 255 UTF-8 bytes keeping the extension', () => {
  const name = sanitizeFilename('é'.repeat(300) + '.jpeg');
  assert.ok(name);
  assert.ok(new TextEncoder().encode(name).length <= 255);
  assert.ok(name.endsWith('.jpeg'));
});
