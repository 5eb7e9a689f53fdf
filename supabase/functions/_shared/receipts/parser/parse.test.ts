import assert from 'node:assert/strict';
import type { OcrLine } from './ocr-types.ts';
import {
  fixAddressText,
  fixOcrLetters,
  fromAnalyzeExpense,
  parseReceipt,
  toExpenseDocument,
} from './parse.ts';
import type { AnalyzeExpenseResponse } from '../../textract/types.ts';

/** One OcrLine per text line, stacked top to bottom, 95% confident. */
function lines(text: string, conf = 95): OcrLine[] {
  const rows = text.trim().split('\n').map((r) => r.trim());
  return rows.map((t, i) => {
    const bbox = { left: 0.1, top: i / rows.length, width: 0.8, height: 0.8 / rows.length };
    let x = 0.1;
    const words = t.split(/\s+/).map((w) => {
      const width = (0.8 * w.length) / Math.max(1, t.length);
      const word = { text: w, confidence: conf, bbox: { ...bbox, left: x, width } };
      x += width + 0.01;
      return word;
    });
    return { text: t, confidence: conf, bbox, words };
  });
}

const SHOP = `
KEDAI MAKAN SELERA SDN BHD
(123456-X)
NO. 12, JALAN BUNGA RAYA 3,
TAMAN MELATI, 53100 KUALA LUMPUR
TEL: 03-4141 2222
TAX INVOICE
`;

Deno.test('date - day-first dd/mm/yyyy becomes ISO', () => {
  const r = parseReceipt(lines(`${SHOP}\nDate: 05/03/2018 13:45\nTOTAL 10.00`));
  assert.equal(r.date, '2018-03-05');
  assert.equal(r.time, '13:45');
});

Deno.test('date - a day above 12 elsewhere on the receipt decides month-first', () => {
  const r = parseReceipt(lines(`${SHOP}\nDate: 05/03/2018\nPrinted 12/28/2018\nTOTAL 10.00`));
  assert.equal(r.date, '2018-05-03');
});

Deno.test('date - ambiguous numeric dates follow the locale when the receipt shows no region', () => {
  // (A receipt that shows its region decides by itself: parse-world.test.ts.)
  const text = `CORNER SHOP\nDate: 05/03/2018\nTOTAL 10.00`;
  assert.equal(parseReceipt(lines(text), { locale: 'en-US' }).date, '2018-05-03');
  assert.equal(parseReceipt(lines(text), { locale: 'en-GB' }).date, '2018-03-05');
});

Deno.test('date - named months, two-digit years and glued times', () => {
  assert.equal(parseReceipt(lines('SHOP\nDate 0ct 3.2016 12:16:25 PM')).date, '2016-10-03');
  assert.equal(parseReceipt(lines('SHOP\n17 Jun 18 10:00')).date, '2018-06-17');
  assert.equal(parseReceipt(lines('SHOP\nDate:25-03-201809:42:19AM')).date, '2018-03-25');
  assert.equal(parseReceipt(lines('SHOP\nDATE 2018-03-25')).date, '2018-03-25');
  assert.equal(parseReceipt(lines('SHOP\n1O/O6/2O18 TOTAL 3.00')).date, '2018-06-10');
});

Deno.test('date - invalid dates are not reported', () => {
  assert.equal(parseReceipt(lines('SHOP\nDate: 31/02/2018\nTOTAL 1.00')).date, null);
});

/** The date parsed from a shop line and the given text lines. */
const dateOf = (text: string, locale?: string) =>
  parseReceipt(lines(`SHOP\n${text}\nTOTAL 3.00`), { locale }).date;

Deno.test('date - separators OCR dropped or read as digits are put back next to a date label', () => {
  // "25/04/2017": the first "/" lost, the second read as "1" (or "7", "l", "|").
  assert.equal(dateOf('RECEIPT #:CS00633800 DATE:250412017'), '2017-04-25');
  assert.equal(dateOf('Date: 25704/2017'), '2017-04-25');
  assert.equal(dateOf('Date: 25/04l2017'), '2017-04-25');
  assert.equal(dateOf('Date: 25/042017'), '2017-04-25');
  assert.equal(dateOf('Date: 25042017'), '2017-04-25');
  assert.equal(dateOf('Date: 25 04 2017'), '2017-04-25');
  assert.equal(dateOf('Tarikh: 2504 2017 10:30'), '2017-04-25');
  // ... with the time glued on.
  assert.equal(dateOf('DATE:25041201710:30:15'), '2017-04-25');
});

