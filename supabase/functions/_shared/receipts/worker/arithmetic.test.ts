import assert from 'node:assert/strict';
import type { ParsedReceipt } from '../parser/types.ts';
import { arithmeticIssues, checkArithmetic, CONTRADICTED_CONFIDENCE } from './arithmetic.ts';

function receipt(over: Partial<ParsedReceipt>): ParsedReceipt {
  return {
    vendor: 'A SHOP',
    address: null,
    date: '2024-01-02',
    time: null,
    total: null,
    subtotal: null,
    tax: null,
    currency: 'USD',
    payment_method: null,
    tax_id: null,
    locale: null,
    line_items: [],
    confidence: {
      vendor: 0.9,
      address: 0,
      date: 0.9,
      time: 0,
      total: 0.95,
      subtotal: 0.9,
      tax: 0.9,
      currency: 0.9,
      payment_method: 0,
      tax_id: 0,
      locale: 0,
      line_items: 0.8,
    },
    ...over,
  };
}
const item = (amount: string) => ({ description: 'x', quantity: null, unit_price: null, amount });
const codes = (p: ParsedReceipt) => arithmeticIssues(p).map((i) => i.code);

Deno.test('arithmetic - tax above the total (tax 18.09, total 15.00): contradiction', () => {
  assert.deepEqual(codes(receipt({ tax: '18.09', total: '15.00' })), ['tax_exceeds_total']);
});

Deno.test('arithmetic - subtotal + tax = total, or tax-inclusive subtotal = total: consistent', () => {
  assert.deepEqual(codes(receipt({ subtotal: '10.00', tax: '0.60', total: '10.60' })), []);
  assert.deepEqual(codes(receipt({ subtotal: '10.60', tax: '0.60', total: '10.60' })), []);
  // cash rounding to 0.05 is not a contradiction
  assert.deepEqual(codes(receipt({ subtotal: '10.02', tax: '0.60', total: '10.60' })), []);
});

Deno.test('arithmetic - subtotal + tax off by more than rounding: contradiction', () => {
  assert.deepEqual(codes(receipt({ subtotal: '21.30', tax: '1.31', total: '23.25' })), [
    'subtotal_plus_tax_is_not_total',
  ]);
});

Deno.test('arithmetic - line items above the subtotal: contradiction; below it: missed lines, fine', () => {
  const items = [item('61.60'), item('1.20')];
  assert.deepEqual(codes(receipt({ subtotal: '59.31', total: '62.80', line_items: items })), [
    'line_items_exceed_subtotal',
  ]);
  assert.deepEqual(codes(receipt({ subtotal: '70.00', line_items: items })), []);
  // without a subtotal the total is the cap
  assert.deepEqual(codes(receipt({ total: '50.00', line_items: items })), [
    'line_items_exceed_subtotal',
  ]);
});

Deno.test('arithmetic - currency exponent: JPY has no minor digits, BHD three', () => {
  assert.deepEqual(
    codes(receipt({ currency: 'JPY', subtotal: '1000', tax: '100', total: '1100' })),
    [],
  );
  assert.deepEqual(
    codes(receipt({ currency: 'JPY', subtotal: '1000', tax: '100', total: '1102' })),
    [
      'subtotal_plus_tax_is_not_total',
    ],
  );
  assert.deepEqual(
    codes(receipt({ currency: 'BHD', subtotal: '1.000', tax: '0.100', total: '1.104' })),
    [],
  );
});

Deno.test('arithmetic - checkArithmetic caps only the contradicted fields', () => {
  const { parsed, issues } = checkArithmetic(receipt({ tax: '18.09', total: '15.00' }));
  assert.equal(issues.length, 1);
  assert.equal(parsed.confidence.total, CONTRADICTED_CONFIDENCE);
  assert.equal(parsed.confidence.tax, CONTRADICTED_CONFIDENCE);
  assert.equal(parsed.confidence.vendor, 0.9);
  const clean = receipt({ subtotal: '10.00', tax: '0.60', total: '10.60' });
  assert.equal(checkArithmetic(clean).parsed, clean);
});
