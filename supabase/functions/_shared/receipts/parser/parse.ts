// Receipt parser / normaliser: OCR lines (or AWS Textract AnalyzeExpense output) → vendor, address,
// date, time, total, subtotal, tax, currency, payment method and line items, with per-field
// confidence 0..1 from OCR confidence and arithmetic cross-checks. Pure, no I/O; deployed with the
// worker and used by the local Textract-compatible endpoint (toExpenseDocument).
//
// The field pickers live in ./parse/ (one module per concern); this module combines them and is
// the public entry point, re-exporting what callers use.

import type { OcrLine, OcrPage } from './ocr-types.ts';
import { formatCents, parseMoney } from './money.ts';
import { findTaxId } from './tax-id.ts';
import type { AnalyzeExpenseResponse } from '../../textract/types.ts';
import {
  type ParsedReceipt,
  type ParseOptions,
  RECEIPT_FIELDS,
  type ReceiptField,
} from './types.ts';
import { type Choice, toLines } from './lines.ts';
import { pickLabelled, pickTax, pickTotal, RE_SUBTOTAL, taxTableLines } from './totals.ts';
import { pickDate, pickTime } from './dates.ts';
import { dateOrderLocale, guessLocale } from './locale.ts';
import { pickVendor } from './vendor.ts';
import { pickAddress } from './address.ts';
import { pickCurrency, pickPayment } from './payment.ts';
import { pickLineItems } from './items.ts';
import { repairMisreadTotal } from './misread-total.ts';
import { receiptFromAnalyzeExpense } from './textract.ts';
import { sameReading } from './same-reading.ts';

export type { ParsedLineItem, ParsedReceipt, ParseOptions, ReceiptField } from './types.ts';
export { RECEIPT_FIELDS } from './types.ts';
export { fixAddressText } from './vocabulary.ts';
export { fixOcrLetters } from './lines.ts';
export { linesFromBlocks, toExpenseDocument } from './textract.ts';

function emptyConfidence(): Record<ReceiptField, number> {
  return Object.fromEntries(RECEIPT_FIELDS.map((f) => [f, 0])) as Record<ReceiptField, number>;
}

/** Parses OCR lines (reading order) of one receipt into normalised fields. */
export function parseReceipt(lines: OcrLine[], opts: ParseOptions = {}): ParsedReceipt {
  return parseLines(lines, opts, []).parsed;
}

/** Words that label a total line (the amount may be the only item's price too). */
const RE_TOTAL_LABEL = /TOTAL|TTL|JUMLAH|AMOUNT|AMT|DUE|NETT|PAYABLE|BAYAR|ROUND/;

/** Figures a reading repaired: what it read → what the arithmetic says was printed. */
type Misreadings = Partial<Record<'total' | 'subtotal', { read: string; printed: string }>>;

