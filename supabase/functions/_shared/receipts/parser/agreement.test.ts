// readingsDisagree: when a page's readings agree on total and date, no further reading is needed.

import assert from 'node:assert/strict';
import type { OcrLine, OcrPage } from './ocr-types.ts';
import { readingsDisagree } from './agreement.ts';

function page(text: string, engine?: 'paddle' | 'tesseract'): OcrPage {
  const rows = text.trim().split('\n');
  const lines: OcrLine[] = rows.map((t, i) => ({
    text: t,
    confidence: 95,
    bbox: { left: 0.1, top: i / rows.length, width: 0.8, height: 0.5 / rows.length },
    words: [],
  }));
  return { width: 100, height: 100, lines, engine };
}

const RECEIPT = 'KEDAI RUNCIT CONTOH MAJU JAYA\nDate: 05/03/2018\nKOPI 4.00\nTOTAL 9.00';

Deno.test('readingsDisagree - readings alike on total and date agree, names may differ', () => {
  const p = {
    ...page(RECEIPT),
    alternatives: [page(RECEIPT, 'paddle'), page(RECEIPT.replace('KEDAI', 'KEDA1'), 'tesseract')],
  };
  assert.equal(readingsDisagree(p), false);
  // Asked about the vendor too, the slip in its name is still the same reading.
  assert.equal(readingsDisagree(p, ['total', 'date', 'vendor']), false);
});

Deno.test('readingsDisagree - another total, or a date one reading misses, is disagreement', () => {
  const other = { ...page(RECEIPT), alternatives: [page(RECEIPT.replace('9.00', '8.00'))] };
  assert.equal(readingsDisagree(other), true);
  const missing = {
    ...page(RECEIPT),
    alternatives: [page(RECEIPT.replace('Date: 05/03/2018', 'Date:'))],
  };
  assert.equal(readingsDisagree(missing), true);
  // Not on the page at all: no reading can settle it alone.
  assert.equal(readingsDisagree(page('KEDAI CONTOH\nKOPI 4.00')), true);
});
