// Receipt statuses in words, and which of them are still moving (worth polling).
import type { ReceiptStatus } from './types.ts';

const LABELS: Record<string, string> = {
  pending: 'Waiting',
  processing: 'Reading',
  ocr_done: 'Done',
  done: 'Done',
  needs_review: 'Needs review',
  failed: 'Failed',
};

export function statusLabel(status: ReceiptStatus | string): string {
  return LABELS[status] ?? status;
}

export function isInFlight(status: ReceiptStatus | string): boolean {
  return status === 'pending' || status === 'processing';
}

/** Below this a field is highlighted for review (stricter than the worker's review gate, 0.5 on vendor, date and total). */
export const LOW_CONFIDENCE = 0.7;

/** A field's confidence (0..1) in words, and whether it is low enough to highlight. */
export function confidenceNote(conf: number | null | undefined): { low: boolean; text: string } {
  if (typeof conf !== 'number' || Number.isNaN(conf)) {
    return { low: false, text: 'No confidence reported' };
  }
  const pct = Math.round(conf * 100);
  return conf < LOW_CONFIDENCE
    ? { low: true, text: `Low confidence, please check: ${pct}%` }
    : { low: false, text: `Confidence ${pct}%` };
}
