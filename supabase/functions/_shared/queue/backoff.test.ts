import assert from 'node:assert/strict';
import { backoffSeconds } from './backoff.ts';

Deno.test('backoffSeconds - exponential with full jitter, capped, at least one second', () => {
  assert.equal(backoffSeconds(1, 2, 60, () => 1), 2);
  assert.equal(backoffSeconds(4, 2, 60, () => 1), 16);
  assert.equal(backoffSeconds(10, 2, 60, () => 1), 60);
  assert.equal(backoffSeconds(3, 2, 60, () => 0), 1);
});
