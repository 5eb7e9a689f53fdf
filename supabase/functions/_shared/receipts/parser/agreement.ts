// Whether a page's readings (each OCR engine's, and the merged one) agree on the fields that matter
// most, the total and the date. Where they do, one more reading would only confirm them: the local
// OCR engine reads a page a third time only where they do not (supabase/local/textract/ocr), which
// keeps its CPU per receipt within issue 13's budget (measured: 29 % of SROIE receipts re-read, and
// the same field scores as re-reading every page).

import type { OcrPage } from './ocr-types.ts';
import { parseReceipt } from './parse.ts';
import { sameReading } from './same-reading.ts';
import type { ReceiptField } from './types.ts';

/** The fields whose agreement is checked, by default. */
export const AGREEMENT_FIELDS = ['total', 'date'] as const;

/**
 * True when some reading of the page misses one of `fields` or reads it differently from the
 * others (up to a few OCR slips in names and addresses).
 */
export function readingsDisagree(
  page: OcrPage,
  fields: readonly Exclude<ReceiptField, 'line_items'>[] = AGREEMENT_FIELDS,
): boolean {
  const readings = [page.lines, ...(page.alternatives ?? []).map((a) => a.lines)]
    .map((lines) => parseReceipt(lines));
  return fields.some((f) => {
    const values = readings.map((r) => r[f]);
    const first = values[0];
    return first === null || values.some((v) => v === null || !sameReading(f, first, v));
  });
}
