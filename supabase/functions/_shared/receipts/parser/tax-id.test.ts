import assert from 'node:assert/strict';
import { findTaxId } from './tax-id.ts';

const id = (...texts: string[]) => findTaxId(texts.map((text) => ({ text, confidence: 95 })));

Deno.test('findTaxId - GST/SST/VAT numbers, labels glued or misread, letters for digits', () => {
  assert.equal(id('GST ID No : 000381399040')?.value, '000381399040');
  assert.equal(id('GSTID:000381399040')?.value, '000381399040'); // Paddle drops spaces
  assert.equal(id('GST 1D:001018802176')?.value, '001018802176'); // I read as 1
  assert.equal(id('GST REGISTRATION NO :OOO212623360')?.value, '000212623360');
  assert.equal(id('(GST ID No :000473792512)')?.value, '000473792512');
  assert.equal(id('VAT No. GB 123 4567 89')?.value, undefined); // a country prefix is no number
  assert.equal(id('VAT Reg No: 123 4567 89')?.value, '123456789');
});

Deno.test('findTaxId - a tax number wins over the company number, which is the fallback', () => {
  const hit = id(
    'GARDENIA BAKERIES (KL) SDN BHD (139386 X)',
    'Lot 3, Jalan Pelabur 23/1',
    'GST ID: 000381399040',
  );
  assert.deepEqual([hit?.value, hit?.line], ['000381399040', 2]);
  assert.equal(id('KEDAI PAPAN YEW CHUAN', '(0005583085-K)')?.value, '0005583085K');
  assert.equal(id('CO. REG. NO.:946207-D')?.value, '946207D');
});

Deno.test('findTaxId - amounts, phone numbers, dates and short numbers are not tax ids', () => {
  assert.equal(id('TOTAL GST 6% 4.43', 'TEL: 03-5542 3228', 'DATE 25/04/2017', 'GST 0.00'), null);
  assert.equal(id('TAX INVOICE No: 18287'), null);
});
