import assert from 'node:assert/strict';
import { confusableSwap, digitAt, sameSwap, taxAtRate } from './misread-digits.ts';

Deno.test('confusableSwap - one look-alike digit differs', () => {
  assert.deepEqual(confusableSwap(8400n, 9400n), { place: 3, read: '8', printed: '9' });
  assert.deepEqual(confusableSwap(7630n, 7830n), { place: 2, read: '6', printed: '8' });
  assert.deepEqual(confusableSwap(1250n, 1260n), { place: 1, read: '5', printed: '6' });
});

Deno.test('confusableSwap - anything else is not a misreading', () => {
  assert.equal(confusableSwap(8400n, 7400n), null); // 7/8 do not look alike
  assert.equal(confusableSwap(8400n, 9500n), null); // two digits
  assert.equal(confusableSwap(840n, 9400n), null); // different lengths
  assert.equal(confusableSwap(8400n, 8400n), null);
  assert.equal(confusableSwap(0n, 800n), null);
});

Deno.test('sameSwap and digitAt', () => {
  const a = confusableSwap(8250n, 9250n);
  const b = confusableSwap(8400n, 9400n);
  assert.ok(a && b && sameSwap(a, b));
  const c = confusableSwap(9250n, 8250n); // the other way round
  assert.ok(a && c && !sameSwap(a, c));
  assert.equal(digitAt(9280n, 3), '9');
  assert.equal(digitAt(9280n, 1), '8');
  assert.equal(digitAt(5n, 2), '0');
});

Deno.test('taxAtRate - tax is base × rate rounded half up to the cent', () => {
  assert.ok(taxAtRate(7387n, 443n, [6])); // 4.4322
  assert.ok(taxAtRate(2025n, 122n, [6])); // 1.215 rounds up
  assert.ok(!taxAtRate(7387n, 444n, [6]));
  assert.ok(taxAtRate(10000n, 1000n, [6, 10]));
  assert.ok(!taxAtRate(0n, 0n, [6]));
});
