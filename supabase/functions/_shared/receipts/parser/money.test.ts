import assert from 'node:assert/strict';
import {
  addMoney,
  compareMoney,
  detectCurrencies,
  fixOcrDigits,
  formatCents,
  multiplyMoney,
  normaliseMoney,
  parseMoney,
} from './money.ts';

Deno.test('parseMoney - plain, thousands and decimal-comma amounts parse to exact cents', () => {
  assert.equal(parseMoney('12.30'), 1230n);
  assert.equal(parseMoney('1,234.50'), 123450n);
  assert.equal(parseMoney('1.234,50'), 123450n);
  assert.equal(parseMoney('12,30'), 1230n);
  assert.equal(parseMoney('1,234'), 123400n);
  assert.equal(parseMoney('RM 9.90'), 990n);
  assert.equal(parseMoney('$0.05'), 5n);
});

Deno.test('parseMoney - negatives in the forms receipts print them', () => {
  assert.equal(parseMoney('-0.02'), -2n);
  assert.equal(parseMoney('0.02-'), -2n);
  assert.equal(parseMoney('(3.00)'), -300n);
});

Deno.test('parseMoney - more than two decimals round half up to cents', () => {
  assert.equal(parseMoney('1.0000'), 100n);
  assert.equal(parseMoney('0.125'), 13n);
  assert.equal(parseMoney('0.500'), 50n);
});

Deno.test('parseMoney - non-money text is rejected', () => {
  assert.equal(parseMoney('TOTAL'), null);
  assert.equal(parseMoney(''), null);
  assert.equal(parseMoney('12.3.4.5'), null);
});

Deno.test('fixOcrDigits - repairs letters inside numbers but leaves words alone', () => {
  assert.equal(fixOcrDigits('RM5O.00'), 'RM50.00');
  assert.equal(fixOcrDigits('Total:1O.OO'), 'Total:10.00');
  assert.equal(fixOcrDigits('O.95*1'), '0.95*1');
  assert.equal(fixOcrDigits('NO.59 JALAN'), 'NO.59 JALAN');
  assert.equal(fixOcrDigits('TOTAL'), 'TOTAL');
  assert.equal(fixOcrDigits('25.8S'), '25.85');
});

Deno.test('formatCents and arithmetic are exact (no float drift)', () => {
  assert.equal(formatCents(1230n), '12.30');
  assert.equal(formatCents(-5n), '-0.05');
  assert.equal(addMoney('0.10', '0.20'), '0.30');
  assert.equal(addMoney('23.58', '1.42', '-0.02'), '24.98');
  assert.equal(addMoney('1.00', 'abc'), null);
  assert.equal(compareMoney('10.00', '9.99'), 1);
  assert.equal(compareMoney('1,000.00', '1000'), 0);
  assert.equal(normaliseMoney('RM1,299.9'), '1299.90');
  assert.equal(multiplyMoney(133n, '3'), 399n);
  assert.equal(multiplyMoney(1099n, '1.306'), 1435n);
});

Deno.test('detectCurrencies - codes and symbols map to ISO 4217', () => {
  assert.ok(detectCurrencies('TOTAL RM 12.30').has('MYR'));
  assert.ok(detectCurrencies('Total RM12.30').has('MYR'));
  assert.ok(detectCurrencies('Summe 12,30 €').has('EUR'));
  assert.ok(detectCurrencies('Total £4.20').has('GBP'));
  assert.ok(detectCurrencies('合計 ¥1,200').has('JPY'));
  assert.ok(detectCurrencies('Amount SGD 5.00').has('SGD'));
  assert.ok(detectCurrencies('Total $5.00').has('$'));
  assert.equal(detectCurrencies('FORM 12').has('MYR'), false);
});
