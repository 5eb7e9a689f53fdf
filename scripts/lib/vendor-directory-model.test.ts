import assert from 'node:assert/strict';
import { applyVendorDirectory } from './vendor-directory-model.ts';

const r = (vendor: string | null, vendorConfidence: number, taxId: string | null) => ({
  vendor,
  vendorConfidence,
  taxId,
});

Deno.test('applyVendorDirectory - each shop takes its most confident reading, in any order', () => {
  const out = applyVendorDirectory([
    r('GARDEI KERIES', 0.5, '000381399040'),
    r('GARDENIA BAKERIES', 0.9, '000381399040'),
    r('GARDENI BAKERIES', 0.6, '000381399040'),
  ]);
  assert.deepEqual(out.map((x) => [x.vendor, x.vendorConfidence]), [
    ['GARDENIA BAKERIES', 0.9],
    ['GARDENIA BAKERIES', 0.9],
    ['GARDENIA BAKERIES', 0.9],
  ]);
});

Deno.test('applyVendorDirectory - other shops, missing ids and missing names are untouched', () => {
  const input = [
    r('CHEF LEE SDN BHD', 0.9, '001406865408'),
    r('GARDENIA BAKERIES', 0.9, '000381399040'),
    r('NO NUMBER SHOP', 0.2, null),
    r(null, 0, '000381399040'),
  ];
  const out = applyVendorDirectory(input);
  assert.deepEqual(out, input);
  assert.equal(out[2], input[2]); // unchanged readings are the same objects
});

Deno.test('applyVendorDirectory - an equally confident other reading does not replace one', () => {
  const out = applyVendorDirectory([
    r('ABC TRADING', 0.7, '123456789'),
    r('ABC TRAD1NG', 0.7, '123456789'),
  ]);
  assert.deepEqual(out.map((x) => x.vendor), ['ABC TRADING', 'ABC TRAD1NG']);
});
