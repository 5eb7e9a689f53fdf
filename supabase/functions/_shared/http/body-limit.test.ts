import assert from 'node:assert/strict';
import { assertContentLength, limitStream, readLimited } from './body-limit.ts';
import { PayloadTooLarge } from './errors.ts';
import { countingStream } from './testing.ts';

Deno.test('size limit - a body within the limit passes through unchanged', async () => {
  const { stream } = countingStream(4, 10);
  const bytes = await readLimited(limitStream(stream, 40), 1_000);
  assert.equal(bytes.length, 40);
});

Deno.test('size limit - stops reading and cancels the source once the limit is passed', async () => {
  const { stream, state } = countingStream(1_000, 1_024);
  let flagged = false;
  await assert.rejects(
    readLimited(limitStream(stream, 4 * 1_024, () => (flagged = true)), 10_000_000),
    PayloadTooLarge,
  );
  assert.equal(flagged, true);
  assert.ok(state.pulled <= 6, `pulled ${state.pulled} chunks of 1,000`);
  assert.equal(state.cancelled, true);
});

Deno.test('size limit - readLimited rejects with 413 without reading the rest', async () => {
  const { stream, state } = countingStream(1_000, 100);
  await assert.rejects(readLimited(stream, 250), (err: unknown) => {
    assert.ok(err instanceof PayloadTooLarge);
    assert.equal(err.status, 413);
    return true;
  });
  assert.ok(state.pulled <= 4);
  assert.equal(state.cancelled, true);
});

Deno.test('size limit - exactly the limit is accepted', async () => {
  const { stream } = countingStream(5, 10);
  assert.equal((await readLimited(stream, 50)).length, 50);
});

Deno.test('size limit - a declared Content-Length over the limit is refused before reading', () => {
  assert.throws(
    () => assertContentLength(new Headers({ 'content-length': '101' }), 100),
    PayloadTooLarge,
  );
  assertContentLength(new Headers({ 'content-length': '100' }), 100);
  assertContentLength(new Headers(), 100);
});
