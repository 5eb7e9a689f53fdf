// The correction body at the boundary: minor units to exact decimals in the right currency, and
// which mistakes are the request's shape (400) and which a field's value (422, naming it).
import assert from 'node:assert/strict';
import { HttpError } from '../../http/errors.ts';
import { correctionValues, parseCorrection } from './correction.ts';

function refusal(body: unknown): HttpError {
  try {
    parseCorrection(body);
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

Deno.test('correction - amounts in minor units become exact decimals of the receipt currency', () => {
  assert.deepEqual(correctionValues({ total: 1500, tax: 5 }, 'MYR'), {
    total: '15.00',
    tax: '0.05',
  });
  assert.deepEqual(correctionValues({ total: 1500 }, 'JPY'), { total: '1500' });
  assert.deepEqual(correctionValues({ total: 1500 }, 'BHD'), { total: '1.500' });
  assert.deepEqual(correctionValues({ total: 1500 }, null), { total: '15.00' });
});

Deno.test('correction - with a corrected currency, amounts are in the new currency', () => {
  assert.deepEqual(correctionValues({ currency: 'JPY', total: 1500 }, 'USD'), {
    currency: 'JPY',
    total: '1500',
  });
  assert.deepEqual(correctionValues({ currency: null, total: 1500 }, 'JPY'), {
    currency: null,
    total: '15.00',
  });
});

Deno.test('correction - null and empty text clear a field; other text passes as sent', () => {
  assert.deepEqual(
    correctionValues(
      parseCorrection({ fields: { vendor: '  Shop ', vendor_address: '', tax: null } }).fields,
      'EUR',
    ),
    { vendor: 'Shop', vendor_address: null, tax: null },
  );
});

Deno.test('correction - defaults: no fields, confirm true', () => {
  assert.deepEqual(parseCorrection({}), { fields: {}, confirm: true });
  assert.deepEqual(parseCorrection({ confirm: false, fields: { vendor: 'A' } }), {
    fields: { vendor: 'A' },
    confirm: false,
  });
});

Deno.test('correction - values are normalised: currency upper-cased, tax id without separators', () => {
  const { fields } = parseCorrection({
    fields: { currency: 'myr', vendor_tax_id: '0012-3456 78' },
  });
  assert.deepEqual(fields, { currency: 'MYR', vendor_tax_id: '001234567' + '8' });
});

Deno.test('correction - a field value that does not fit: 422 invalid_field naming the field', () => {
  const cases: [unknown, string][] = [
    [{ total: 12.5 }, 'total:'],
    [{ total: -1 }, 'total:'],
    [{ tax: '1.00' }, 'tax:'],
    [{ receipt_date: '2026-02-30' }, 'receipt_date: is not a calendar date'],
    [{ receipt_date: '14/03/2026' }, 'receipt_date: must be a date as YYYY-MM-DD'],
    [{ receipt_time: '24:00' }, 'receipt_time: must be a time as HH:MM or HH:MM:SS'],
    [{ currency: 'EURO' }, 'currency: must be an ISO 4217 code such as EUR'],
    [{ vendor: 'x'.repeat(201) }, 'vendor: must be at most 200 characters'],
    [{ vendor_tax_id: '12' }, 'vendor_tax_id: must be 6 to 24 letters and digits'],
    [{ colour: 'red' }, 'colour: not a field that can be corrected'],
  ];
  for (const [fields, message] of cases) {
    const err = refusal({ fields });
    assert.equal(err.status, 422, JSON.stringify(fields));
    assert.equal(err.code, 'invalid_field');
    assert.ok(err.message.startsWith(message), `${err.message} should start with ${message}`);
  }
});

Deno.test('correction - a body of the wrong shape: 400 invalid_body', () => {
  for (const body of [[], 'x', { fields: [] }, { confirm: 'yes' }, { field: { vendor: 'A' } }]) {
    const err = refusal(body);
    assert.equal(err.status, 400, JSON.stringify(body));
    assert.equal(err.code, 'invalid_body');
  }
  assert.match(refusal({ field: {} }).message, /Unknown property: field/);
});
