import assert from 'node:assert/strict';
import { fixVendorWords, misreadDistance } from './vocabulary.ts';

Deno.test('fixVendorWords - misread business words are repaired in the case they were printed', () => {
  assert.equal(
    fixVendorWords('GARDENIA BAKERLES (KL) SDN BHD'),
    'GARDENIA BAKERIES (KL) SDN BHD',
  );
  assert.equal(fixVendorWords('Lim Hardwake Trading'), 'Lim Hardware Trading');
  assert.equal(fixVendorWords('SINAR ENTERPRlSE'), 'SINAR ENTERPRISE');
  assert.equal(fixVendorWords('RESTORAH WAN SHENG'), 'RESTORAN WAN SHENG');
  assert.equal(fixVendorWords('KEDAI RUNClT AH KOW'), 'KEDAI RUNCIT AH KOW');
});

Deno.test('fixVendorWords - brand words, short words and codes are left alone', () => {
  // Names that merely resemble a business word, short words and tokens with digits stay.
  for (
    const name of [
      'PARIS BAGUETTE SDN BHD',
      'UNIHAKKA INTERNATIONAL SDN BHD',
      'TEALIVE SHELL KEPONG',
      'CT281 TEALIVE',
      'HOTE CAFE',
      'CHECKERS HYPERMARKET SDN BHD',
    ]
  ) assert.equal(fixVendorWords(name), name);
});

Deno.test('misreadDistance - counts only plausible misreadings', () => {
  assert.equal(misreadDistance('JAIAN', 'JALAN'), 1); // I for L
  assert.equal(misreadDistance('SELANGO1', 'SELANGOR'), 1); // a digit inside letters
  assert.equal(misreadDistance('ELANGOR', 'SELANGOR'), 1); // first letter cut at the edge
  assert.equal(misreadDistance('JAXAN', 'JALAN'), Infinity); // X is no misreading of L
});
