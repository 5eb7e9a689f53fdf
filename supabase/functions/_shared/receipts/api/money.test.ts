import assert from 'node:assert/strict';
import { presentMoney } from './money.ts';

Deno.test('money - totals (numeric(19,4) text) and line items (parser strings) share one format', () => {
  const money = presentMoney({
    currency: 'MYR',
    subtotal: '2.5000',
    tax: '0.1500',
    total: '2.6500',
    line_items: [{ description: 'TEA', quantity: '2', unit_price: '1.25', amount: '2.50' }],
  });
  assert.deepEqual(money, {
    currency: 'MYR',
    currency_minor_unit: 2,
    subtotal: 250,
    tax: 15,
    total: 265,
    line_items: [{ description: 'TEA', quantity: '2', unit_price: 125, amount: 250 }],
  });
});

Deno.test('money - the currency decides the minor unit; unknown currency means 2 digits', () => {
  assert.equal(
    presentMoney({ currency: 'JPY', subtotal: null, tax: null, total: '1200.0000', line_items: [] })
      .total,
    1200,
  );
  const bhd = presentMoney({
    currency: 'BHD',
    subtotal: null,
    tax: null,
    total: '1.2340',
    line_items: [],
  });
  assert.deepEqual([bhd.total, bhd.currency_minor_unit], [1234, 3]);
  const unknown = presentMoney({
    currency: null,
    subtotal: null,
    tax: null,
    total: '15.0000',
    line_items: null,
  });
  assert.deepEqual([unknown.total, unknown.currency_minor_unit, unknown.line_items], [1500, 2, []]);
});

Deno.test('money - missing or unreadable amounts are null, never NaN or a float', () => {
  const m = presentMoney({
    currency: 'USD',
    subtotal: null,
    tax: null,
    total: null,
    line_items: [{ description: 'X', quantity: null, unit_price: null, amount: 'n/a' }],
  });
  assert.deepEqual(m.line_items, [{
    description: 'X',
    quantity: null,
    unit_price: null,
    amount: null,
  }]);
});