Deno.test('date - a separator repair does not fire on ids, ambiguous runs or unpadded fields', () => {
  // No date label: an invoice or receipt number.
  assert.equal(dateOf('RECEIPT #:250412017'), null);
  assert.equal(dateOf('250412017 10:30'), null);
  // "25/10/2017" or "25/01/2017": two readings, none is taken.
  assert.equal(dateOf('Date: 251012017'), null);
  // "23/10/2017" misread beyond repair: "23/6/2017" would need an unpadded month.
  assert.equal(dateOf('Date: 2316/2017'), null);
  // No plausible year.
  assert.equal(dateOf('Date: 3076472078'), null);
  // A date after a label's id is not the labelled value.
  assert.equal(dateOf('DATE/NO: CS25041201'), null);
});

Deno.test('date - a lost separator is put back before a clock time when one separator is left', () => {
  assert.equal(dateOf('DD: 2707/2017 11:54'), '2017-07-27');
  assert.equal(dateOf('V2.60 2907/201612:13:52'), '2016-07-29');
});

Deno.test('date - a labelled repair ranks below a clean labelled date, above an unlabelled one', () => {
  assert.equal(dateOf('Date: 250412017\nPaid Date: 26/04/2017'), '2017-04-26');
  assert.equal(dateOf('26/04/2017 10:30\nDate: 250412017'), '2017-04-25');
});

Deno.test('date - comma separators, L for 1 and named months glued to a time', () => {
  assert.equal(dateOf('Date: 25,04,2017'), '2017-04-25');
  assert.equal(dateOf('Date: 25.04,2017'), '2017-04-25');
  assert.equal(dateOf('Date: 25-04-20l7'), '2017-04-25');
  assert.equal(dateOf('11 Apr 201818:13'), '2018-04-11');
  assert.equal(dateOf('Oct 3, 201612:16:25'), '2016-10-03');
  // Comma-separated two-digit "years" are prices, not dates.
  assert.equal(dateOf('2 X 1,05,18'), null);
});

Deno.test('date - one misread letter in a month name is repaired only when one month fits', () => {
  assert.equal(dateOf('01-NOY-2017 11:20:04AM'), '2017-11-01');
  assert.equal(dateOf('3 JUI 2018'), '2018-07-03');
  assert.equal(dateOf('01-NOX-2017'), null);
  assert.equal(dateOf('12 PCS 2018'), null);
});

Deno.test("date - a word's last letter next to an amount is not read as a date field", () => {
  // "S. 25.85" is not 5/25/2085, which would have voted for month-first order.
  assert.equal(dateOf('Date 02/06/18\nSERVICE CHARGES. 25.85'), '2018-06-02');
  assert.equal(dateOf('Date 02/06/18\nTOTAL. 25.85'), '2018-06-02');
});

Deno.test('date - the sale date wins over due, expiry and print dates', () => {
  assert.equal(dateOf('DUE DATE: 30/05/2018\nINVOICE DATE: 25/04/2018'), '2018-04-25');
  assert.equal(dateOf('Due: 25/05/2018 Date: 25/04/2018'), '2018-04-25');
  assert.equal(dateOf('Expiry Date: 31/12/2018\n25/04/2018 10:30'), '2018-04-25');
  assert.equal(dateOf('Reprint Date: 01/05/2018\nDate: 25/04/2018'), '2018-04-25');
  // A till number is not a qualifier; an expiry date is still a date when it is all there is.
  assert.equal(dateOf('Till 3 Date: 25/04/2018'), '2018-04-25');
  assert.equal(dateOf('Points expire 31/12/2018'), '2018-12-31');
});

Deno.test("date - the previous receipt's tail above the header does not give the date", () => {
  const r = parseReceipt(lines(`
CHANGE 4.00
THANK YOU AND PLEASE COME AGAIN
12/01/2018 10:11
GOLDEN LEAF TRADING
LOT 5, JALAN MERANTI 2,
43000 KAJANG, SELANGOR
14/01/2018 15:20
TOTAL 9.00
`));
  assert.equal(r.date, '2018-01-14');
});

