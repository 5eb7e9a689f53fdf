// Total, subtotal and tax extraction: label reading and layouts. Each rule has the case it fixes
// and a near miss it must leave alone.
import assert from 'node:assert/strict';
import type { OcrLine } from './ocr-types.ts';
import { parseReceipt } from './parse.ts';

/** One OcrLine per text line, stacked top to bottom, 95% confident. */
function lines(text: string, conf = 95): OcrLine[] {
  const rows = text.trim().split('\n').map((r) => r.trim());
  return rows.map((t, i) => ({
    text: t,
    confidence: conf,
    bbox: { left: 0.1, top: i / rows.length, width: 0.8, height: 0.8 / rows.length },
    words: [],
  }));
}

/** OcrLines at given tops (fraction of the page), each 0.012 high. */
function placed(rows: [number, string][]): OcrLine[] {
  return rows.map(([top, text]) => ({
    text,
    confidence: 95,
    bbox: { left: 0.1, top, width: 0.8, height: 0.012 },
    words: [],
  }));
}

const SHOP = `
KEDAI RUNCIT MAJU JAYA
NO. 8, JALAN SUBANG JASA 3
40150 SHAH ALAM, SELANGOR
`;

Deno.test('total - an amount "incl. GST" beats one "excl. GST", garbled labels too', () => {
  const r = parseReceipt(lines(`${SHOP}
MTD PV AT G091: 230.60
AMT PAID InCI. GST: RM78.30
Amt Pald excl. G5T RM 73.87
TOTAL QTY: 10
GST Summary AMT(RM) TAX(RM)
(excl GST)
SR(6%) 73.87 4.43
TOTAL 73.87 4.43`));
  assert.equal(r.total, '78.30');
  assert.equal(r.subtotal, '73.87');
});

Deno.test('total - the TOTAL row of a GST summary table is not the total', () => {
  const r = parseReceipt(lines(`${SHOP}
Nasi Lemak 12.00
Teh Tarik 8.00
XQZW 21.20
CASH 50.00
CHANGE 28.80
GST Summary Amount(RM) Tax(RM)
SR @ 6% 20.00 1.20
TOTAL 20.00 1.20`));
  assert.equal(r.total, '21.20');
  assert.equal(r.tax, '1.20');
  // Near miss: a one-amount TOTAL line after the table is the receipt's total.
  const after = parseReceipt(lines(`${SHOP}
Nasi Lemak 12.00
Teh Tarik 8.00
GST Summary Amount(RM) Tax(RM)
SR @ 6% 20.00 1.20
TOTAL 21.20`));
  assert.equal(after.total, '21.20');
});

Deno.test('total - several label/amount pairs on one line each keep their own label', () => {
  const r = parseReceipt(lines(`${SHOP}
Coca-Cola 320ml 1.40
Whole Chicken 24.45
TOTAL SAVING: 0.00 TOTAL 25.85
MEMBER POINTS 25`));
  assert.equal(r.total, '25.85');
});

Deno.test('total - a bare amount takes the label level with it, above or below', () => {
  // Skewed scan: the amount's line sorts just above its own label line.
  const r = parseReceipt(placed([
    [0.1, 'KEDAI RUNCIT MAJU JAYA'],
    [0.12, 'NO. 8, JALAN SUBANG JASA 3'],
    [0.40, 'BUTASHOGA YAKI SET 19.90'],
    [0.42, 'ICED GREEN TEA 1.00'],
    [0.487, 'Rounding Adj:'],
    [0.501, '24.40'],
    [0.507, 'Total Amount :'],
    [0.590, '30.40'],
    [0.596, 'CASH'],
    [0.618, 'Change RM: 6.00-'],
  ]));
  assert.equal(r.total, '24.40');
  // Near miss: a label line far below an amount is not its label.
  const far = parseReceipt(placed([
    [0.1, 'KEDAI RUNCIT MAJU JAYA'],
    [0.40, 'BUTASHOGA YAKI SET 19.90'],
    [0.50, 'TOTAL 24.40'],
    [0.55, '50.00'],
    [0.60, 'TOTAL SAVINGS'],
  ]));
  assert.equal(far.total, '24.40');
});

Deno.test('total - the 5-sen rounded total below wins even when its labels are garbled', () => {
  const r = parseReceipt(lines(`${SHOP}
TOTAL INCL GST RM 8.11
FOUNDING ADJUSTMENT ~RM 0.01
POTAL ROUNDED RM 8.10
CASK RM 50.00
CHANGE RM 41.90`));
  assert.equal(r.total, '8.10');
  // Near miss: paid by card, nothing rounded.
  const card = parseReceipt(lines(`${SHOP}
TOTAL INCL GST RM 8.11
VISA RM 8.11
GST SUMMARY AMOUNT TAX
SR @6% 7.65 0.46`));
  assert.equal(card.total, '8.11');
});

Deno.test('total - tendered minus change is the total, whichever cash line is the tender', () => {
  const r = parseReceipt(lines(`${SHOP}
Hazelnut Coco -L 1 7.50 SR
Pearl 1 1.10
Total Sales Incl GST@6% RM 8 60
Cash 8.60
Tendered 9.00
Change 0.40
Code Amount Tax
SR @ 6% 8.12 0.48`));
  assert.equal(r.total, '8.60');
});

Deno.test('total - "GST included in total" states the tax, not the total', () => {
  const r = parseReceipt(lines(`${SHOP}
Total Incl. GST@6% RM 12.30
CASQ RM 50.00
CHANGE RM 37.70
GST @6% included in total RM 0.70`));
  assert.equal(r.total, '12.30');
  assert.equal(r.tax, '0.70');
});

Deno.test('total - with no total labelled at all, the subtotal is the total', () => {
  const r = parseReceipt(lines(`${SHOP}
KUO POH (2 PAX) 6.00
TONG HOU 10.00
MUTTAN SLICE 15.00
3 NO. OF HEAD (2 SET ABOVE) 60.00
Subtotal : 93.00`));
  assert.equal(r.total, '93.00');
  // Near miss: a labelled total after the subtotal stays the total.
  const taxed = parseReceipt(lines(`${SHOP}
MUTTAN SLICE 15.00
Subtotal : 93.00
SST 6% 5.58
TOTAL 98.58`));
  assert.equal(taxed.total, '98.58');
});

Deno.test('tax - "GST payable" is the tax; totals incl./excl. GST are not', () => {
  const r = parseReceipt(lines(`${SHOP}
Total (Excluding GST): 59.31
GST payable (6%) : 3.49
Total (Inclusive of GST): 62.80
Rounding 0.00
TOTAL: 62.80`));
  assert.equal(r.tax, '3.49');
  assert.equal(r.subtotal, '59.31');
  assert.equal(r.total, '62.80');
});