/** parseReceipt, with other engines' readings of the same page as evidence for digit repairs. */
function parseLines(
  lines: OcrLine[],
  opts: ParseOptions,
  alternatives: OcrLine[][],
): { parsed: ParsedReceipt; misread: Misreadings } {
  const ls = toLines(lines);
  const sources: Partial<Record<ReceiptField, number[]>> = {};
  const confidence = emptyConfidence();

  const taxTable = taxTableLines(ls);
  let subtotal = pickLabelled(ls, RE_SUBTOTAL, null, taxTable);
  const tax = pickTax(ls, taxTable);
  let total = pickTotal(ls, subtotal?.value ?? null, tax?.value ?? null, taxTable);
  const locale = guessLocale(ls);
  const date = pickDate(ls, dateOrderLocale(locale, opts.locale));
  const time = pickTime(ls);
  const vendor = pickVendor(ls);
  const address = pickAddress(ls, vendor?.lines ?? []);
  const currency = pickCurrency(ls, opts.locale, locale);
  const payment = pickPayment(ls);
  const taxIdHit = findTaxId(lines);
  const taxId = taxIdHit &&
    { value: taxIdHit.value, confidence: taxIdHit.confidence, lines: [taxIdHit.line] };
  // Items end where the totals begin: the subtotal's line, or the first line that labels the
  // total (not every line that shows its amount — a single item's price equals the total).
  const labelled = total?.lines.filter((k) => RE_TOTAL_LABEL.test(ls[k].key)) ?? [];
  const firstTotalLine = Math.min(
    ...(subtotal ? subtotal.lines : []),
    ...(labelled.length > 0 ? labelled : total?.lines ?? []),
    ls.length,
  );
  const items = pickLineItems(ls, firstTotalLine);

  // Cross-checks feed confidence.
  let totalConf = total?.confidence ?? 0;
  let subConf = subtotal?.confidence ?? 0;
  let taxConf = tax?.confidence ?? 0;
  if (total && subtotal && tax && subtotal.value + tax.value === total.value) {
    totalConf = Math.min(0.99, totalConf + 0.15);
    subConf = Math.min(0.95, subConf + 0.25);
    taxConf = Math.min(0.95, taxConf + 0.25);
  }
  let itemsConf = 0;
  if (items.items.length > 0) {
    const sum = items.items.reduce((a, it) => a + (parseMoney(it.amount ?? '0') ?? 0n), 0n);
    const target = subtotal?.value ?? total?.value ?? null;
    itemsConf = target !== null && sum === target ? 0.85 : 0.4;
    if (target !== null && sum === target) {
      totalConf = Math.min(0.99, totalConf + 0.05);
      subConf = Math.min(0.95, subConf + 0.1);
    }
  }
  const misread: Misreadings = {};
  const repair = repairMisreadTotal(
    ls,
    total,
    subtotal,
    tax,
    items,
    () => alternatives.map(toLines),
  );
  if (repair && total) {
    // Arithmetic, not the reading, supports the repaired figures: moderate confidence.
    misread.total = { read: formatCents(total.value), printed: formatCents(repair.total) };
    total = { ...total, value: repair.total };
    totalConf = 0.6;
    if (repair.subtotal !== null && subtotal) {
      misread.subtotal = {
        read: formatCents(subtotal.value),
        printed: formatCents(repair.subtotal),
      };
      subtotal = { ...subtotal, value: repair.subtotal };
      subConf = 0.55;
    }
  }

  const set = <T>(f: ReceiptField, c: Choice<T> | null, conf?: number) => {
    if (!c) return;
    confidence[f] = Math.round((conf ?? c.confidence) * 1000) / 1000;
    sources[f] = c.lines;
  };
  set('vendor', vendor);
  set('address', address);
  set('date', date);
  set('time', time);
  set('total', total, totalConf);
  set('subtotal', subtotal, subConf);
  set('tax', tax, taxConf);
  set('currency', currency);
  set('payment_method', payment);
  set('tax_id', taxId);
  set('locale', locale);
  if (items.items.length > 0) {
    confidence.line_items = itemsConf;
    sources.line_items = items.lines;
  }

  const parsed: ParsedReceipt = {
    vendor: vendor?.value ?? null,
    address: address?.value ?? null,
    date: date?.value ?? null,
    time: time?.value ?? null,
    total: total ? formatCents(total.value) : null,
    subtotal: subtotal ? formatCents(subtotal.value) : null,
    tax: tax ? formatCents(tax.value) : null,
    currency: currency?.value ?? null,
    payment_method: payment?.value ?? null,
    tax_id: taxId?.value ?? null,
    locale: locale?.value ?? null,
    line_items: items.items,
    confidence,
    sources,
  };
  return { parsed, misread };
}

const SCALAR_FIELDS: readonly Exclude<ReceiptField, 'line_items'>[] = [
  'vendor',
  'address',
  'date',
  'time',
  'total',
  'subtotal',
  'tax',
  'currency',
  'payment_method',
  'tax_id',
  'locale',
];

/**
 * Parses a page; when it carries several engines' readings (`alternatives`), parses each and picks
 * every field by agreement and confidence across them.
 */