Deno.test('currency - RM and MYR map to MYR, € to EUR, £ to GBP', () => {
  assert.equal(parseReceipt(lines(`${SHOP}\nTOTAL RM 10.00`)).currency, 'MYR');
  assert.equal(parseReceipt(lines('CAFE\nSumme 12,30 €')).currency, 'EUR');
  assert.equal(parseReceipt(lines('PUB\nTotal £4.20')).currency, 'GBP');
});

Deno.test('currency - a bare $ is resolved by country evidence or locale', () => {
  assert.equal(parseReceipt(lines(`${SHOP}\nTOTAL $10.00`)).currency, 'MYR');
  assert.equal(parseReceipt(lines('DINER\nTOTAL $10.00'), { locale: 'en-US' }).currency, 'USD');
  assert.equal(parseReceipt(lines('DINER\nTOTAL $10.00'), { locale: 'en-AU' }).currency, 'AUD');
});

Deno.test('total - is the amount due, not cash tendered or change', () => {
  const r = parseReceipt(lines(`${SHOP}
Coca-Cola 320ml 1.40
Whole Chicken 24.45
TOTAL 25.85
CASH 50.00
CHANGE 24.15`));
  assert.equal(r.total, '25.85');
  assert.equal(r.payment_method, 'cash');
});

Deno.test('total - a paid/tendered amount larger than the total is not the total', () => {
  const r = parseReceipt(lines(`${SHOP}
Total Amt Incl GST 6%: 7.41
Rounding Adjustment: (0.01)
Total Amt Payable: 7.40
Paid Amount: 10.00
Change: 2.60`));
  assert.equal(r.total, '7.40');
});

Deno.test('total - a rounding adjustment makes the rounded figure the total', () => {
  const r = parseReceipt(lines(`${SHOP}
Total (Excluding GST) 21.30
GST payable (6%): 1.31
Total (Inclusive of GST): 23.26
Rounding Adj: -0.01
TOTAL: 23.25
Closed: 29-10-2017`));
  assert.equal(r.total, '23.25');
});

Deno.test('total - OCR letter/digit confusions in amounts are repaired', () => {
  const r = parseReceipt(lines(`${SHOP}\nTOTAL RM1O.5O\nCASH 2O.OO\nCHANGE 9.5O`));
  assert.equal(r.total, '10.50');
});

Deno.test('subtotal + tax = total raises confidence in all three', () => {
  const good = parseReceipt(lines(`${SHOP}\nSUB TOTAL 23.58\nGST 6% 1.42\nTOTAL 25.00`));
  assert.equal(good.subtotal, '23.58');
  assert.equal(good.tax, '1.42');
  assert.equal(good.total, '25.00');
  const bad = parseReceipt(lines(`${SHOP}\nSUB TOTAL 23.58\nGST 6% 1.99\nTOTAL 25.00`));
  assert.ok(good.confidence.total > bad.confidence.total);
  assert.ok(good.confidence.tax > bad.confidence.tax);
});

Deno.test('line items - description, quantity, unit price and amount', () => {
  const r = parseReceipt(lines(`${SHOP}
Date: 01/02/2018
2 x Teh Tarik 1.50 3.00
Nasi Lemak Ayam 1 7.90 7.90
SUBTOTAL 10.90
TOTAL 10.90`));
  assert.equal(r.line_items.length, 2);
  assert.deepEqual(r.line_items[0], {
    description: 'Teh Tarik',
    quantity: '2',
    unit_price: '1.50',
    amount: '3.00',
  });
  assert.equal(r.line_items[1].amount, '7.90');
  assert.equal(r.line_items[1].description, 'Nasi Lemak Ayam');
  assert.ok(r.confidence.line_items >= 0.8, 'items that add up to the subtotal are trusted');
});

Deno.test('vendor and address - read from the header, registration numbers dropped', () => {
  const r = parseReceipt(lines(`${SHOP}\nDate: 01/02/2018\nTOTAL 10.90`));
  assert.equal(r.vendor, 'KEDAI MAKAN SELERA SDN BHD');
  assert.equal(r.address, 'NO. 12, JALAN BUNGA RAYA 3, TAMAN MELATI, 53100 KUALA LUMPUR');
});

Deno.test('vendor - a bare company suffix line joins the name above it', () => {
  const r = parseReceipt(
    lines(`Nando's Chickenland Malaysia\nSdn Bhd\nUnit G-13, Jln Kiara\n50480 Kuala Lumpur`),
  );
  assert.equal(r.vendor, "Nando's Chickenland Malaysia Sdn Bhd");
});

