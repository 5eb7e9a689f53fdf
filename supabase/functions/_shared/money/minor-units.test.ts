import assert from 'node:assert/strict';
import { currencyExponent, fromMinorUnits, toMinorUnits } from './minor-units.ts';

Deno.test('minor units - exponent from ISO 4217: USD/MYR 2, JPY 0, BHD 3, unknown 2', () => {
  assert.equal(currencyExponent('USD'), 2);
  assert.equal(currencyExponent('MYR'), 2);
  assert.equal(currencyExponent('JPY'), 0);
  assert.equal(currencyExponent('BHD'), 3);
  assert.equal(currencyExponent(null), 2);
  assert.equal(currencyExponent('not a code'), 2);
});

Deno.test('minor units - database numerics and parser strings give the same integer', () => {
  assert.equal(toMinorUnits('2.5000', 2), 250);
  assert.equal(toMinorUnits('2.5', 2), 250);
  assert.equal(toMinorUnits('1.25', 2), 125);
  assert.equal(toMinorUnits('15', 2), 1500);
  assert.equal(toMinorUnits('1200.0000', 0), 1200);
  assert.equal(toMinorUnits('1.2345', 3), 1235);
});

Deno.test('minor units - rounding half away from zero, negatives, and refusals', () => {
  assert.equal(toMinorUnits('0.005', 2), 1);
  assert.equal(toMinorUnits('0.0049', 2), 0);
  assert.equal(toMinorUnits('-0.045', 2), -5);
  assert.equal(toMinorUnits(null, 2), null);
  assert.equal(toMinorUnits('1,234.50', 2), null);
  assert.equal(toMinorUnits('abc', 2), null);
  assert.equal(toMinorUnits('99999999999999999999', 2), null);
});

Deno.test('minor units - fromMinorUnits writes the exact decimal and round-trips', () => {
  assert.equal(fromMinorUnits(1230, 2), '12.30');
  assert.equal(fromMinorUnits(5, 2), '0.05');
  assert.equal(fromMinorUnits(0, 2), '0.00');
  assert.equal(fromMinorUnits(1500, 0), '1500');
  assert.equal(fromMinorUnits(-5, 3), '-0.005');
  assert.equal(fromMinorUnits(Number.MAX_SAFE_INTEGER, 2), '90071992547409.91');
  for (const [units, exponent] of [[1, 2], [999, 3], [123456789, 4], [7, 0]]) {
    assert.equal(toMinorUnits(fromMinorUnits(units, exponent), exponent), units);
  }
  assert.throws(() => fromMinorUnits(1.5, 2), RangeError);
});