export function parseReceiptPage(page: OcrPage, opts: ParseOptions = {}): ParsedReceipt {
  const alts = page.alternatives ?? [];
  const first = parseLines(page.lines, opts, alts.map((p) => p.lines));
  const primary = first.parsed;
  if (alts.length === 0) return primary;
  const parsed = [
    { ...first, w: 1 },
    ...alts.map((p) => ({
      ...parseLines(p.lines, opts, alts.filter((q) => q !== p).map((q) => q.lines)),
      w: p.engine === 'tesseract' ? 0.8 : 0.9,
    })),
  ];
  const readings = parsed.map(({ parsed: r, w }) => ({ r, w }));
  // A figure one reading showed to be misread counts, in every reading, for what was printed.
  const printedFor = (f: ReceiptField, v: string) =>
    parsed.find(({ misread }) => misread[f as keyof Misreadings]?.read === v)
      ?.misread[f as keyof Misreadings]?.printed ?? v;
  const out: ParsedReceipt = { ...primary, confidence: { ...primary.confidence } };
  for (const f of SCALAR_FIELDS) {
    // Readings that say the same (up to a few OCR slips in a name or address) pool their votes.
    const votes: { value: string; score: number; best: number }[] = [];
    for (const { r, w } of readings) {
      const raw = r[f];
      if (raw === null) continue;
      const v = printedFor(f, raw);
      const c = r.confidence[f] * w;
      const prev = votes.find((x) => sameReading(f, x.value, v));
      if (prev) {
        prev.score += c;
        prev.best = Math.max(prev.best, c);
      } else votes.push({ value: v, score: c, best: c });
    }
    const ranked = votes.sort((a, b) => b.score - a.score);
    if (ranked.length === 0) continue;
    const win = ranked[0];
    // Keep the primary's exact spelling when it agrees (it has the best spacing/characters).
    const pv = primary[f];
    out[f] = pv !== null && sameReading(f, pv, win.value) ? pv : win.value;
    const agree = ranked.length === 1 ? 0.1 : 0;
    out.confidence[f] = Math.min(0.99, Math.round((win.best + agree) * 1000) / 1000);
  }
  // Each engine misses or splits different item lines: the items are the first reading's whose
  // amounts add up to the chosen subtotal or total (the primary's when none does).
  const targets = [out.subtotal, out.total].map((v) => (v === null ? null : parseMoney(v)));
  const pages = [page, ...alts];
  const fit = parsed.findIndex(({ parsed: r }) =>
    r.line_items.length > 0 && targets.includes(itemsSum(r))
  );
  if (fit > 0 && !targets.includes(itemsSum(primary))) {
    const r = parsed[fit].parsed;
    out.line_items = r.line_items;
    out.confidence.line_items = r.confidence.line_items;
    // Its source lines, as the primary reading's lines at the same height.
    out.sources = {
      ...out.sources,
      line_items: (r.sources?.line_items ?? []).map((i) =>
        nearestLine(page.lines, pages[fit].lines[i])
      ),
    };
  }
  return out;
}

function itemsSum(r: ParsedReceipt): bigint {
  return r.line_items.reduce((a, it) => a + (parseMoney(it.amount ?? '0') ?? 0n), 0n);
}

/** Index of the line in `lines` whose vertical centre is nearest `to`'s. */
function nearestLine(lines: OcrLine[], to: OcrLine | undefined): number {
  const centre = (l: OcrLine | undefined) => (l?.bbox ? l.bbox.top + l.bbox.height / 2 : 0);
  let best = 0;
  lines.forEach((l, k) => {
    if (Math.abs(centre(l) - centre(to)) < Math.abs(centre(lines[best]) - centre(to))) best = k;
  });
  return best;
}

/**
 * Maps AWS Textract AnalyzeExpense output to a ParsedReceipt (first ExpenseDocument). Fields that
 * Textract leaves out or is unsure of are filled from parsing its LINE blocks.
 */
export function fromAnalyzeExpense(
  resp: AnalyzeExpenseResponse,
  opts: ParseOptions = {},
): ParsedReceipt {
  return receiptFromAnalyzeExpense(resp, opts, parseReceipt);
}