Deno.test("vendor - the previous receipt's tail above the header is skipped", () => {
  const r = parseReceipt(lines(`
CHANGE 4.00
THANK YOU AND PLEASE COME AGAIN
Cashier: 02 Terminal 3
12/01/2018 10:11
GOLDEN LEAF TRADING
LOT 5, JALAN MERANTI 2,
43000 KAJANG, SELANGOR
TAX INVOICE
Date: 14/01/2018
TOTAL 9.00
`));
  assert.equal(r.vendor, 'GOLDEN LEAF TRADING');
  assert.equal(r.address, 'LOT 5, JALAN MERANTI 2, 43000 KAJANG, SELANGOR');
});

Deno.test('vendor - a legal company name is preferred to a brand line beside it', () => {
  const r = parseReceipt(lines(`
FRESHCO
ORCHID RETAIL SDN BHD (123456-A)
FRESHCO MART TAMAN ORKID
12, JALAN ORKID 3, 81100 JOHOR BAHRU
Date: 01/02/2018
TOTAL 5.00
`));
  assert.equal(r.vendor, 'ORCHID RETAIL SDN BHD');
});

Deno.test("vendor - a brand that begins the owner's legal name becomes that name", () => {
  const r = parseReceipt(lines(`
Kopi Corner
Owned by: kopi corner sdn bhd 1234567-W
No.1 Jalan Puteri 7/10
47100 Puchong, Selangor
Date: 29-10-2017
TOTAL 12.00
`));
  assert.equal(r.vendor?.toUpperCase(), 'KOPI CORNER SDN BHD');
});

Deno.test('vendor - a customer company printed below the document title is not the vendor', () => {
  const r = parseReceipt(lines(`
LIM BROTHERS HARDWARE
NO.9 JALAN PERMAI 2
81750 MASAI, JOHOR
SIMPLIFIED TAX INVOICE
ACME ENGINEERING (M) SDN BHD
Receipt#: CS0001
Date: 03/04/2018
TOTAL 20.00
`));
  assert.equal(r.vendor, 'LIM BROTHERS HARDWARE');
});

Deno.test("vendor - a closing phrase under the shop's own name is not a previous tail", () => {
  const r = parseReceipt(lines(`
MAJU JAYA MINI MARKET
THANK YOU FOR SHOPPING WITH US
NO 3, JALAN MERBAU 1,
TAMAN MERBAU INDAH
43000 KAJANG, SELANGOR
Date: 14/01/2018
TOTAL 9.00
`));
  assert.equal(r.vendor, 'MAJU JAYA MINI MARKET');
});

Deno.test('vendor - a title above the name ends the header only once a name was seen', () => {
  const r = parseReceipt(lines(`
~~ ..
12
TAX INVOICE
GOLDEN LEAF TRADING
LOT 5, JALAN MERANTI 2, 43000 KAJANG
Date: 14/01/2018
TOTAL 9.00
`));
  assert.equal(r.vendor, 'GOLDEN LEAF TRADING');
});

Deno.test('vendor - a parenthesis in the name stays, a registration number goes', () => {
  const vendorOf = (name: string) =>
    parseReceipt(lines(`${name}\nLOT 5, JALAN MERANTI 2, 43000 KAJANG\nTOTAL 9.00`)).vendor;
  assert.equal(vendorOf('TESCO STORES (MALAYSIA) SDN BHD'), 'TESCO STORES (MALAYSIA) SDN BHD');
  assert.equal(vendorOf('MR. D.I.Y. (KUCHAI) SDN BHD (750441-W)'), 'MR. D.I.Y. (KUCHAI) SDN BHD');
  assert.equal(vendorOf('ABC TRADING (CO.REG:AS0123456-X)'), 'ABC TRADING');
  assert.equal(vendorOf('AEON CO. (M) BHD (126926-H)'), 'AEON CO. (M) BHD');
  assert.equal(vendorOf('| OWN BY: CHEF LEE SDN BHD'), 'CHEF LEE SDN BHD');
});

