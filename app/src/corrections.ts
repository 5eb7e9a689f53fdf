// Which fields a person may correct, and the request body for what they changed: only changed
// fields are sent, money as integer minor units (the receipt body's representation).
import { parseMinor } from './money.ts';
import type { Receipt, ReceiptFields } from './types.ts';

export type EditableField =
  | 'vendor'
  | 'vendor_address'
  | 'receipt_date'
  | 'receipt_time'
  | 'currency'
  | 'subtotal'
  | 'tax'
  | 'total'
  | 'payment_method';

/** `confidence`: the field's key in the receipt's field_confidence (the parser's names). */
export const FIELDS: {
  name: EditableField;
  label: string;
  confidence: string;
  type?: string;
  money?: boolean;
}[] = [
  { name: 'vendor', label: 'Vendor', confidence: 'vendor' },
  { name: 'vendor_address', label: 'Vendor address', confidence: 'address' },
  { name: 'receipt_date', label: 'Date', confidence: 'date', type: 'date' },
  { name: 'receipt_time', label: 'Time', confidence: 'time', type: 'time' },
  { name: 'currency', label: 'Currency (ISO code)', confidence: 'currency' },
  { name: 'subtotal', label: 'Subtotal', confidence: 'subtotal', money: true },
  { name: 'tax', label: 'Tax', confidence: 'tax', money: true },
  { name: 'total', label: 'Total', confidence: 'total', money: true },
  { name: 'payment_method', label: 'Payment method', confidence: 'payment_method' },
];

export type Diff =
  | { ok: true; fields: Partial<Record<EditableField, string | number | null>> }
  | { ok: false; field: EditableField; message: string };

/** Compares the form's values with the receipt; returns what changed or the first invalid field. */
export function diffFields(
  receipt: Pick<Receipt, 'fields'>,
  values: Partial<Record<EditableField, string>>,
): Diff {
  const out: Partial<Record<EditableField, string | number | null>> = {};
  const currency = (values.currency ?? receipt.fields.currency ?? '').trim().toUpperCase();
  const exp = receipt.fields.currency_minor_unit ?? 2;
  for (const f of FIELDS) {
    const raw = values[f.name];
    if (raw === undefined) continue;
    const text = raw.trim();
    const before = receipt.fields[f.name as keyof ReceiptFields];
    let next: string | number | null;
    if (f.money) {
      if (!text) next = null;
      else {
        next = parseMinor(text, exp);
        if (next === null) {
          return {
            ok: false,
            field: f.name,
            message: `${f.label}: enter an amount like 12.30 (at most ${exp} decimals).`,
          };
        }
      }
    } else if (f.name === 'currency') {
      if (text && !/^[A-Za-z]{3}$/.test(text)) {
        return {
          ok: false,
          field: f.name,
          message: 'Currency: enter a three-letter code such as EUR.',
        };
      }
      next = text ? currency : null;
    } else if (f.name === 'receipt_time') {
      next = text || null;
      const old = typeof before === 'string' ? before.slice(0, 5) : before;
      if ((next ?? null) === (old ?? null)) continue;
    } else {
      next = text || null;
    }
    if ((next ?? null) !== (before ?? null)) out[f.name] = next;
  }
  return { ok: true, fields: out };
}

/** A field's label for people ("receipt_date" → "Date"); unknown names as words. */
export function fieldLabel(name: string): string {
  return FIELDS.find((f) => f.name === name)?.label ??
    (name.charAt(0).toUpperCase() + name.slice(1)).replace(/_/g, ' ');
}
