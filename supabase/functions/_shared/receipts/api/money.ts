// The receipts API's one money format: every amount (subtotal, tax, total, each line item's
// unit_price and amount) is an integer in the currency's minor units, and `currency_minor_unit`
// says how many decimal digits that is (ISO 4217: USD 2, JPY 0, BHD 3; 2 when the currency is
// unknown). 12.30 USD is `1230`; the client divides by 10 ** currency_minor_unit to display it.
import { currencyExponent, toMinorUnits } from '../../money/minor-units.ts';

export type MoneyFields = {
  currency: string | null;
  currency_minor_unit: number;
  subtotal: number | null;
  tax: number | null;
  total: number | null;
  line_items: Record<string, unknown>[];
};

export function presentMoney(row: {
  currency: string | null;
  subtotal: string | null;
  tax: string | null;
  total: string | null;
  line_items: unknown;
}): MoneyFields {
  const exponent = currencyExponent(row.currency);
  const units = (v: unknown) =>
    typeof v === 'string' || typeof v === 'number' ? toMinorUnits(String(v), exponent) : null;
  const items = Array.isArray(row.line_items) ? row.line_items : [];
  return {
    currency: row.currency,
    currency_minor_unit: exponent,
    subtotal: units(row.subtotal),
    tax: units(row.tax),
    total: units(row.total),
    line_items: items.map((item: Record<string, unknown>) => ({
      ...item,
      unit_price: units(item.unit_price),
      amount: units(item.amount),
    })),
  };
}
