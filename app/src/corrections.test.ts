import { describe, expect, it } from 'vitest';
import { diffFields, fieldLabel } from './corrections.ts';
import type { ReceiptFields } from './types.ts';

const fields: ReceiptFields = {
  vendor: 'SOME SHOP',
  vendor_address: null,
  receipt_date: '2026-03-14',
  receipt_time: '10:15:00',
  currency: 'EUR',
  currency_minor_unit: 2,
  subtotal: 1000,
  tax: 60,
  total: 1060,
  payment_method: null,
};

const same = {
  vendor: 'SOME SHOP',
  vendor_address: '',
  receipt_date: '2026-03-14',
  receipt_time: '10:15',
  currency: 'EUR',
  subtotal: '10.00',
  tax: '0.60',
  total: '10.60',
  payment_method: '',
};

describe('app - corrections body', () => {
  it('an unchanged form sends no fields (confirm only)', () => {
    expect(diffFields({ fields }, same)).toEqual({ ok: true, fields: {} });
  });

  it('sends only what changed, money as integer minor units', () => {
    const d = diffFields({ fields }, { ...same, vendor: ' Corrected Shop ', total: '10.70' });
    expect(d).toEqual({ ok: true, fields: { vendor: 'Corrected Shop', total: 1070 } });
  });

  it('clearing a field sends null', () => {
    expect(diffFields({ fields }, { ...same, tax: '' })).toEqual({
      ok: true,
      fields: { tax: null },
    });
  });

  it('currency codes are upper-cased; a bad code or amount names the field', () => {
    expect(diffFields({ fields }, { ...same, currency: 'myr' })).toEqual({
      ok: true,
      fields: { currency: 'MYR' },
    });
    const bad = diffFields({ fields }, { ...same, currency: 'euro' });
    expect(bad.ok === false && bad.field).toBe('currency');
    const amount = diffFields({ fields }, { ...same, total: '10.605' });
    expect(amount.ok === false && amount.field).toBe('total');
    expect(amount.ok === false && amount.message).toContain('Total');
  });
});

describe('app - field labels', () => {
  it('names fields as the form does, and unknown ones in words', () => {
    expect([fieldLabel('receipt_date'), fieldLabel('vendor_tax_id')]).toEqual([
      'Date',
      'Vendor tax id',
    ]);
  });
});
