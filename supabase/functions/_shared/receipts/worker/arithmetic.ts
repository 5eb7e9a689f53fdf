// Arithmetic between extracted fields. An extraction that contradicts itself (tax above the total,
// subtotal + tax not the total, line items adding up past the subtotal) has misread a number, so
// the fields involved lose confidence and the receipt goes to review instead of passing as done.
import { currencyExponent, toMinorUnits } from '../../money/minor-units.ts';
import type { ParsedReceipt, ReceiptField } from '../parser/types.ts';

export type ArithmeticIssue = {
  code: 'tax_exceeds_total' | 'subtotal_plus_tax_is_not_total' | 'line_items_exceed_subtotal';
  fields: ReceiptField[];
};

/** Confidence a contradicted field is capped at: below any sensible review threshold. */
export const CONTRADICTED_CONFIDENCE = 0.2;

/**
 * Cash rounding (to 0.05 of the major unit in many countries) and per-line rounding make small
 * differences normal: up to 5 hundredths of the major unit, at least one minor unit.
 */
function tolerance(exponent: number): number {
  return Math.max(1, Math.round(5 * 10 ** (exponent - 2)));
}

export function arithmeticIssues(p: ParsedReceipt): ArithmeticIssue[] {
  const exp = currencyExponent(p.currency);
  const units = (v: string | null) => toMinorUnits(v, exp);
  const total = units(p.total);
  const subtotal = units(p.subtotal);
  const tax = units(p.tax);
  const slack = tolerance(exp);
  const issues: ArithmeticIssue[] = [];
  if (tax !== null && total !== null && tax > total) {
    issues.push({ code: 'tax_exceeds_total', fields: ['tax', 'total'] });
  }
  // Tax-inclusive receipts print the total as the subtotal; either reading is consistent.
  if (
    subtotal !== null && tax !== null && total !== null &&
    Math.abs(subtotal + tax - total) > slack && Math.abs(subtotal - total) > slack
  ) {
    issues.push({ code: 'subtotal_plus_tax_is_not_total', fields: ['subtotal', 'tax', 'total'] });
  }
  // Missed lines make the sum smaller, which proves nothing; a sum above the subtotal (or the
  // total when there is none) means some amount was misread.
  const amounts = p.line_items.map((i) => units(i.amount));
  const cap = subtotal ?? total;
  if (cap !== null && amounts.length > 0 && amounts.every((a) => a !== null)) {
    const sum = (amounts as number[]).reduce((s, a) => s + a, 0);
    if (sum > cap + slack) {
      issues.push({
        code: 'line_items_exceed_subtotal',
        fields: ['line_items', subtotal !== null ? 'subtotal' : 'total'],
      });
    }
  }
  return issues;
}

/** The receipt with every contradicted field's confidence capped, and the issues found. */
export function checkArithmetic(
  p: ParsedReceipt,
): { parsed: ParsedReceipt; issues: ArithmeticIssue[] } {
  const issues = arithmeticIssues(p);
  if (issues.length === 0) return { parsed: p, issues };
  const confidence = { ...p.confidence };
  for (const field of new Set(issues.flatMap((i) => i.fields))) {
    confidence[field] = Math.min(confidence[field] ?? 0, CONTRADICTED_CONFIDENCE);
  }
  return { parsed: { ...p, confidence }, issues };
}