Deno.test('vendor - a suffix line with a place in parentheses finishes the name above', () => {
  const r = parseReceipt(lines(`
AIK HUAT HARDWARE ENTERPRISE
(SETIA ALAM) SDN BHD
(822737-X)
NO. 17, JALAN SETIA PRIMA R U13/R, 40170 SHAH ALAM
TOTAL 9.00
`));
  assert.equal(r.vendor, 'AIK HUAT HARDWARE ENTERPRISE (SETIA ALAM) SDN BHD');
  // A full name is not extended by a branch line below it.
  const full = parseReceipt(lines(`
SINAR HARDWARE SDN BHD
(TAMAN DAYA) BHD
NO. 17, JALAN SETIA PRIMA R U13/R, 40170 SHAH ALAM
TOTAL 9.00
`));
  assert.equal(full.vendor, 'SINAR HARDWARE SDN BHD');
});

Deno.test("vendor - generic words alone continue with the shop's own words below", () => {
  const r = parseReceipt(lines(`
SYARIKAT PERNIAGAAN
GIN KEE
NO 290, JALAN AIR PANAS, 53200 KUALA LUMPUR
TOTAL 9.00
`));
  assert.equal(r.vendor, 'SYARIKAT PERNIAGAAN GIN KEE');
  // Not when the line below is the address, or the name already has its own words.
  const addressBelow = parseReceipt(lines(`
RESTORAN
NO 290, JALAN AIR PANAS, 53200 KUALA LUMPUR
TOTAL 9.00
`));
  assert.equal(addressBelow.vendor, 'RESTORAN');
  const named = parseReceipt(lines(`
KEDAI PAPAN YEW CHUAN
LOT 276 JALAN BANTING
TOTAL 9.00
`));
  assert.equal(named.vendor, 'KEDAI PAPAN YEW CHUAN');
});

Deno.test('vendor - a legal suffix split or misread by OCR is repaired, speckle after it dropped', () => {
  const vendorOf = (name: string) =>
    parseReceipt(lines(`${name}\nLOT 5, JALAN MERANTI 2, 43000 KAJANG\nTOTAL 9.00`)).vendor;
  assert.equal(vendorOf('SKCA HARDWARE & TIMBER SDN. B HD. L'), 'SKCA HARDWARE & TIMBER SDN. BHD');
  assert.equal(vendorOf('GARDENIA BAKERIES (KL) SDN BIID (I'), 'GARDENIA BAKERIES (KL) SDN BHD');
  assert.equal(vendorOf('GARDEI KERIES(KL)SDN BIID（I'), 'GARDEI KERIES(KL)SDN BHD');
  assert.equal(vendorOf('KEDAI BUKU MAJU S DN BHD'), 'KEDAI BUKU MAJU SDN BHD');
  // A word that merely ends the name is not speckle.
  assert.equal(vendorOf('SYARIKAT SINAR JAYA BERHAD'), 'SYARIKAT SINAR JAYA BERHAD');
  assert.equal(vendorOf('SINAR JAYA ENTERPRISE SB'), 'SINAR JAYA ENTERPRISE SB');
});

Deno.test('address - a unit number that reads like an amount still starts the address', () => {
  const r = parseReceipt(lines(`
STAR CASH & CARRY
(1234567-P)
G.23 & G.22, Plaza Setia
No.1 Jalan SS 9/1, 47300 PJ, Selangor.
Tel: 03-7877 9712
Date: 19/06/2017
TOTAL 45.00
`));
  assert.equal(r.address, 'G.23 & G.22, Plaza Setia No.1 Jalan SS 9/1, 47300 PJ, Selangor.');
});

Deno.test('address - an item line with an amount is not taken for the address', () => {
  const r = parseReceipt(lines(`
WARUNG PAK ALI
2 NASI LEMAK 5.00
1 TEH TARIK 1.50
TOTAL 6.50
`));
  assert.equal(r.address, null);
});

Deno.test('address - ends at the state after the postcode', () => {
  const r = parseReceipt(lines(`
PETROL STATION SUBANG
Jalan Lapangan Terbang Subang
47200 Subang
Selangor
Kiosk Operator Enterprise
CO. REG. NO: 000948487-V
Date: 18-01-2018
TOTAL 50.00
`));
  assert.equal(r.address, 'Jalan Lapangan Terbang Subang 47200 Subang Selangor');
});

