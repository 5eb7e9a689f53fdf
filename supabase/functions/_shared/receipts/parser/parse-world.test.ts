// Receipts and invoices from outside Malaysia: the region a document points to decides ambiguous
// dates and its currency, invoices name their issuer under FROM, and a page without a header or a
// total gives null with confidence 0. Each case runs through parseReceipt and, where the rule also
// applies there, through fromAnalyzeExpense on Textract-shaped input.

import assert from 'node:assert/strict';
import type { OcrLine } from './ocr-types.ts';
import { fromAnalyzeExpense, parseReceipt } from './parse.ts';
import type { AnalyzeExpenseResponse, ExpenseField } from '../../textract/types.ts';

/** One OcrLine per text line, stacked top to bottom with a small gap, 95% confident. */
function lines(text: string): OcrLine[] {
  const rows = text.trim().split('\n').map((r) => r.trim());
  return rows.map((t, i) => ({
    text: t,
    confidence: 95,
    bbox: { left: 0.1, top: i / rows.length, width: 0.8, height: 0.7 / rows.length },
    words: [],
  }));
}

/** Textract AnalyzeExpense output: the given SummaryFields and the text as LINE blocks. */
function textract(fields: [string, string][], text: string): AnalyzeExpenseResponse {
  const summary: ExpenseField[] = fields.map(([type, value]) => ({
    Type: { Text: type, Confidence: 98 },
    ValueDetection: { Text: value, Confidence: 97 },
    PageNumber: 1,
  }));
  return {
    ExpenseDocuments: [{
      ExpenseIndex: 1,
      SummaryFields: summary,
      Blocks: lines(text).map((l, i) => ({
        BlockType: 'LINE',
        Id: `line-${i}`,
        Text: l.text,
        Confidence: 99,
        Geometry: {
          BoundingBox: {
            Left: l.bbox.left,
            Top: l.bbox.top,
            Width: l.bbox.width,
            Height: l.bbox.height,
          },
        },
      })),
    }],
  };
}

const US_RECEIPT = `
GREENLEAF GROCERY
500 W Lake Street
Minneapolis, MN 55408
(612) 555-0100
12/07/2019 4:18 PM
MILK 1 GAL 3.49
BREAD 4.29
SUBTOTAL 7.78
Sales Tax 6.25% 0.49
TOTAL $8.27
CASH $10.00
CHANGE $1.73
`;

const MY_RECEIPT = `
KEDAI RUNCIT MAJU SDN BHD
NO. 3, JALAN MAWAR 2, 43000 KAJANG, SELANGOR
GST ID: 000123456789
12/07/2019 16:18
MILO 3.49
TOTAL RM 8.27
`;

Deno.test('date - a US receipt (ZIP line, phone, $) reads 12/07/2019 as 7 December', () => {
  const r = parseReceipt(lines(US_RECEIPT));
  assert.equal(r.date, '2019-12-07');
  assert.equal(r.locale, 'en-US');
  assert.ok(r.confidence.locale >= 0.5, `locale confidence ${r.confidence.locale}`);
  assert.equal(r.currency, 'USD');
});

Deno.test('date - the same date on a Malaysian receipt is 12 July, whatever the caller locale', () => {
  const r = parseReceipt(lines(MY_RECEIPT), { locale: 'en-US' });
  assert.equal(r.date, '2019-07-12');
  assert.equal(r.locale, 'en-MY');
});

Deno.test('date - without any regional sign the caller locale decides, and no locale is guessed', () => {
  const text = 'CORNER SHOP\n05/03/2018\nTOTAL 10.00';
  assert.equal(parseReceipt(lines(text), { locale: 'en-US' }).date, '2018-05-03');
  const r = parseReceipt(lines(text));
  assert.equal(r.date, '2018-03-05');
  assert.equal(r.locale, null);
  assert.equal(r.confidence.locale, 0);
});

Deno.test("fromAnalyzeExpense - Textract's ambiguous date follows the document's region", () => {
  const us = fromAnalyzeExpense(textract([['INVOICE_RECEIPT_DATE', '12/07/2019']], US_RECEIPT));
  assert.equal(us.date, '2019-12-07');
  assert.equal(us.locale, 'en-US');
  const my = fromAnalyzeExpense(textract([['INVOICE_RECEIPT_DATE', '12/07/2019']], MY_RECEIPT));
  assert.equal(my.date, '2019-07-12');
});

Deno.test('tax - "Sales Tax 6.25% 9.06" and "HST 13% 117.00" are the tax, not a line item', () => {
  const r = parseReceipt(lines(US_RECEIPT));
  assert.equal(r.tax, '0.49');
  assert.equal(r.total, '8.27');
  assert.equal(r.subtotal, '7.78');
  assert.deepEqual(r.line_items.map((i) => i.amount), ['3.49', '4.29']);
  const ca = parseReceipt(lines('Subtotal 900.00\nHST 13% 117.00\nAmount Due CAD 1,017.00'));
  assert.equal(ca.tax, '117.00');
  assert.equal(ca.total, '1017.00');
  assert.equal(ca.currency, 'CAD');
  assert.equal(ca.time, null, '"6.25%" or "13%" is no time of day');
});

