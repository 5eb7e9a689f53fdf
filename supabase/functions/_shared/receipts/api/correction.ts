// A person's correction, from the API's representation to the database's: amounts arrive in
// minor units (as the receipt body gives them) and are stored as exact decimals of the currency
// the receipt will have (the corrected one when the currency is corrected too). Pure.
import { z } from 'npm:zod@^3.24.4';
import { BadRequest, HttpError } from '../../http/errors.ts';
import { currencyExponent, fromMinorUnits } from '../../money/minor-units.ts';
import { type CorrectionFields, correctionRequest } from './contract.ts';

const MONEY = new Set(['subtotal', 'tax', 'total']);

export const REVIEWABLE_STATUSES: readonly string[] = ['needs_review', 'ocr_done'];

/** The column values of `fields`; `currency` is the receipt's currency before the correction. */
export function correctionValues(
  fields: CorrectionFields,
  currency: string | null,
): Record<string, string | null> {
  const exponent = currencyExponent(fields.currency !== undefined ? fields.currency : currency);
  const values: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (value === null || (typeof value === 'string' && value === '')) values[name] = null;
    else if (MONEY.has(name)) values[name] = fromMinorUnits(value as number, exponent);
    else values[name] = String(value);
  }
  return values;
}

/** 422 naming the field a person got wrong. */
export function invalidField(field: string | null, message: string): HttpError {
  const text = field && !message.startsWith(`${field}:`) ? `${field}: ${message}` : message;
  return new HttpError(422, 'invalid_field', text);
}

/** Validates a parsed JSON body: the shape wrong is a 400, a field's value wrong a 422. */
export function parseCorrection(value: unknown): z.infer<typeof correctionRequest> {
  const parsed = correctionRequest.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const [top, field] = issue.path;
  if (top === 'fields' && typeof field === 'string') throw invalidField(field, issue.message);
  if (top === 'fields' && issue.code === 'unrecognized_keys') {
    throw invalidField(
      null,
      `${issue.keys.join(', ')}: not a field that can be corrected (vendor, vendor_address, ` +
        'vendor_tax_id, receipt_date, receipt_time, currency, subtotal, tax, total, payment_method)',
    );
  }
  const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
  throw new BadRequest(
    issue.code === 'unrecognized_keys'
      ? `Unknown property: ${issue.keys.join(', ')} (send {fields, confirm})`
      : `${where}${issue.message}`,
    'invalid_body',
  );
}