Deno.test('fixAddressText - misread address words and postcodes are repaired by context', () => {
  assert.equal(fixAddressText('Jaian Meranti 3'), 'Jalan Meranti 3');
  assert.equal(fixAddressText('43200 Chera9, Selango1'), '43200 Cheras, Selangor');
  assert.equal(fixAddressText('S02oo Kuala Lumpur'), '50200 Kuala Lumpur');
  assert.equal(fixAddressText('EVEL 6, BANGUNAN TH'), 'LEVEL 6, BANGUNAN TH');
  // Street abbreviations with an l read as I or 1; other three-letter words stay.
  assert.equal(
    fixAddressText('BIk G, JIn PJU 1A, J1N 5, IRG 2, Jin JIM'),
    'Blk G, Jln PJU 1A, Jln 5, LRG 2, Jin JIM',
  );
});

Deno.test('fixAddressText - place names near an address word are left alone', () => {
  // PERMAS/PERMAI, JASA/JAYA, PERDANA/SERDANG differ by letters OCR does not confuse.
  const s = 'JALAN PERMAS 4/3 TAMAN PERDANA SUBANG JASA 3';
  assert.equal(fixAddressText(s), s);
  assert.equal(fixAddressText('U1/48 SS21 KP3 81750'), 'U1/48 SS21 KP3 81750');
});

Deno.test('fixOcrLetters - digits inside words become letters, codes stay', () => {
  assert.equal(fixOcrLetters('Ja1an Peta1ing SH0PP1NG L0T'), 'Jalan Petaling SHOPPING LOT');
  assert.equal(fixOcrLetters('U1/48 SS21/39 KP36'), 'U1/48 SS21/39 KP36');
});

Deno.test('nothing recognisable gives nulls with zero confidence', () => {
  const r = parseReceipt([]);
  assert.equal(r.total, null);
  assert.equal(r.vendor, null);
  assert.equal(r.date, null);
  assert.equal(r.confidence.total, 0);
  assert.deepEqual(r.line_items, []);
});

// A response shaped like AWS Textract AnalyzeExpense output (abridged: two summary fields have
// geometry, LINE blocks carry the text for fallback).
function awsResponse(
  summary: { type: string; text: string; conf: number }[],
): AnalyzeExpenseResponse {
  const geo = (top: number) => ({
    BoundingBox: { Width: 0.5, Height: 0.02, Left: 0.2, Top: top },
    Polygon: [
      { X: 0.2, Y: top },
      { X: 0.7, Y: top },
      { X: 0.7, Y: top + 0.02 },
      { X: 0.2, Y: top + 0.02 },
    ],
  });
  const texts = [
    'SANYU STATIONERY SHOP',
    'NO. 31G&33G, JALAN SETIA INDAH X ,U13/X',
    '40170 SETIA ALAM',
    'Date: 12/08/2017',
    'MAX STAPLE 10-1M 3 X 1.00 3.00',
    'Total Inclusive GST: 3.00',
    'Cash 10.00',
    'Change 7.00',
  ];
  return {
    DocumentMetadata: { Pages: 1 },
    ExpenseDocuments: [{
      ExpenseIndex: 1,
      SummaryFields: summary.map((f, i) => ({
        Type: { Text: f.type, Confidence: 99 },
        LabelDetection: f.type === 'TOTAL'
          ? { Text: 'Total Inclusive GST:', Geometry: geo(0.6), Confidence: 98 }
          : undefined,
        ValueDetection: { Text: f.text, Geometry: geo(0.1 + i * 0.05), Confidence: f.conf },
        PageNumber: 1,
        ...(f.type === 'TOTAL' ? { Currency: { Code: 'MYR', Confidence: 90 } } : {}),
      })),
      LineItemGroups: [{
        LineItemGroupIndex: 1,
        LineItems: [{
          LineItemExpenseFields: [
            {
              Type: { Text: 'ITEM', Confidence: 99 },
              ValueDetection: { Text: 'MAX STAPLE 10-1M', Confidence: 95 },
            },
            {
              Type: { Text: 'QUANTITY', Confidence: 99 },
              ValueDetection: { Text: '3', Confidence: 95 },
            },
            {
              Type: { Text: 'UNIT_PRICE', Confidence: 99 },
              ValueDetection: { Text: '1.00', Confidence: 95 },
            },
            {
              Type: { Text: 'PRICE', Confidence: 99 },
              ValueDetection: { Text: '3.00', Confidence: 95 },
            },
            {
              Type: { Text: 'EXPENSE_ROW', Confidence: 99 },
              ValueDetection: { Text: 'MAX STAPLE 10-1M 3 X 1.00 3.00', Confidence: 95 },
            },
          ],
        }],
      }],
      Blocks: texts.map((t, i) => ({
        BlockType: 'LINE',
        Id: `line-${i}`,
        Text: t,
        Confidence: 99,
        Geometry: geo(0.05 + i * 0.1),
      })),
    }],
  };
}

