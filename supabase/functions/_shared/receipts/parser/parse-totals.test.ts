// Total, subtotal and tax extraction: label reading, layouts and arithmetic repairs. Each rule has
// the case it fixes and a near miss it must leave alone.
import assert from 'node:assert/strict';
import type { OcrLine, OcrPage } from './ocr-types.ts';
import { parseReceipt, parseReceiptPage } from './parse.ts';

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

function page(merged: string, paddle: string, tess: string): OcrPage {
  return {
    width: 800,
    height: 1600,
    lines: lines(merged),
    engine: 'combined',
    alternatives: [
      { width: 800, height: 1600, lines: lines(paddle), engine: 'paddle' },
      { width: 800, height: 1600, lines: lines(tess, 70), engine: 'tesseract' },
    ],
  };
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

Deno.test('total - a count and the total on one line: the words after the count label it', () => {
  const r = parseReceipt(lines(`
ABC TRADING
Item A 12.20
Item B 12.20
TOTAL QTY: 2 TOTAL 24.40
THANK YOU
`));
  assert.equal(r.total, '24.40');
  // Near miss: a quantity line whose only words are its own label stays a quantity line.
  const qty = parseReceipt(lines(`
ABC TRADING
TOTAL 24.40
TOTAL QTY 2 30.00
`));
  assert.equal(qty.total, '24.40');
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

Deno.test('total - a total after a printed discount is the final one', () => {
  const r = parseReceipt(lines(`${SHOP}
Nasi Goreng 8.30
Teh Ais 4.00
Total Sales (Incl GST) 12.30
Discount 1.00
Total After Discount 11.30
Thank you`));
  assert.equal(r.total, '11.30');
  // Near miss: a smaller figure below that is not the total less the discount.
  const other = parseReceipt(lines(`${SHOP}
Nasi Goreng 8.30
Teh Ais 4.00
Total Sales (Incl GST) 12.30
Discount 1.00
Nett Amount 10.30
Thank you`));
  assert.equal(other.total, '12.30');
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

// Printed: excl. GST 73.87, GST 4.43 (6 %), incl. GST 78.30; the font's 8 is read as 6.
const MISREAD_INCL = `${SHOP}
PM BATHROOM CLEANER 26.70
BG HYDRATING SPA MASK 51.60
AMT PAID InCI. GST: RM76.30
Amt Pald excl. G5T RM 73.87
GST AMT: RM4.43
PAID BY: CC*7186: RM76.30
TOTAL QTY: 10
GST Summary AMT(RM) TAX(RM)
SR(6%) 73.87 4.43
TOTAL 73.87 4.43`;

Deno.test('total - one look-alike digit is repaired from subtotal + tax at the printed rate', () => {
  const r = parseReceipt(lines(MISREAD_INCL));
  assert.equal(r.total, '78.30');
  assert.equal(r.subtotal, '73.87');
  assert.equal(r.tax, '4.43');
});

Deno.test('total - no repair when tax is not the rate of the subtotal', () => {
  // 73.80 + 4.50 = 78.30 is one digit from 76.30, but 4.50 is not 6 % of 73.80: one of them, not
  // the total, may be the misread figure.
  const r = parseReceipt(lines(MISREAD_INCL.replace(/73\.87/g, '73.80').replace(/4\.43/g, '4.50')));
  assert.equal(r.total, '76.30');
});

Deno.test('total - no repair when something else printed among them explains the gap', () => {
  const r = parseReceipt(lines(`${SHOP}
Amt Paid excl. GST RM 73.87
GST AMT: RM4.43
VOUCHER RM2.00
AMT PAID incl. GST: RM76.30
PAID BY: CC*7186: RM76.30`));
  assert.equal(r.total, '76.30');
});

Deno.test('total - no repair of the last digit (5-sen rounding lives there)', () => {
  const r = parseReceipt(lines(`${SHOP}
AMT PAID incl. GST: RM78.38
Amt Paid excl. GST RM 73.87
GST AMT: RM4.43
PAID BY: CC*7186: RM78.38`));
  assert.equal(r.total, '78.38');
});

// Printed: items 25.00 + 25.00 + 42.50, SUB-TOTAL 92.50, GST 1.50, TOTAL 94.00; the font's 9 is
// read as 8 in the subtotal, total and cash lines.
const MISREAD_NINES = `${SHOP}
CASH
RECEIPT #: CS00633800
ITEM QTY U/P AMOUNT
2411882040 100 0.25 25.00
ZRL:IKAN BILIS KOPEK A++ 10G
24116823030 1 25.00 25.00
SR:TEPUNG JAGUNG CAP BINTANG 20X40
2411882303 1 42.50 42.50
ZRL:VITAMAS CARTON
TOTAL QUANTITY 102
SUB-TOTAL 82.50
DISC 0.00
GST 1.50
TAX 0.00
ROUNDING 0.00
TOTAL 84.00
CASH 84.00
CHANGE 0.00`;
const TESS_NINES = `${SHOP}
SUB-TOTAL 92.80
GST 4.80
TO 24.00
CASH 4.00`;

Deno.test('total - subtotal and total repaired from the line items when another engine agrees', () => {
  const r = parseReceiptPage(page(MISREAD_NINES, MISREAD_NINES, TESS_NINES));
  assert.equal(r.total, '94.00');
  assert.equal(r.subtotal, '92.50');
});

Deno.test('total - no item-sum repair without another engine reading the digit that way', () => {
  const tess = TESS_NINES.replace('92.80', '82.80');
  assert.equal(parseReceiptPage(page(MISREAD_NINES, MISREAD_NINES, tess)).total, '84.00');
  assert.equal(parseReceipt(lines(MISREAD_NINES)).total, '84.00');
});

Deno.test('total - no item-sum repair when a discount between items and subtotal explains it', () => {
  const merged = MISREAD_NINES.replace('TOTAL QUANTITY 102', 'TOTAL QUANTITY 102\nDISCOUNT 10.00');
  assert.equal(parseReceiptPage(page(merged, merged, TESS_NINES)).total, '84.00');
});

Deno.test('total - no item-sum repair when an item line does not add up', () => {
  const merged = MISREAD_NINES.replace('2411882040 100 0.25 25.00', '2411882040 100 0.20 25.00');
  assert.equal(parseReceiptPage(page(merged, merged, TESS_NINES)).total, '84.00');
});