const INVOICE = `
[ LOGO ] INVOICE
FROM Invoice No: 2022-0147
Brightline Studio LLC Invoice Date: 05/14/2022
402 Market Street, Suite 210 Due Date: 06/13/2022
Philadelphia, PA 19106
(215) 555-0110
BILL TO
Northgate Property Group
17 Walnut Lane
Camden, NJ 08102
Logo refresh 1 85.00 85.00
Subtotal 85.00
Sales Tax 6.25% 5.31
TOTAL $90.31
`;

Deno.test("invoice - the vendor is the FROM block's company, not the title, logo or buyer", () => {
  const r = parseReceipt(lines(INVOICE));
  assert.equal(r.vendor, 'Brightline Studio LLC');
  assert.equal(r.address, '402 Market Street, Suite 210 Philadelphia, PA 19106');
  assert.equal(r.date, '2022-05-14');
  assert.equal(r.tax, '5.31');
  assert.equal(r.total, '90.31');
});

Deno.test('fromAnalyzeExpense - an invoice without VENDOR_NAME takes the FROM block', () => {
  const r = fromAnalyzeExpense(textract([['TOTAL', '$90.31'], ['TAX', '5.31']], INVOICE));
  assert.equal(r.vendor, 'Brightline Studio LLC');
  assert.equal(r.total, '90.31');
  assert.equal(r.tax, '5.31');
});

Deno.test('invoice - a buyer block above the FROM block is neither vendor nor address', () => {
  const r = parseReceipt(lines(`
TAX INVOICE
Invoice To:
Pinecrest Dental Clinic
55 Cedar Avenue
From:
Maple IT Services Inc.
900 King Street West
Toronto, ON M5V 1P7
Phone: (416) 555-0188
Invoice Date: 2023-02-09
Amount Due CAD 1,017.00`));
  assert.equal(r.vendor, 'Maple IT Services Inc');
  assert.equal(r.address, '900 King Street West Toronto, ON M5V 1P7');
  assert.equal(r.date, '2023-02-09');
});

const PARTIAL = `
CHICKEN ADOBO RICE BOWL P 145.00
1 @ 145.00
ICED TEA LARGE P 65.00
1 @ 65.00
LECHE FLAN P55.00
2 @ 27.50
BOTTLED WATER P 25.00
`;

Deno.test('partial receipt - no header and no total: vendor and total are null with confidence 0', () => {
  const r = parseReceipt(lines(PARTIAL));
  assert.equal(r.vendor, null);
  assert.equal(r.confidence.vendor, 0);
  assert.equal(r.total, null);
  assert.equal(r.confidence.total, 0);
  assert.equal(r.address, null);
  assert.equal(r.date, null);
  assert.equal(r.currency, 'PHP', 'amounts behind a bare P are pesos');
  assert.equal(r.locale, 'en-PH');
});

Deno.test('fromAnalyzeExpense - the partial receipt stays null through the Textract path', () => {
  const r = fromAnalyzeExpense(textract([], PARTIAL));
  assert.equal(r.vendor, null);
  assert.equal(r.total, null);
  assert.equal(r.confidence.total, 0);
  assert.equal(r.currency, 'PHP');
});

Deno.test('partial receipt - the foot of a receipt keeps its total, still without a vendor', () => {
  const r = parseReceipt(
    lines('SPINACH 5 OZ 4.99\nYOGURT 5.49\nSUBTOTAL 10.48\nTAX 0.00\nTOTAL 10.48'),
  );
  assert.equal(r.vendor, null);
  assert.equal(r.total, '10.48');
});

Deno.test('currency - ¥ before amounts with cents is no yen (yen has no cents)', () => {
  const r = parseReceipt(lines('NOODLE HOUSE\nRAMEN ¥ 45.50\nTOTAL ¥ 45.50'));
  assert.notEqual(r.currency, 'JPY');
  assert.equal(parseReceipt(lines('NOODLE HOUSE\nRAMEN ¥ 980\nTOTAL ¥ 980 JPY')).currency, 'JPY');
});

const LOT_RECEIPT = `
CONTOH SERVICE STATION SIN BHD
Company No :123456-W
LOT 26151 BANDAR CONTOH
11 1/4 MILES CHERAS
43000 KAJANG, SELANGOR
Date: 05/03/2018
ALACARTE SUSHI 2.80
RM 2.80 2 0.00 RM5.60 SR
NET TOTAL : 19 80
`;

Deno.test('fromAnalyzeExpense - the rules for unseen shops hold on Textract LINE blocks too', () => {
  // Textract gave no vendor, address, total or line items: all come from its LINE blocks.
  const r = fromAnalyzeExpense(textract([['INVOICE_RECEIPT_DATE', '05/03/2018']], LOT_RECEIPT));
  assert.equal(r.vendor, 'CONTOH SERVICE STATION SDN BHD');
  assert.equal(r.address, 'LOT 26151 BANDAR CONTOH 11 1/4 MILES CHERAS 43000 KAJANG, SELANGOR');
  assert.equal(r.total, '19.80');
  assert.deepEqual(
    r.line_items.map((i) => [i.description, i.quantity, i.unit_price, i.amount]),
    [['ALACARTE SUSHI', '2', '2.80', '5.60']],
  );
  // Textract's own fields still win where it gave them.
  const t = fromAnalyzeExpense(
    textract([['TOTAL', '19.90'], ['VENDOR_NAME', 'Contoh Station']], LOT_RECEIPT),
  );
  assert.equal(t.total, '19.90');
  assert.equal(t.vendor, 'Contoh Station');
});