Deno.test('fromAnalyzeExpense - maps SummaryFields and LineItemGroups', () => {
  const r = fromAnalyzeExpense(awsResponse([
    { type: 'VENDOR_NAME', text: 'SANYU STATIONERY SHOP', conf: 97 },
    {
      type: 'ADDRESS',
      text: 'NO. 31G&33G, JALAN SETIA INDAH X ,U13/X\n40170 SETIA ALAM',
      conf: 92,
    },
    { type: 'INVOICE_RECEIPT_DATE', text: '12/08/2017', conf: 95 },
    { type: 'TOTAL', text: 'RM3.00', conf: 96 },
    { type: 'AMOUNT_PAID', text: '10.00', conf: 80 },
  ]));
  assert.equal(r.vendor, 'SANYU STATIONERY SHOP');
  assert.equal(r.address, 'NO. 31G&33G, JALAN SETIA INDAH X ,U13/X 40170 SETIA ALAM');
  assert.equal(r.date, '2017-08-12');
  assert.equal(r.total, '3.00');
  assert.equal(r.currency, 'MYR');
  assert.equal(r.confidence.total, 0.96);
  assert.deepEqual(r.line_items, [
    { description: 'MAX STAPLE 10-1M', quantity: '3', unit_price: '1.00', amount: '3.00' },
  ]);
});

Deno.test('fromAnalyzeExpense - falls back to the LINE blocks where Textract is missing or unsure', () => {
  const r = fromAnalyzeExpense(awsResponse([
    { type: 'VENDOR_NAME', text: 'SANYU STATIONERY SHOP', conf: 97 },
    { type: 'TOTAL', text: '8.00', conf: 20 },
  ]));
  assert.equal(r.total, '3.00', 'unsure TOTAL is replaced by the parsed total');
  assert.equal(r.date, '2017-08-12', 'missing date comes from the lines');
  assert.equal(r.vendor, 'SANYU STATIONERY SHOP');
});

Deno.test("fromAnalyzeExpense - Textract's address gets the same misreading repair", () => {
  const r = fromAnalyzeExpense(awsResponse([
    {
      type: 'ADDRESS',
      text: 'NO. 31G&33G, Jaian SETIA INDAH\n40170 SETIA ALAM, Selango1',
      conf: 92,
    },
  ]));
  assert.equal(r.address, 'NO. 31G&33G, Jalan SETIA INDAH 40170 SETIA ALAM, Selangor');
});

Deno.test('toExpenseDocument - answers in Textract ExpenseDocument shape with geometry', () => {
  const ls = lines(`${SHOP}\nDate: 05/03/2018\nSUB TOTAL 23.58\nGST 6% 1.42\nTOTAL 25.00`);
  const parsed = parseReceipt(ls);
  const doc = toExpenseDocument(parsed, ls);
  assert.equal(doc.ExpenseIndex, 1);
  const total = doc.SummaryFields?.find((f) => f.Type?.Text === 'TOTAL');
  assert.ok(total, 'TOTAL field present');
  assert.equal(total.ValueDetection?.Text, '25.00');
  assert.equal(total.LabelDetection?.Text, 'TOTAL');
  const conf = total.ValueDetection?.Confidence ?? -1;
  assert.ok(conf > 1 && conf <= 100, `confidence is 0-100, got ${conf}`);
  const box = total.ValueDetection?.Geometry?.BoundingBox;
  assert.ok(
    box && box.Top > 0.8 && box.Top < 1 && box.Width > 0,
    'value box sits on the TOTAL line',
  );
  assert.equal(total.ValueDetection?.Geometry?.Polygon?.length, 4);
  const types = doc.SummaryFields?.map((f) => f.Type?.Text);
  for (const t of ['VENDOR_NAME', 'ADDRESS', 'INVOICE_RECEIPT_DATE', 'SUBTOTAL', 'TAX']) {
    assert.ok(types?.includes(t), `${t} present`);
  }
  assert.deepEqual(fromAnalyzeExpense({ ExpenseDocuments: [doc] }).total, '25.00');
});
