import assert from 'node:assert/strict';
import { ASYNC_DOCUMENT_MAX_BYTES, routeDocument, SYNC_MAX_BYTES } from './limits.ts';

Deno.test('limits - images within 10 MB go sync; PDFs and TIFFs always go async', () => {
  assert.deepEqual(routeDocument('image/jpeg', SYNC_MAX_BYTES), { path: 'sync' });
  assert.deepEqual(routeDocument('image/png', 1000), { path: 'sync' });
  assert.deepEqual(routeDocument('application/pdf', 1000), { path: 'async', wrapJpegInPdf: false });
  assert.deepEqual(routeDocument('image/tiff', 1000), { path: 'async', wrapJpegInPdf: false });
});

Deno.test('limits - a JPEG over 10 MB is wrapped in a PDF for the async API', () => {
  assert.deepEqual(routeDocument('image/jpeg', SYNC_MAX_BYTES + 1), {
    path: 'async',
    wrapJpegInPdf: true,
  });
});

Deno.test('limits - what Textract cannot take is refused with a reason', () => {
  const png = routeDocument('image/png', SYNC_MAX_BYTES + 1);
  assert.equal(png.path, 'refuse');
  assert.match(png.path === 'refuse' ? png.reason : '', /PNG images over 10 MB/);
  const pdf = routeDocument('application/pdf', ASYNC_DOCUMENT_MAX_BYTES + 1);
  assert.match(pdf.path === 'refuse' ? pdf.reason : '', /500 MB/);
  const webp = routeDocument('image/webp', 10);
  assert.match(webp.path === 'refuse' ? webp.reason : '', /not image\/webp/);
});
