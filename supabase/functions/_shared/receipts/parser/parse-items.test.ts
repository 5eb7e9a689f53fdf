// Line items (issue 13, item 5): rules that make more receipts' items add up to their subtotal or
// total, each stated on made-up text.

import assert from 'node:assert/strict';
import type { OcrLine, OcrPage } from './ocr-types.ts';
import { parseReceipt, parseReceiptPage } from './parse.ts';

function lines(text: string, conf = 95): OcrLine[] {
  const rows = text.trim().split('\n').map((r) => r.trim());
  return rows.map((t, i) => ({
    text: t,
    confidence: conf,
    bbox: { left: 0.1, top: i / rows.length, width: 0.8, height: 0.7 / rows.length },
    words: [],
  }));
}

Deno.test('items - an "@RM 6.90" line is the unit price of the item above, not an item', () => {
  const r = parseReceipt(lines(`
RESTORAN CONTOH SDN BHD
Date: 05/03/2018
2 NASI GORENG 13.80
@RM 6.90
1 TEH O 2.00
TOTAL 15.80`));
  assert.deepEqual(
    r.line_items.map((i) => [i.description, i.quantity, i.unit_price, i.amount]),
    [['2 NASI GORENG', '2', '6.90', '13.80'], ['1 TEH O', null, null, '2.00']],
  );
});

Deno.test('items - a currency printed before the price column is not part of the description', () => {
  const r = parseReceipt(lines(`
KEDAI MAKAN CONTOH
Date: 05/03/2018
CENDOL RM 5.30
ROTI R M 2.00
TOTAL 7.30`));
  assert.deepEqual(r.line_items.map((i) => i.description), ['CENDOL', 'ROTI']);
});

Deno.test('items - the items come from the reading whose amounts add up to the total', () => {
  const page = (body: string, engine?: 'paddle' | 'tesseract'): OcrPage => ({
    width: 100,
    height: 100,
    engine,
    lines: lines(`KEDAI CONTOH\nDate: 05/03/2018\n${body}\nTOTAL 9.00`),
  });
  // The primary reading lost the second item's line; another engine read it.
  const primary = page('KOPI 4.00\nteh tarik');
  const other = page('KOPI 4.00\nTEH TARIK 5.00', 'tesseract');
  const r = parseReceiptPage({
    ...primary,
    alternatives: [{ ...page('KOPI 4.00'), engine: 'paddle' }, other],
  });
  assert.equal(r.total, '9.00');
  assert.deepEqual(r.line_items.map((i) => i.amount), ['4.00', '5.00']);
  // Its source lines are the primary reading's lines at the same height.
  assert.deepEqual(r.sources?.line_items, [2, 3]);
  // When no reading adds up, the primary's items stay.
  const none = parseReceiptPage({
    ...primary,
    alternatives: [{ ...page('KOPI 4.50'), engine: 'paddle' }],
  });
  assert.deepEqual(none.line_items.map((i) => i.amount), ['4.00']);
});

Deno.test('items - a price line under an item is its line total or unit price, by arithmetic', () => {
  const r = parseReceipt(lines(`
KEDAI CONTOH SDN BHD
Date: 05/03/2018
ALACARTE SUSHI 2.80
RM 2.80 2 0.00 RM5.60 SR
POTATO CHIPS BBQ RM4.90 S
2 X RM 2.45
KOPI O 3.10
RM 1.00
TOTAL 13.60`));
  assert.deepEqual(
    r.line_items.map((i) => [i.description, i.quantity, i.unit_price, i.amount]),
    [
      ['ALACARTE SUSHI', '2', '2.80', '5.60'],
      ['POTATO CHIPS BBQ', '2', '2.45', '4.90'],
      // 1.00 is no whole part of 3.10: not this item's price (and no item of its own).
      ['KOPI O', null, null, '3.10'],
    ],
  );
});

Deno.test('items - a tax code glued to a price ("5.20s") is no digit of it', () => {
  const r = parseReceipt(lines(`
KEDAI CONTOH SDN BHD
Date: 05/03/2018
183 MARJERIN 240G RM5.20s
COKE 1.5L RM5.98Z
TOTAL 11.18`));
  assert.deepEqual(r.line_items.map((i) => i.amount), ['5.20', '5.98']);
});

Deno.test('items - column heads read with slips and date lines are no items', () => {
  const r = parseReceipt(lines(`
KEDAI CONTOH SDN BHD
Tel: 03-1234 5678
ITEH QTY U/F DISC% AHOUNT 4.90
Date : 18/06/2018 18.00
SABUN 6.60
TOTAL 6.60`));
  assert.deepEqual(r.line_items.map((i) => [i.description, i.amount]), [['SABUN', '6.60']]);
});
