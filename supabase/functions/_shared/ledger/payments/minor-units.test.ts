import assert from 'node:assert/strict';
import { InvalidAmount, minorUnitExponent, toMinorUnits } from './minor-units.ts';

Deno.test('minor units - two-decimal currencies scale by 100', () => {
  assert.equal(toMinorUnits('12.30', 'EUR'), 1230);
  assert.equal(toMinorUnits('600', 'EUR'), 60000);
  assert.equal(toMinorUnits(10.5, 'GBP'), 1050);
  assert.equal(toMinorUnits('-4.5', 'EUR'), -450);
});

Deno.test('minor units - zero- and three-decimal currencies follow ISO 4217', () => {
  assert.equal(minorUnitExponent('UGX'), 0);
  assert.equal(toMinorUnits('600', 'UGX'), 600);
  assert.equal(toMinorUnits('1.250', 'KWD'), 1250);
  assert.equal(toMinorUnits('0.1', 'usd'), 10);
});

Deno.test('minor units - sub-minor, malformed and huge amounts are refused, never rounded', () => {
  assert.throws(() => toMinorUnits('1.005', 'EUR'), InvalidAmount);
  assert.throws(() => toMinorUnits('1.5', 'JPY'), InvalidAmount);
  assert.throws(() => toMinorUnits('1e3', 'EUR'), InvalidAmount);
  assert.throws(() => toMinorUnits('', 'EUR'), InvalidAmount);
  assert.throws(() => toMinorUnits('99999999999999999', 'EUR'), InvalidAmount);
  assert.equal(toMinorUnits('1.500', 'EUR'), 150, 'trailing zeros are not extra precision');
});
