import assert from 'node:assert/strict';
import {
  cleanJson,
  type FieldRecord,
  fitsDate,
  fitsMoney,
  fitsTime,
  fitToColumns,
  MAX_LINE_ITEMS,
} from './fit-columns.ts';

const good: FieldRecord = {
  vendor: 'Corner Cafe',
  address: '1 Main St',
  date: '2026-03-14',
  time: '09:26:53',
  currency: 'EUR',
  subtotal: '10.09',
  tax: '2.12',
  total: '12.21',
  payment_method: 'card',
  tax_id: 'GST000381399040',
  line_items: [{ description: 'Flat white', quantity: '1', unit_price: '3.40', amount: '3.40' }],
  confidence: { vendor: 0.9, date: 0.8, total: 0.95, tax: 0.7, subtotal: 0.7 },
  ocr_confidence: 0.95123,
};

Deno.test('fitToColumns - a receipt the columns hold: unchanged, nothing dropped', () => {
  const { fields, dropped } = fitToColumns(good);
  assert.deepEqual(dropped, []);
  assert.deepEqual(fields, { ...good, ocr_confidence: 0.9512 });
});

Deno.test('fitsMoney - numeric(19,4): 15 integer digits after rounding to 4 places', () => {
  assert.equal(fitsMoney('999999999999999.9999'), true);
  assert.equal(fitsMoney('-999999999999999.9999'), true);
  assert.equal(fitsMoney('1000000000000000'), false);
  assert.equal(fitsMoney('999999999999999.99995'), false, 'rounds up past the limit');
  assert.equal(fitsMoney('100000000000000000000.00'), false);
  assert.equal(fitsMoney('12.30'), true);
  assert.equal(fitsMoney('1e5'), false);
  assert.equal(fitsMoney('NaN'), false);
});

Deno.test('fitsDate - real calendar dates only, years 1..9999', () => {
  assert.equal(fitsDate('2024-02-29'), true);
  assert.equal(fitsDate('2023-02-29'), false);
  assert.equal(fitsDate('1900-02-29'), false);
  assert.equal(fitsDate('2000-02-29'), true);
  assert.equal(fitsDate('2026-02-30'), false);
  assert.equal(fitsDate('2026-04-31'), false);
  assert.equal(fitsDate('2026-13-01'), false);
  assert.equal(fitsDate('0000-01-01'), false);
  assert.equal(fitsDate('26-01-01'), false);
});

Deno.test('fitsTime - 24-hour times Postgres time accepts', () => {
  assert.equal(fitsTime('23:59'), true);
  assert.equal(fitsTime('09:26:53'), true);
  assert.equal(fitsTime('24:01'), false);
  assert.equal(fitsTime('12:60'), false);
  assert.equal(fitsTime('7pm'), false);
});

Deno.test('fitToColumns - values outside their domain are dropped with confidence 0', () => {
  const { fields, dropped } = fitToColumns({
    ...good,
    total: '100000000000000000000.00',
    date: '2026-02-30',
    time: '25:00',
    currency: 'RM',
    tax_id: 'no',
    vendor: 'x'.repeat(201),
  });
  assert.deepEqual(dropped.sort(), ['currency', 'date', 'tax_id', 'time', 'total', 'vendor']);
  for (const f of dropped) {
    assert.equal((fields as Record<string, unknown>)[f], null, `${f} is null`);
    assert.equal(fields.confidence[f], 0, `${f} has confidence 0`);
  }
  assert.equal(fields.subtotal, '10.09', 'the rest is kept');
  assert.equal(fields.confidence.subtotal, 0.7);
});

Deno.test('fitToColumns - a refund keeps its negative amounts', () => {
  const refund = { ...good, subtotal: '-4.70', tax: '-0.30', total: '-5.00' };
  const { fields, dropped } = fitToColumns(refund);
  assert.deepEqual(dropped, []);
  assert.deepEqual([fields.subtotal, fields.tax, fields.total], ['-4.70', '-0.30', '-5.00']);
});

Deno.test('fitToColumns - an amount against the total sign is dropped; zero agrees with both', () => {
  const { fields, dropped } = fitToColumns({
    ...good,
    subtotal: '4.70',
    tax: '0.00',
    total: '-5.00',
  });
  assert.deepEqual(dropped, ['subtotal']);
  assert.deepEqual([fields.subtotal, fields.tax, fields.total], [null, '0.00', '-5.00']);
  const noTotal = fitToColumns({ ...good, subtotal: '-4.70', tax: '0.30', total: null });
  assert.deepEqual(noTotal.dropped, ['tax']);
});

Deno.test('fitToColumns - NUL and unpaired surrogates never reach the database', () => {
  const { fields } = fitToColumns({
    ...good,
    vendor: 'Cafe\u0000 Bar\ud800',
    line_items: [{ description: 'Tea\u0000', quantity: null, unit_price: null, amount: '1.00' }],
  });
  assert.equal(fields.vendor, 'Cafe Bar');
  assert.equal(fields.line_items[0].description, 'Tea');
  assert.doesNotMatch(JSON.stringify(fields), /\\u0000|\\ud800/);
  assert.deepEqual(cleanJson<unknown>({ 'k\u0000': ['a\udc00b', 1, null] }), {
    k: ['ab', 1, null],
  });
  assert.equal(cleanJson('\ud83d\ude00'), '\ud83d\ude00', 'a paired surrogate (emoji) stays');
});

Deno.test('fitToColumns - line items: amounts that do not fit are nulled, the list is capped', () => {
  const many = Array.from({ length: MAX_LINE_ITEMS + 10 }, () => ({
    description: 'x',
    quantity: '1',
    unit_price: '1e99',
    amount: '99999999999999999999',
  }));
  const { fields } = fitToColumns({ ...good, line_items: many });
  assert.equal(fields.line_items.length, MAX_LINE_ITEMS);
  assert.deepEqual(fields.line_items[0], {
    description: 'x',
    quantity: '1',
    unit_price: null,
    amount: null,
  });
});

Deno.test('fitToColumns - confidences are numbers in 0..1; ocr_confidence fits numeric(5,4)', () => {
  const { fields } = fitToColumns({
    ...good,
    confidence: { vendor: 1.7, date: -1, total: Number.NaN, tax: 'high' as unknown as number },
    ocr_confidence: 1.5,
  });
  assert.deepEqual(fields.confidence, { vendor: 1, date: 0, total: 0, tax: 0 });
  assert.equal(fields.ocr_confidence, null);
});
