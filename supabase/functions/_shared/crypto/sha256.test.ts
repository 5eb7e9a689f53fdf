import assert from 'node:assert/strict';
import { sha256Hex } from './sha256.ts';

Deno.test('sha256Hex - matches the published test vector for "abc"', () => {
  assert.equal(
    sha256Hex('abc'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});

Deno.test('sha256Hex - bytes and the same text as a string hash alike', () => {
  assert.equal(sha256Hex(new TextEncoder().encode('receipt')), sha256Hex('receipt'));
  assert.equal(sha256Hex(new Uint8Array()), sha256Hex(''));
});
