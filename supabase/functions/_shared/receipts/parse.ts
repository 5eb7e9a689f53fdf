// Receipt parser / normaliser: OCR lines (or AWS Textract AnalyzeExpense output) → vendor, address,
// date, time, total, subtotal, tax, currency, payment method and line items, with per-field
// confidence 0..1 from OCR confidence and arithmetic cross-checks. Pure, no I/O; deployed with the
// worker and used by the local Textract-compatible endpoint (toExpenseDocument).

import type { BBox, OcrLine, OcrPage } from './ocr-types.ts';
import { unionBBox } from './ocr-types.ts';
import { labelKey } from './label-key.ts';
import {
  type Cents,
  detectCurrencies,
  fixOcrDigits,
  formatCents,
  multiplyMoney,
  parseMoney,
} from './money.ts';
import { confusableSwap, digitAt, sameSwap, taxAtRate } from './misread-digits.ts';
import { findTaxId } from './tax-id.ts';
import { fixAddressText, fixVendorWords } from './vocabulary.ts';
import type {
  AnalyzeExpenseResponse,
  ExpenseDetection,
  ExpenseDocument,
  ExpenseField,
  Geometry,
  LineItemGroup,
} from '../textract/types.ts';

export interface ParsedLineItem {
  description: string | null;
  quantity: string | null;
  unit_price: string | null;
  amount: string | null;
}

export type ReceiptField =
  | 'vendor'
  | 'address'
  | 'date'
  | 'time'
  | 'total'
  | 'subtotal'
  | 'tax'
  | 'currency'
  | 'payment_method'
  | 'tax_id'
  | 'line_items';

export const RECEIPT_FIELDS: readonly ReceiptField[] = [
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
  'line_items',
];

export interface ParsedReceipt {
  vendor: string | null;
  address: string | null;
  /** ISO yyyy-mm-dd */
  date: string | null;
  /** HH:MM or HH:MM:SS, 24-hour */
  time: string | null;
  /** Decimal strings like "12.30" */
  total: string | null;
  subtotal: string | null;
  tax: string | null;
  /** ISO 4217 */
  currency: string | null;
  /** cash | card | visa | mastercard | amex | debit | ewallet | cheque | voucher | … */
  payment_method: string | null;
  /** The seller's tax/registration number, normalised ("GST:000381399040"); see tax-id.ts. */
  tax_id: string | null;
  line_items: ParsedLineItem[];
  /** 0..1 per field; 0 where the field is null. */
  confidence: Record<ReceiptField, number>;
  /** Indices into the input lines each field was read from (for geometry); informational. */
  sources?: Partial<Record<ReceiptField, number[]>>;
}

export interface ParseOptions {
  /** BCP 47 locale, e.g. "en-MY", "en-US", "de-DE": breaks day/month ties and `$` ambiguity. */
  locale?: string;
}

// ---------------------------------------------------------------- line model

interface Amount {
  cents: Cents;
  text: string;
  /** character offset in the line's text */
  index: number;
}

interface Line {
  i: number;
  text: string;
  upper: string;
  /** upper-case with all whitespace removed (Paddle often drops spaces) */
  compact: string;
  /** `compact` with OCR near-misses of total-section labels spelled right (labelKey) */
  key: string;
  conf: number;
  bbox: BBox;
  amounts: Amount[];
}

const AMOUNT_RE =
  /(?<![\d.,])-?(?:\d{1,3}(?:,\d{3})+|\d+)[.,]\s?\d{2}(?![.,]?\d)(?!\s?%)|(?<![\d.,])-?\d{1,3}(?:\.\d{3})+,\d{2}(?![.,]?\d)(?!\s?%)/g;

function findAmounts(text: string): Amount[] {
  const fixed = fixOcrDigits(text);
  const out: Amount[] = [];
  for (const m of fixed.matchAll(AMOUNT_RE)) {
    const cents = parseMoney(m[0].replace(/\s/g, ''));
    if (cents === null) continue;
    // "3.00-" / "(3.00)" style negatives
    const after = fixed.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 1);
    const neg = after === '-' && !m[0].startsWith('-');
    out.push({ cents: neg ? -cents : cents, text: m[0], index: m.index ?? 0 });
  }
  return out;
}

function toLines(lines: OcrLine[]): Line[] {
  return lines.map((l, i) => {
    const text = l.text.replace(/\s+/g, ' ').trim();
    const upper = text.toUpperCase();
    return {
      i,
      text,
      upper,
      compact: upper.replace(/\s+/g, ''),
      key: labelKey(text),
      conf: Math.max(0, Math.min(1, (l.confidence ?? 80) / 100)),
      bbox: l.bbox ?? { left: 0, top: i / Math.max(1, lines.length), width: 1, height: 0 },
      amounts: findAmounts(text),
    };
  });
}

// ---------------------------------------------------------------- totals

const RE_SUBTOTAL =
  /SUB-?TOTAL|SUBTTL|TOTAL(SALES)?\(?(EXCL|EXCLUDING|BEFORE|W\/OGST|WITHOUTGST|NETT?OFGST)|AMOUNTEXCL|EXCL(UDING|\.)?(GST|TAX|VAT|SST)|BEFORETAX|NETSALES|TOTALEXGST/;
const RE_TOTAL_STRONG =
  /GRANDTOTAL|NETTT?OTAL|NETTOTAL|TOTALAMOUNT|TOTALAMT|AMOUNTDUE|TOTALDUE|BALANCEDUE|TOTALPAYABLE|AMOUNTPAYABLE|PAYABLE|ROUNDEDTOTAL|TOTALROUNDED|AFTERROUNDING|AFTERDISC|AFTER(GST|TAX|SST)|TOTAL\(?INCL|TOTALSALES\(?INCL|INCL(USIVE|\.)?(OF)?(GST|TAX|VAT|SST)|JUMLAH|TOTALRM|TOTAL:?RM|TOTALMYR|TOTALSALE|TOTALTOPAY|AMOUNTTOPAY|BALANCETOPAY|TOTALINVOICE|INVOICETOTAL|GESAMT|SUMME|MONTANT|TOTALTTC/;
const RE_TOTAL_WEAK = /TOTAL|TOTL|TTL|AMOUNT|AMT|BALANCE|NETT|\bNET\b|DUE|SUM|BAYAR/;
const RE_NOT_TOTAL =
  /TOTAL(QTY|QUANTITY|ITEM|NO|UNIT|PCS|SAV|DISC|POINT|WEIGHT|TAX|GST|VAT|SST)|QTY|ITEMS?:|SAVING|DISCOUNT|DISC\b|POINTS?|GSTAMOUNT|TAXAMOUNT|VATAMOUNT|GSTSUMMARY|TAXSUMMARY|ANALYSIS|CHANGE|CHG|BAKI|KEMBALI|CASH|TUNAI|TENDER|ROUND(ING)?ADJ|ROUNDING|ADJUSTMENT|DEPOSIT|VOUCHER|PREVIOUS|TIPS?\b|GRATUITY/;
const RE_CASH = /CASH|TUNAI|TENDER|RECEIVED|PAYMENT|BAYARAN|PAID(AMOUNT|AMT)|^PAID/;
const RE_CHANGE = /CHANGE|CHG|BAKI|KEMBALI|BALANCE(RETURN|CHANGE)/;
const RE_CARD =
  /VISA|MASTER|AMEX|CARD|DEBIT|CREDIT|KAD|EFTPOS|MAESTRO|UNIONPAY|GRABPAY|BOOST|TOUCHNGO|TNG|EWALLET|E-WALLET|PAYWAVE/;
const RE_ROUNDING = /ROUND/;
const RE_TAX = /GST|\bTAX|TAX\b|VAT|SST|SERVICECHARGE|SVC|MWST|TVA|IVA/;
const RE_TAX_ID = /(GST|TAX|VAT|SST)(ID|REG|NO|#|:?\d{6,})|REG\.?NO|COMPANY|CO\.?REG/;

interface Choice<T> {
  value: T;
  confidence: number;
  lines: number[];
}

/** "ROUNDED TOTAL 8.10" labels a total, not a rounding adjustment. */
const RE_ROUNDED_TOTAL = /ROUNDEDTOTAL|TOTALROUNDED|AFTERROUNDING/;
/** Header of a tax summary table ("GST Summary  Amount(RM)  Tax(RM)", "Code Amount Tax"). */
const RE_TAX_TABLE_HEAD = /(?=.*(GST|TAX|VAT|SST))(?=.*(SUMMARY|ANALYSIS|AMOUNT|AMT|CODE|RATE))/;
/** A tax rate in a table row: "SR 6%", "@6%", "S = 6%", "(0%)". */
const RE_RATE = /%|@\s?\d|(^|[^A-Z])[SZ]\s?=/;
/** Currency tokens are not label words ("RM 24.40" is a bare amount). */
const RE_CURRENCY_TOKEN = /(?<![A-Z])(RM|MYR|SGD|USD)(?![A-Z])/g;

function labelLetters(l: Line): number {
  return l.upper.replace(RE_CURRENCY_TOKEN, '').replace(/[^A-Z]/g, '').length;
}

function centre(l: Line): number {
  return l.bbox.top + l.bbox.height / 2;
}

interface LabelledAmount {
  line: Line;
  amount: Amount;
  /** label key (labelKey) of this amount */
  label: string;
}

/**
 * Amounts with their label. On a line with several amounts each takes the words just before it
 * ("TOTAL SAVING: 0.00  TOTAL 25.85"), or the whole line when those are not words ("SR 6% 73.87
 * 4.43"). A line of only an amount takes its label from the label-only line (no amount) above or
 * below it, whichever is nearer: label and value of one printed row are often separate OCR lines,
 * and on a skewed scan the value's line may sort first.
 */
function labelledAmounts(ls: Line[]): LabelledAmount[] {
  const out: LabelledAmount[] = [];
  const labelOnly = (x: Line | undefined) => !!x && x.amounts.length === 0 && labelLetters(x) >= 2;
  for (const l of ls) {
    let label = l;
    if (labelLetters(l) < 2) {
      const prev = ls[l.i - 1];
      const next = ls[l.i + 1];
      if (labelOnly(prev)) label = prev;
      // The line below only when it sits level with the amount (same printed row).
      const gap = next ? Math.abs(centre(next) - centre(l)) : Infinity;
      if (
        labelOnly(next) && gap < Math.max(l.bbox.height, next.bbox.height) &&
        (label === l || gap < Math.abs(centre(prev) - centre(l)))
      ) label = next;
    }
    l.amounts.forEach((a, k) => {
      let key = label.key;
      if (label === l && l.amounts.length > 1) {
        const from = k === 0 ? 0 : l.amounts[k - 1].index + l.amounts[k - 1].text.length;
        const words = l.text.slice(from, a.index);
        if (words.replace(RE_CURRENCY_TOKEN, '').replace(/[^A-Za-z]/g, '').length >= 2) {
          key = labelKey(words);
        }
      }
      out.push({ line: l, amount: a, label: key });
    });
  }
  return out;
}

/**
 * Lines of a tax summary table ("GST Summary / SR 6% 73.87 4.43 / TOTAL 73.87 4.43"): they repeat
 * the amounts before tax, and their own "TOTAL" row is not the receipt's total.
 */
function taxTableLines(ls: Line[]): Set<number> {
  const out = new Set<number>();
  const numbers = (l: Line) => (fixOcrDigits(l.text).match(/\d+(?:[.,]\d+)?/g) ?? []).length;
  for (const head of ls) {
    if (head.amounts.length > 0 || !RE_TAX_TABLE_HEAD.test(head.key)) continue;
    const rows: number[] = [];
    let rated = false;
    for (let k = head.i + 1; k < Math.min(ls.length, head.i + 8); k++) {
      const l = ls[k];
      if (RE_TOTAL_STRONG.test(l.key.replace(/INCL\.?(GST|TAX)/, ''))) break;
      // A table row has an amount and a second figure (its tax column); a caption line has none.
      if (l.amounts.length > 0 && numbers(l) >= 2) rows.push(k);
      else if (l.amounts.length > 0 || l.text.length > 24) break;
      if (RE_RATE.test(l.upper)) rated = true;
    }
    // Rates in the rows tell a tax table from an item table with a tax-code column.
    if (rated) rows.forEach((k) => out.add(k));
  }
  return out;
}

/** The amount rounded to the nearest 5 sen (Malaysian cash rounding). */
function roundTo5(c: Cents): Cents {
  const r = ((c % 5n) + 5n) % 5n;
  return r <= 2n ? c - r : c + (5n - r);
}

/** Signed rounding adjustments ("Rounding Adj -0.01", "(0.02)", OCR "~0.01"). */
function roundingAdjustments(items: LabelledAmount[]): { cents: Cents; line: number }[] {
  return items
    .filter(({ label, amount }) =>
      RE_ROUNDING.test(label) && !RE_ROUNDED_TOTAL.test(label) && amount.cents !== 0n &&
      (amount.cents < 0n ? -amount.cents : amount.cents) < 100n
    )
    .map(({ amount, line }) => ({
      cents: /[-(~]\s*(RM)?\s*$/i.test(line.text.slice(0, amount.index)) && amount.cents > 0n
        ? -amount.cents
        : amount.cents,
      line: line.i,
    }));
}

function pickTotal(
  ls: Line[],
  subtotal: Cents | null,
  tax: Cents | null,
  taxTable: Set<number>,
): Choice<Cents> | null {
  const items = labelledAmounts(ls);
  if (items.length === 0) return null;
  const scores = new Map<string, { score: number; lines: number[]; pos: number; hits: number }>();
  const tendered: Cents[] = [];
  const changes: Cents[] = [];
  for (const { amount, label: c } of items) {
    if (RE_CHANGE.test(c)) changes.push(amount.cents < 0n ? -amount.cents : amount.cents);
    else if (RE_CASH.test(c) && !RE_TOTAL_STRONG.test(c)) tendered.push(amount.cents);
  }
  const adjustments = roundingAdjustments(items);
  // Discounts and vouchers taken off after a total ("Discount 1.00", "Voucher -5.00").
  const deductions = items
    .filter(({ label, amount }) => /DISC|VOUCHER|^LESS/.test(label) && amount.cents !== 0n)
    .map(({ amount, line }) => ({
      cents: amount.cents < 0n ? amount.cents : -amount.cents,
      line: line.i,
    }));
  const rounding = adjustments.at(-1)?.cents ?? null;
  let maxPlain: Cents = 0n;
  for (const { line, amount, label: c } of items) {
    if (RE_CHANGE.test(c) || RE_CASH.test(c) || taxTable.has(line.i)) continue;
    if (amount.cents > maxPlain) maxPlain = amount.cents;
  }
  for (const { line, amount, label: c } of items) {
    let s = 0;
    // "GST included in total RM 0.70", "Total includes 6% GST 1.61" state the tax.
    const taxIncluded = RE_TAX.test(c) && /INCLUDE[DS]/.test(c);
    const strong = RE_TOTAL_STRONG.test(c) && !taxIncluded;
    // Tax lines ("GST AMT", "TAX 6%") are not totals unless they say the total includes tax.
    const taxLine = RE_TAX.test(c) && (!/INC/.test(c) || taxIncluded);
    const negative = RE_NOT_TOTAL.test(c) || RE_SUBTOTAL.test(c) || RE_CASH.test(c) || taxLine;
    if (strong && !RE_SUBTOTAL.test(c) && !/CHANGE|CASH|TENDER/.test(c)) s += 10;
    else if (RE_TOTAL_WEAK.test(c) && !negative) s += 7;
    if (negative && !strong) {
      if (RE_CHANGE.test(c)) s -= 6;
      else if (RE_CASH.test(c)) s -= 2;
      else s -= 4;
    }
    if (RE_CARD.test(c) && !RE_CASH.test(c)) s += 2;
    if (amount.cents <= 0n) s -= 20;
    if (taxTable.has(line.i)) s = Math.min(s, 0) - 5;
    // Amounts to the far left of a line (e.g. quantities in tables) are rarely the total.
    if (line.amounts.length > 1 && amount !== line.amounts[line.amounts.length - 1]) s -= 1;
    const key = amount.cents.toString();
    const prev = scores.get(key);
    if (!prev) scores.set(key, { score: s, lines: [line.i], pos: line.i, hits: 1 });
    else {
      prev.hits++;
      prev.lines.push(line.i);
      if (s > prev.score) prev.score = s;
      if (s >= prev.score) prev.pos = Math.max(prev.pos, line.i);
    }
  }
  const lastRoundingPos = Math.max(
    -1,
    ...items.filter(({ label }) => RE_ROUNDING.test(label) && !RE_ROUNDED_TOTAL.test(label)).map((
      { line },
    ) => line.i),
  );
  const labelledTotals = [...scores.entries()].filter(([, v]) => v.score >= 7);
  const lastLabelPos = Math.max(-1, ...labelledTotals.map(([, v]) => v.pos));
  const maxLabelled = labelledTotals.reduce((a, [k]) => (BigInt(k) > a ? BigInt(k) : a), 0n);
  let best: { cents: Cents; score: number; lines: number[]; pos: number } | null = null;
  let second = -Infinity;
  for (const [key, v] of scores) {
    const cents = BigInt(key);
    let s = v.score + Math.min(3, v.hits - 1) * 0.5;
    // The last total printed, when nothing labelled as a total above it is larger, is the final one.
    if (
      v.score >= 7 && v.pos === lastLabelPos && cents >= maxLabelled - 10n &&
      v.pos > lastRoundingPos
    ) s += 3;
    // A labelled total, then a rounding adjustment or a deduction, then this: the final figure.
    for (const r of [...adjustments, ...deductions]) {
      const from = scores.get((cents - r.cents).toString());
      if (from && from.score >= 7 && from.lines[0] < r.line && r.line < v.pos) {
        s += 5;
        break;
      }
    }
    // Tendered minus change is what was due.
    if (cents > 0n && tendered.some((t) => changes.some((x) => t - x === cents))) s += 6;
    if (subtotal !== null && tax !== null && subtotal + tax === cents) s += 3;
    if (subtotal !== null && tax === null && subtotal === cents) s += 1;
    // With no total labelled at all (its line lost or never printed), the subtotal is the total.
    if (labelledTotals.length === 0 && subtotal === cents) s += 4;
    if (
      rounding !== null && subtotal !== null && tax !== null && subtotal + tax + rounding === cents
    ) {
      s += 3;
    }
    if (cents === maxPlain && cents > 0n) s += 2;
    if (!best || s > best.score || (s === best.score && v.pos > best.pos)) {
      if (best) second = Math.max(second, best.score);
      best = { cents, score: s, lines: v.lines, pos: v.pos };
    } else second = Math.max(second, s);
  }
  if (!best || best.score < 0) return null;
  const rounded = roundedBelow(ls, scores, best);
  if (rounded) best = rounded;
  const margin = best.score - (second === -Infinity ? 0 : second);
  const base = best.score >= 10 ? 0.75 : best.score >= 7 ? 0.6 : 0.35;
  const confLine = ls[best.lines[best.lines.length - 1]]?.conf ?? 0.8;
  const confidence = Math.min(0.99, (base + Math.min(0.2, margin * 0.03)) * (0.5 + confLine / 2));
  return { value: best.cents, confidence, lines: best.lines };
}

/**
 * A total that is not a multiple of 5 sen, followed within a few lines by the same total rounded
 * to 5 sen: the rounded one is what was paid, whether or not OCR kept its label ("POTAL ROUNDED",
 * "Fol Art Feyable") or the adjustment line between them.
 */
function roundedBelow(
  ls: Line[],
  scores: Map<string, { score: number; lines: number[]; pos: number }>,
  best: { cents: Cents; score: number; lines: number[]; pos: number },
): { cents: Cents; score: number; lines: number[]; pos: number } | null {
  const target = roundTo5(best.cents);
  if (target === best.cents || best.cents <= 0n) return null;
  const v = scores.get(target.toString());
  if (!v) return null;
  const from = best.pos;
  const below = v.lines.filter((i) => i > from && i <= from + 4 && !RE_CHANGE.test(ls[i].key));
  if (below.length === 0) return null;
  return { cents: target, score: Math.max(best.score, v.score), lines: v.lines, pos: v.pos };
}

function pickLabelled(
  ls: Line[],
  label: RegExp,
  exclude: RegExp | null,
  skip: Set<number> = new Set(),
): Choice<Cents> | null {
  for (let k = ls.length - 1; k >= 0; k--) {
    const l = ls[k];
    if (skip.has(k) || !label.test(l.key) || (exclude && exclude.test(l.key))) continue;
    let amounts = l.amounts;
    // A label alone on its line takes a bare amount on the next line (not a table row below it).
    const next = ls[k + 1];
    if (amounts.length === 0 && next && next.amounts.length === 1 && labelLetters(next) < 2) {
      amounts = next.amounts;
    }
    if (amounts.length === 0) continue;
    const a = amounts[amounts.length - 1];
    return { value: a.cents, confidence: 0.6 * (0.5 + l.conf / 2), lines: [l.i] };
  }
  return null;
}

/**
 * "Total incl. GST 12.30", "Amt Paid excl. GST 73.87", "Nett of Tax 31.98": amounts before or
 * after tax, not the tax ("Total includes 6% GST 1.61" and "GST included in total 0.70" are).
 */
const RE_NOT_TAX_AMOUNT =
  /(TOTAL|AMT|AMOUNT|PAID|SALES|SUPPLIES|PRICE|NETT?)\W*.*(INCL|EXCL|INC\.|INC\(|INC\)|EXCLUDED|NETTOF|NETOF|BEFORE|WITHOUT)\W*(USIVE|UDING)?\W*(OF)?\W*(GST|TAX|SST|VAT)/;

function pickTax(ls: Line[], taxTable: Set<number>): Choice<Cents> | null {
  // Tax is a small part of what was paid; a "tax" line with nearly the largest amount is misread.
  let largest: Cents = 0n;
  for (const l of ls) {
    if (RE_CASH.test(l.key) || RE_CHANGE.test(l.key)) continue;
    for (const a of l.amounts) if (a.cents > largest) largest = a.cents;
  }
  const candidates = ls.filter((l) => {
    if (l.amounts.length === 0) return false;
    const a = l.amounts[l.amounts.length - 1];
    if (a.cents < 0n || a.cents * 4n > largest) return false;
    if (taxTable.has(l.i)) return true;
    return RE_TAX.test(l.key) && !RE_TAX_ID.test(l.key) && !RE_SUBTOTAL.test(l.key) &&
      !(RE_NOT_TAX_AMOUNT.test(l.key) && !/INCLUDE[DS]/.test(l.key));
  });
  if (candidates.length === 0) return null;
  // Prefer explicit tax totals ("TOTAL GST", "GST AMOUNT", "GST PAYABLE"), then from the bottom up.
  const scored = candidates.map((l) => {
    let s = 0;
    if (/TOTAL(GST|TAX|VAT|SST)|(GST|TAX|VAT|SST)(AMOUNT|AMT|TOTAL|PAYABLE)/.test(l.key)) {
      s += 3;
    }
    if (/%/.test(l.upper)) s -= 1;
    if (/EXCL|INCL|SUMMARY|ANALYSIS/.test(l.key) || taxTable.has(l.i)) s -= 1;
    if (l.amounts[l.amounts.length - 1].cents === 0n) s -= 2;
    return { l, s };
  });
  scored.sort((a, b) => b.s - a.s || b.l.i - a.l.i);
  const l = scored[0].l;
  const a = l.amounts[l.amounts.length - 1];
  return { value: a.cents, confidence: 0.55 * (0.5 + l.conf / 2), lines: [l.i] };
}

// ---------------------------------------------------------------- dates and times

const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  SEPT: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
  JANUARY: 1,
  FEBRUARY: 2,
  MARCH: 3,
  APRIL: 4,
  JUNE: 6,
  JULY: 7,
  AUGUST: 8,
  SEPTEMBER: 9,
  OCTOBER: 10,
  NOVEMBER: 11,
  DECEMBER: 12,
  // Malay / German / French / Spanish short forms that differ from English
  MEI: 5,
  OGOS: 8,
  OKT: 10,
  DIS: 12,
  MAI: 5,
  DEZ: 12,
  MRZ: 3,
  JANV: 1,
  FEVR: 2,
  AVR: 4,
  JUIN: 6,
  JUIL: 7,
  AOUT: 8,
  ENE: 1,
  ABR: 4,
  AGO: 8,
  DIC: 12,
};

interface DateHit {
  y: number;
  /** first and second numeric fields for numeric dates (order unresolved), or resolved m/d */
  a: number;
  b: number;
  /** 'ymd' | 'named' are resolved (a = month, b = day); 'num' needs day/month order */
  kind: 'resolved' | 'num';
  line: number;
  /** on a line with a date label ("DATE:", "TARIKH") and not qualified as some other date */
  labelled: boolean;
  /** qualified as another date than the sale's: due, expiry, validity, birth, membership */
  other: boolean;
  /** qualified as a print date: the sale's day on most receipts, but not on a reprint */
  printed: boolean;
  /** read by re-inserting separators that OCR dropped or misread: less sure than a clean read */
  repaired: boolean;
}

type DateReading = Pick<DateHit, 'y' | 'a' | 'b' | 'kind'>;

const RE_DATE_LABEL = /DATE|TARIKH|DATUM|FECHA|\bDT\b|INVOICEDATE|BILLDATE/;

/** Words that make the date after them another date than the sale's. */
const RE_OTHER_DATE =
  /\b(?:DUE|EXP|EXPIRY|EXPIRES|EXPIRED|EXPIRATION|VALID|UNTIL|THRU|BEST BEFORE|USE BY|BIRTH|DOB|SINCE|JOINED|LUPUT|SEHINGGA)\b/;

const RE_PRINT_DATE = /PRINT/;

/** Years a receipt date can plausibly carry; repairs and fuzzy month names must land in it. */
function plausibleYear(y: number): boolean {
  return y >= 2000 && y <= 2035;
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

function validDate(y: number, m: number, d: number): boolean {
  if (!(y >= 1990 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${
    String(d).padStart(2, '0')
  }`;
}

/**
 * Repairs OCR confusions inside date-like runs ("O2/O6/2018", "2O18", "20l7"). Each field keeps a
 * digit and the run starts a word, so a word's last letter is left alone ("TOTAL. 25.85").
 */
function fixDateText(s: string): string {
  return s.replace(
    /(?<![A-Z])[0-9OolLIS|]{1,4}(?:\s?[-/.]\s?[0-9OolLIS|]{1,4}){2}/g,
    (m) =>
      m.split(/[-/.]/).every((f) => /\d/.test(f))
        ? m.replace(/[Oo]/g, '0').replace(/[lLI|]/g, '1').replace(/S/g, '5')
        : m,
  );
}

/** Letter groups thermal-print OCR confuses within a month name ("NOY" for NOV, "JUI" for JUL). */
const MONTH_LETTER_CONFUSIONS = ['VYU', 'ODQ', 'CG', 'IL', 'NHM', 'EF', 'PF'];

function confusable(x: string, y: string): boolean {
  return MONTH_LETTER_CONFUSIONS.some((g) => g.includes(x) && g.includes(y));
}

/** The month of a three-letter name with one commonly misread letter, when only one fits. */
function fuzzyMonth(word: string): number | null {
  if (word.length !== 3) return null;
  const near = new Set<number>();
  for (const [name, month] of Object.entries(MONTHS)) {
    if (name.length !== 3) continue;
    const diffs = [...name].filter((c, i) => c !== word[i]);
    if (diffs.length === 1 && [...name].every((c, i) => c === word[i] || confusable(c, word[i]))) {
      near.add(month);
    }
  }
  return near.size === 1 ? [...near][0] : null;
}

/** Characters a printed date separator ("/", "-", ".") comes out as, misread ones included. */
const SEPARATOR_READS = new Set(['/', '-', '.', ',', '\\', '1', '7', 'I', 'L', '|']);
const DIGIT_READS: Record<string, string> = { O: '0', I: '1', L: '1', '|': '1' };

/**
 * The one date a run of digits can be once the separators OCR dropped or turned into digits are
 * put back ("250412017" is 25/04/2017 with the first "/" lost and the second read as "1"). Fields
 * must be zero-padded (dd mm yyyy, mm dd yyyy or yyyy mm dd) with at most one character between
 * them; null unless exactly one reading is a valid date in a plausible year.
 */
function readMangledDate(token: string): DateReading | null {
  const readings = new Map<string, DateReading>();
  const digitsAt = (at: number, width: number): number | null => {
    const f = [...token.slice(at, at + width)].map((c) => DIGIT_READS[c] ?? c).join('');
    return f.length === width && /^\d+$/.test(f) ? Number(f) : null;
  };
  for (const widths of [[2, 2, 4], [4, 2, 2]]) {
    for (const gaps of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      if (token.length !== 8 + gaps[0] + gaps[1]) continue;
      const fields: number[] = [];
      let at = 0;
      for (let k = 0; k < 3; k++) {
        if (k > 0 && gaps[k - 1] === 1 && !SEPARATOR_READS.has(token[at++])) break;
        const f = digitsAt(at, widths[k]);
        if (f === null) break;
        fields.push(f);
        at += widths[k];
      }
      if (fields.length !== 3) continue;
      const r: DateReading = widths[0] === 4
        ? { y: fields[0], a: fields[1], b: fields[2], kind: 'resolved' }
        : { y: fields[2], a: fields[0], b: fields[1], kind: 'num' };
      const valid = r.kind === 'resolved'
        ? validDate(r.y, r.a, r.b)
        : validDate(r.y, r.a, r.b) || validDate(r.y, r.b, r.a);
      if (valid && plausibleYear(r.y)) readings.set(`${r.kind}:${r.y}:${r.a}:${r.b}`, r);
    }
  }
  return readings.size === 1 ? [...readings.values()][0] : null;
}

/**
 * The date in a run of characters that may end in a glued hour ("25041201710" before ":30"):
 * separators around spaces are closed up and a space left between digits stands for a separator.
 */
function readMangledRun(run: string, gluedHour: boolean): DateReading[] {
  const words = run.trim().replace(/\s*([/\\.,-])\s*/g, '$1').split(/\s+/);
  const candidates: string[] = [];
  for (let n = 1; n <= Math.min(words.length, 4); n++) {
    const c = words.slice(0, n).join('/');
    candidates.push(c);
    if (gluedHour && n === words.length) candidates.push(c.slice(0, -1), c.slice(0, -2));
  }
  const found = new Map<string, DateReading>();
  for (const c of candidates) {
    const r = readMangledDate(c.replace(/^[/\\.,-]+|[/\\.,-]+$/g, ''));
    if (r) found.set(`${r.kind}:${r.y}:${r.a}:${r.b}`, r);
  }
  return found.size === 1 ? [...found.values()] : [];
}

/**
 * Dates whose separators OCR lost, on a line where no clean date was found. Only where the shape
 * cannot be an id: straight after a date label, or before a clock time with a separator left.
 */
function mangledDates(s: string): { r: DateReading; index: number }[] {
  const out: { r: DateReading; index: number }[] = [];
  const afterLabel =
    /(?:DATE|TARIKH|DATUM|FECHA)(?:\s?[/&]\s?TIME)?\s?[:：;.#=+*-]*\s?([0-9OIL|/\\.,\- ]+)/g;
  for (const m of s.matchAll(afterLabel)) {
    const index = (m.index ?? 0) + m[0].length - m[1].length;
    for (const r of readMangledRun(m[1], s[index + m[1].length] === ':')) out.push({ r, index });
  }
  if (out.length > 0) return out;
  const beforeTime =
    /(?<![\w/.,-])([0-9OIL|/\\.,-]{8,12})(?=\s?(?:[01]?\d|2[0-3]):[0-5]\d|:[0-5]\d)/g;
  for (const m of s.matchAll(beforeTime)) {
    if (!/\d[-/.]\d/.test(m[1])) continue;
    const index = m.index ?? 0;
    for (const r of readMangledRun(m[1], s[index + m[1].length] === ':')) out.push({ r, index });
  }
  return out;
}

/** The words just before a date on its line, back to any earlier date (at most 24 characters). */
function textBefore(s: string, index: number): string {
  const w = s.slice(Math.max(0, index - 24), index);
  const earlierDate = /.*\d\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{2}/.exec(w);
  return earlierDate ? w.slice(earlierDate[0].length) : w;
}

function findDates(l: Line): DateHit[] {
  const hits: DateHit[] = [];
  const s = fixDateText(l.upper)
    // Dates glued to times ("25-03-201809:42:19", "11 APR 201818:13") get a space before the time.
    .replace(/(\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?(?:\d{4}|\d{2}))(?=\d{1,2}:\d{2})/g, '$1 ')
    .replace(/(?<!\d)(20\d{2})(?=(?:[01]?\d|2[0-3]):[0-5]\d)/g, '$1 ')
    // A comma for a dot in a dotted date ("25,04.2017").
    .replace(
      /(?<![\d.,])(\d{1,2})\s?([.,])\s?(\d{1,2})\s?([.,])\s?(20\d{2})(?!\d)/g,
      (m, d, s1, mo, s2, y) => s1 === ',' || s2 === ',' ? `${d}.${mo}.${y}` : m,
    )
    .replace(/(?<=[A-Z])0(?=[A-Z])|(?<=\b)0(?=[A-Z]{2}\b)/g, 'O');
  const lineLabelled = RE_DATE_LABEL.test(l.compact);
  const add = (r: DateReading, index: number, repaired = false) => {
    const before = textBefore(s, index);
    const other = RE_OTHER_DATE.test(before);
    hits.push({
      ...r,
      line: l.i,
      labelled: lineLabelled && !other,
      other,
      printed: !other && RE_PRINT_DATE.test(before),
      repaired,
    });
  };
  let m: RegExpExecArray | null;
  // yyyy-mm-dd / yyyy/mm/dd / yyyy.mm.dd
  const reYmd = /(?<!\d)(\d{4})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?(\d{1,2})(?!\d)/g;
  while ((m = reYmd.exec(s))) {
    const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    if (validDate(y, mo, d)) add({ y, a: mo, b: d, kind: 'resolved' }, m.index);
  }
  // dd/mm/yyyy, mm/dd/yyyy, dd-mm-yy, dd.mm.yy
  const reNum = /(?<![\d.,])(\d{1,2})\s?([-/.])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d.,]?\d)/g;
  while ((m = reNum.exec(s))) {
    const a = Number(m[1]), b = Number(m[3]), y = fullYear(m[4]);
    if (validDate(y, b, a) || validDate(y, a, b)) add({ y, a, b, kind: 'num' }, m.index);
  }
  // dd Mon yyyy, dd-Mon-yy, dd/Mon/yyyy, ddMonyyyy
  const reDmy = /(?<!\d)(\d{1,2})\s?[-/. ]?\s?([A-Z]{3,9})\.?\s?[-/., ]?\s?(\d{4}|\d{2})(?!\d)/g;
  while ((m = reDmy.exec(s))) {
    const d = Number(m[1]), y = fullYear(m[3]);
    const mo = MONTHS[m[2]] ?? (plausibleYear(y) ? fuzzyMonth(m[2]) : null);
    if (mo && validDate(y, mo, d)) add({ y, a: mo, b: d, kind: 'resolved' }, m.index);
  }
  // Mon dd, yyyy
  const reMdy = /(?<![A-Z])([A-Z]{3,9})\.?\s?(\d{1,2})(?:ST|ND|RD|TH)?\s?[.,]?\s?(\d{4})(?!\d)/g;
  while ((m = reMdy.exec(s))) {
    const d = Number(m[2]), y = Number(m[3]);
    const mo = MONTHS[m[1]] ?? (plausibleYear(y) ? fuzzyMonth(m[1]) : null);
    if (mo && validDate(y, mo, d)) add({ y, a: mo, b: d, kind: 'resolved' }, m.index);
  }
  // yyyymmdd only next to a date label (8-digit numbers are usually ids)
  if (lineLabelled) {
    const re8 = /(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)/g;
    while ((m = re8.exec(s))) {
      const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
      if (validDate(y, mo, d)) add({ y, a: mo, b: d, kind: 'resolved' }, m.index);
    }
  }
  if (hits.length === 0) {
    for (const { r, index } of mangledDates(s)) add(r, index, true);
  }
  return hits;
}

function monthFirstLocale(locale: string | undefined): boolean | null {
  if (!locale) return null;
  const region = locale.split(/[-_]/)[1]?.toUpperCase();
  if (region && ['US', 'PH', 'FM', 'MH', 'PW', 'GU', 'AS', 'PR', 'VI', 'UM'].includes(region)) {
    return true;
  }
  if (!region && /^en$/i.test(locale)) return null;
  return false;
}

/**
 * How strongly a date reads as the sale's: a date label counts most (a print date's a little
 * less), a repaired reading a little less than a clean one, and a due/expiry/validity date least.
 */
function dateScore(h: DateHit): number {
  const base = 1 + (plausibleYear(h.y) ? 1 : -2) - (h.repaired ? 1 : 0);
  if (h.other) return base - 2;
  return base + (h.labelled ? (h.printed ? 2 : 3) : 0);
}

function pickDate(ls: Line[], locale: string | undefined): Choice<string> | null {
  let hits = ls.flatMap(findDates);
  // Dates in the previous receipt's tail above this one's header are that receipt's.
  const start = headerStart(ls);
  if (start > 0 && hits.some((h) => h.line >= start)) hits = hits.filter((h) => h.line >= start);
  if (hits.length === 0) return null;
  // Evidence for the numeric order: any clean numeric date in a plausible year that is valid only
  // one way round.
  let dayFirstVotes = 0, monthFirstVotes = 0;
  for (const h of hits) {
    if (h.kind !== 'num' || h.repaired || !plausibleYear(h.y)) continue;
    const df = validDate(h.y, h.b, h.a);
    const mf = validDate(h.y, h.a, h.b);
    if (df && !mf) dayFirstVotes++;
    if (mf && !df) monthFirstVotes++;
  }
  const localeMf = monthFirstLocale(locale);
  const monthFirst = monthFirstVotes > dayFirstVotes
    ? true
    : dayFirstVotes > monthFirstVotes
    ? false
    : localeMf ?? false;
  const evidence = monthFirstVotes !== dayFirstVotes || localeMf !== null;
  const scored = new Map<
    string,
    { s: number; lines: number[]; ambiguous: boolean; repaired: boolean }
  >();
  for (const h of hits) {
    let m = h.a, d = h.b, ambiguous = false;
    if (h.kind === 'num') {
      const df = validDate(h.y, h.b, h.a);
      const mf = validDate(h.y, h.a, h.b);
      if (df && mf && h.a !== h.b) ambiguous = !evidence;
      if ((monthFirst && mf) || !df) {
        m = h.a;
        d = h.b;
      } else {
        m = h.b;
        d = h.a;
      }
    }
    const key = iso(h.y, m, d);
    const s = dateScore(h);
    const prev = scored.get(key);
    if (!prev) scored.set(key, { s, lines: [h.line], ambiguous, repaired: h.repaired });
    else {
      prev.s += s * 0.5;
      prev.lines.push(h.line);
      prev.repaired &&= h.repaired;
    }
  }
  const ranked = [...scored.entries()].sort((x, y) =>
    y[1].s - x[1].s || x[1].lines[0] - y[1].lines[0]
  );
  const [key, v] = ranked[0];
  const conf = ls[v.lines[0]]?.conf ?? 0.8;
  let confidence = (v.s >= 4 ? 0.85 : 0.65) * (0.6 + conf * 0.4);
  if (v.ambiguous) confidence *= 0.75;
  if (v.repaired) confidence *= 0.8;
  if (ranked.length > 1 && ranked[1][1].s >= v.s) confidence *= 0.8;
  return { value: key, confidence, lines: v.lines };
}

function pickTime(ls: Line[]): Choice<string> | null {
  for (const l of ls) {
    const s = l.upper.replace(/(?<=\d)\s?[;.](?=\d{2}\b)/g, ':');
    const m =
      /(?<![\d:])([01]?\d|2[0-3])\s?:\s?([0-5]\d)(?:\s?:\s?([0-5]\d))?\s?(AM|PM|A\.M\.|P\.M\.)?(?!\d)/
        .exec(s);
    if (!m) continue;
    let h = Number(m[1]);
    const ap = m[4]?.replace(/\./g, '');
    if (ap === 'PM' && h < 12) h += 12;
    if (ap === 'AM' && h === 12) h = 0;
    const t = `${String(h).padStart(2, '0')}:${m[2]}${m[3] ? `:${m[3]}` : ''}`;
    return { value: t, confidence: 0.7 * (0.5 + l.conf / 2), lines: [l.i] };
  }
  return null;
}

// ---------------------------------------------------------------- vendor and address

export { fixAddressText };

const RE_COMPANY =
  /\b(SDN\.?\s?BHD|BHD|BERHAD|ENTERPRISE|ENTERPRISES|TRADING|PTE\.?\s?LTD|PTY\.?\s?LTD|LTD|LIMITED|LLC|L\.L\.C|INC|CORP|CORPORATION|CO\.|COMPANY|GMBH|AG|S\.?A\.?R\.?L|SARL|S\.?A\.?|B\.?V\.?|PLC|RESTAURANT|RESTORAN|CAFE|KEDAI|MART|MARKET|SUPERMARKET|HYPERMARKET|STORE|STORES|SHOP|BOOKSTORE|BAKERY|PHARMACY|FARMASI|HARDWARE|STATIONERY|FOOD|TRADING|HOLDINGS|INDUSTRIES|SERVICES|CENTRE|CENTER|HOTEL|STATION|MINI\s?MARKET|ELECTRICAL|MACHINERY|GROCER|GROCERY|KITCHEN|BISTRO|BAR|GRILL|PIZZA|SUSHI|BURGER|COFFEE|TEA|NASI|MAMAK)\b/;
const RE_COMPANY_COMPACT =
  /SDNBHD|SDN\.BHD|BERHAD|ENTERPRISE|TRADING|PTELTD|PTYLTD|RESTAURANT|RESTORAN|SUPERMARKET|HYPERMARKET|STATIONERY|HARDWARE|PHARMACY|FARMASI|BOOKSTORE|MINIMARKET|MACHINERY|ELECTRICAL|GROCER/;
const RE_NOT_VENDOR =
  /TAXINVOICE|INVOICE|RECEIPT|RESIT|CASHSALE|CASHBILL|SIMPLIFIED|OFFICIALRECEIPT|WELCOME|THANKYOU|TEL|PHONE|FAX|EMAIL|E-MAIL|WWW\.|HTTP|\.COM|GSTID|GSTREG|GSTNO|SSTID|COREG|COMPANYREG|REG\.?NO|BRANCH|OUTLET|CASHIER|DATE|TABLE|ORDER|MEMBER|COPY|DUPLICATE|REPRINT|OPENINGHOURS|HOTLINE|CUSTOMER/;
const RE_ADDRESS =
  /\b(JALAN|JLN|LORONG|LRG|TAMAN|TMN|PERSIARAN|BANGUNAN|KAWASAN|MUKIM|SIMPANG|LEBUH|LEBUHRAYA|KAMPUNG|KG|BANDAR|BDR|PUSAT|KOMPLEKS|WISMA|MENARA|PLAZA|BLOK|BLOCK|BLK|LOT|UNIT|LEVEL|FLOOR|TINGKAT|ARAS|SEKSYEN|SECTION|SS\d+|USJ|PJU|PJS|ROAD|RD|STREET|ST|AVENUE|AVE|LANE|DRIVE|DR|BOULEVARD|BLVD|HIGHWAY|HWY|SUITE|STE|BUILDING|BLDG|CENTRE|CENTER|MALL|PARK|INDUSTRIAL|PERINDUSTRIAN|SQUARE|STRASSE|STRAßE|STR\.|PLATZ|RUE|AVENIDA|CALLE|VIA|KUALA\s?LUMPUR|SELANGOR|JOHOR|PENANG|PULAU\s?PINANG|PERAK|KEDAH|MELAKA|MALACCA|PAHANG|SABAH|SARAWAK|KELANTAN|TERENGGANU|NEGERI\s?SEMBILAN|PERLIS|PUTRAJAYA|LABUAN|MALAYSIA|SINGAPORE|DARUL\s?EHSAN|DARUL\s?TAKZIM|SHAH\s?ALAM|PETALING\s?JAYA|SUBANG|KLANG|PUCHONG|CHERAS|KAJANG|AMPANG|SERI\s?KEMBANGAN|SKUDAI|SETIA\s?ALAM|RAWANG|SEREMBAN)\b/;
const RE_POSTCODE =
  /(?<![\d-])\d{5}(?![\d-])|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|(?<!\d)\d{4}(?!\d)\s+[A-Z]{3,}/;
const RE_ADDRESS_STOP =
  /TAXIN|TEL|PHONE|\bH\/?P\b|FAX|EMAIL|E-MAIL|WWW|HTTP|\.COM|GST|SST|VAT|TAXINVOICE|INVOICE|RECEIPT|RESIT|CASHIER|DATE|TIME|TABLE|BILL|ORDER|OPENINGHOURS|HOTLINE|DOC(UMENT)?NO|SALESPERSON|MEMBER|COUNTER|SERVER|STAFF|TERMINAL|POS\b|SLIP|TRANS/;

function letterRatio(s: string): number {
  const letters = s.replace(/[^A-Za-z]/g, '').length;
  const visible = s.replace(/\s/g, '').length || 1;
  return letters / visible;
}

/**
 * Repairs digits that OCR put inside words ("Ja1an", "SH0PP1NG", "L0T"): a 0/1/5 between two
 * letters becomes O, l or I (by the case around it), S. Tokens such as "U1/48", "SS21" are kept.
 */
export function fixOcrLetters(text: string): string {
  return text.replace(/(?<=[A-Za-z])[015](?=[A-Za-z])/g, (d, offset: number) => {
    const prev = text[offset - 1];
    if (d === '0') return prev === prev.toLowerCase() ? 'o' : 'O';
    if (d === '5') return prev === prev.toLowerCase() ? 's' : 'S';
    return prev === prev.toLowerCase() ? 'l' : 'I';
  });
}

function cleanVendor(s: string): string {
  return fixOcrLetters(s)
    .replace(/^[\s|!.,:;*_~=-]+/, '') // the paper's edge read as "|" ahead of the name
    .replace(/^\s*(?:(?:OWNED|OWN|OPERATED|MANAGED)\s*BY|DIMILIKI(?:\s*OLEH)?)\s*:?\s*/i, '')
    .replace(/\bS[O0]N\.?\s?(BHD|BERHAD)\b/gi, 'SDN $1')
    .replace(
      /(?<=[A-Z])(SDN\.?BHD|PTE\.?LTD|PTY\.?LTD)$/i,
      (m) => ` ${m.slice(0, 3)} ${m.slice(-3)}`,
    )
    // A legal suffix split or misread by OCR: "B HD", "BH D", "S DN", "BIID" (H read as II).
    .replace(/\b(?:B\s+HD|BH\s+D)\b/g, 'BHD')
    .replace(/\bS\s+DN\b/g, 'SDN')
    .replace(/\b(SDN\.?\s?)[B8](?:H|II|IH|HI)[D0O]\b/g, '$1BHD')
    .replace(/\s*[(（][^()（）]*\d{4,}[^()（）]*(?:[)）]|$)/g, '') // (1135772-K), （759705-H）
    .replace(/\s+\S*\d{5,}-?[A-Z]?\)?\s*$/i, '') // unbalanced "S19537-X)"
    // "(CO. REG. NO: 1135772-K)"; a parenthesis without digits is part of the name
    // ("TESCO STORES (MALAYSIA) SDN BHD", "MR. D.I.Y. (KUCHAI) SDN BHD").
    .replace(/\((?:CO\.?\s*)?(?:REG\.?\s*)?(?:NO\.?)?\s*:?\s*(?=[A-Z-]*\d)[\dA-Z-]{5,}\)/gi, '')
    // Speckle read after the legal suffix ("SDN. BHD. L", "SDN BHD (I"): the suffix ends the name.
    .replace(/\b((?:SDN\.?\s?)?(?:BHD|BERHAD))(\.?)\s+[(（]?[A-Z]{1,2}$/i, '$1$2')
    .replace(/\b(?:CO\.?\s*REG\.?\s*NO\.?|COMPANY\s*NO\.?|ROC)\s*:?\s*[\dA-Z-]+$/i, '')
    .replace(/^\W*(?:WELCOME\s+TO\s+)?/i, '')
    .replace(/[\s.,:;|*_~-]+$/g, '')
    .replace(/^[\s.,:;|*_~-]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const RE_REGISTRATION =
  /REG(ISTRATION)?\.?(NO|#|:)|CO\.?-?REG|CO\.?NO|COMPANYNO|ROC\b|\(?\d{5,}-[A-Z]\)?|BUSINESSNO|ABN|\bVAT\s?NO/;

/** The last word of a complete address: a state or country. */
const RE_ADDRESS_END =
  /\b(SELANGOR|JOHOR|KEDAH|KELANTAN|MELAKA|MALACCA|SEMBILAN|PAHANG|PERAK|PERLIS|PENANG|PINANG|SABAH|SARAWAK|TERENGGANU|PUTRAJAYA|LABUAN|MALAYSIA|SINGAPORE|EHSAN|TAKZIM)\W*$/;

function isAddressLine(l: Line): boolean {
  const u = l.upper.replace(/([A-Z])(?=JALAN|JLN|TAMAN)/g, '$1 ');
  if (RE_REGISTRATION.test(l.compact) && !RE_ADDRESS.test(u)) return false;
  return RE_ADDRESS.test(u) || RE_ADDRESS.test(l.upper.replace(/[,.]/g, ' ')) ||
    RE_POSTCODE.test(l.upper) ||
    /^(NO|LOT|UNIT|BLK|BLOCK)\b\.?\s*\d|^\d+[A-Z]?(?:[-/,&]\s?\d+[A-Z]?)*[,\s]+[A-Z]/.test(l.upper);
}

/** Closing phrases printed at the foot of a receipt. */
const RE_FOOTER =
  /THANKYOU|THANKS|VISITUSAGAIN|VISITAGAIN|COMEAGAIN|SEEYOUAGAIN|HAVEANICEDAY|GOODSSOLD|NOTREFUNDABLE|NONREFUNDABLE|NOTRETURNABLE|NOTEXCHANGEABLE|RETURNABLEOREXCHANGEABLE|TERIMAKASIH|BARANGYANGTELAHDIBELI/;

/**
 * Where this receipt's header starts. A photo of a receipt cut from a roll often shows the foot of
 * the previous receipt above the header ("THANK YOU", "GOODS SOLD ARE NOT RETURNABLE", cashier,
 * date): the header starts after that tail.
 */
function headerStart(ls: Line[]): number {
  let footer = -1;
  for (let k = 0; k < Math.min(ls.length, 10); k++) {
    if (RE_FOOTER.test(ls[k].compact)) footer = k;
  }
  if (footer < 0) return 0;
  // A company name above the closing phrase means this is the header itself ("ABC MART / THANK
  // YOU FOR SHOPPING"), not a previous receipt's tail.
  if (ls.slice(0, footer).some((l) => RE_COMPANY.test(l.upper) && letterRatio(l.text) > 0.6)) {
    return 0;
  }
  let k = footer + 1;
  // The tail's own cashier/date/amount lines and scraps.
  while (
    k < ls.length && k <= footer + 4 &&
    (findDates(ls[k]).length > 0 || ls[k].amounts.length > 0 || RE_NOT_VENDOR.test(ls[k].compact) ||
      ls[k].compact.replace(/[^A-Z]/g, '').length < 3 || RE_FOOTER.test(ls[k].compact))
  ) k++;
  // Only when a header plausibly follows (a few lines of text).
  const rest = ls.slice(k, k + 6).filter((l) => letterRatio(l.text) > 0.5).length;
  return rest >= 3 ? k : 0;
}

/** A document title line ("TAX INVOICE", "SIMPLIFIED TAX INVOICE", "OFFICIAL RECEIPT"). */
const RE_TITLE = /^(SIMPLIFIED)?(TAX|CASH|OFFICIAL|SALES?)?(INVOICE|RECEIPT|BILL)|^RESIT|^INVOIS/;

/** A line that could be a business name: mostly letters, not a label or contact line. */
function plausibleName(l: Line): boolean {
  return l.compact.replace(/[^A-Z]/g, '').length >= 5 && letterRatio(l.text) > 0.6 &&
    !RE_NOT_VENDOR.test(l.compact);
}

/** The header: lines above the first line that carries a date, an amount or an invoice title. */
function headerEnd(ls: Line[], start = 0): number {
  const end = Math.min(ls.length, start + 14);
  for (let k = start; k < end; k++) {
    const l = ls[k];
    if (k >= start + 2 && (findDates(l).length > 0 || l.amounts.length > 0)) return k;
    // Below the document title come customer ("bill to") and transaction details.
    const letters = l.compact.replace(/[^A-Z]/g, '');
    if (
      k >= start + 2 && letters.length <= 24 && RE_TITLE.test(letters) &&
      ls.slice(start, k).some(plausibleName)
    ) return k;
  }
  return end;
}

/** Legal-entity suffixes: the line naming the company that issued the receipt. */
const RE_LEGAL =
  /\b(SDN\.?\s?BHD|S\/B|BHD|BERHAD|PTE\.?\s?LTD|PTY\.?\s?LTD|LTD|LIMITED|LLC|L\.L\.C|INC|CORP|CORPORATION|GMBH|PLC|ENTERPRISES?|TRADING)\b\.?/;

/** A line that only finishes a company name: an optional place or "(M)" and the legal suffix. */
const RE_SUFFIX_LINE =
  /^(?:[(（][^()（）\d]{1,30}[)）]\s*)?(SDN\.?\s?BHD|BHD|BERHAD|PTE\.?\s?LTD|LTD|LIMITED|INC|LLC)\b/;

function pickVendor(ls: Line[]): Choice<string> | null {
  const start = headerStart(ls);
  const end = headerEnd(ls, start);
  if (end === start) return null;
  const heights = ls.slice(start, end).map((l) => l.bbox.height).filter((h) => h > 0).sort();
  const medianH = heights[Math.floor(heights.length / 2)] || 0;
  let best: { l: Line; s: number } | null = null;
  for (let k = start; k < end; k++) {
    const l = ls[k];
    const letters = l.compact.replace(/[^A-Z]/g, '').length;
    if (letters < 3) continue;
    let s = 0;
    const name = cleanVendor(l.text);
    const company = RE_COMPANY.test(l.upper) || RE_COMPANY_COMPACT.test(l.compact);
    if (company) s += 4;
    // A legal name is what the receipt is issued by: preferred over a brand line beside it.
    if (RE_LEGAL.test(name.toUpperCase())) s += 2;
    if (RE_NOT_VENDOR.test(l.compact)) s -= 6;
    if (isAddressLine(l) && !company) {
      s -= /\d|JALAN|JLN|ROAD|STREET|LOT\b|NO\./.test(l.upper) ? 3 : 1;
    }
    // Judged on the name without its registration number ("(728515-H)").
    s += (letterRatio(name || l.text) - 0.7) * 6;
    if (l.text === l.upper) s += 0.5;
    if (medianH > 0 && l.bbox.height > medianH * 1.25) s += 1.5;
    s -= (k - start) * 0.6; // earlier is better
    if (l.conf < 0.6) s -= 3;
    if (letters < 5) s -= 2;
    if (!best || s > best.s) best = { l, s };
  }
  if (!best) return null;
  let text = cleanVendor(best.l.text);
  const lines = [best.l.i];
  // A bare company suffix ("Sdn Bhd") continues the name on the line above.
  const above = ls[best.l.i - 1];
  if (
    above && new RegExp(`^${RE_SUFFIX_LINE.source}\\.?$`).test(best.l.upper.trim()) &&
    above.amounts.length === 0 && letterRatio(above.text) > 0.6
  ) {
    text = cleanVendor(`${above.text} ${best.l.text}`);
    lines.unshift(above.i);
  }
  // A company suffix printed alone on the next line ("SDN BHD", "(M) SDN BHD", "(SETIA ALAM) SDN
  // BHD") belongs to the name.
  const next = ls[best.l.i + 1];
  if (
    next && RE_SUFFIX_LINE.test(next.upper) &&
    !/\b(BHD|BERHAD|LTD|LIMITED|INC|LLC)\.?$/.test(text.toUpperCase())
  ) {
    text = cleanVendor(`${text} ${next.text}`);
    lines.push(next.i);
  }
  // A brand line whose words begin a legal name in the header ("Banh Mi Cafe" / "Owned by: Banh
  // Mi Cafe Sdn Bhd") is that legal name.
  if (!RE_LEGAL.test(text.toUpperCase())) {
    const words = normWords(text);
    for (let k = start; k < end && words.length > 0; k++) {
      if (k === best.l.i) continue;
      const legal = cleanVendor(ls[k].text);
      const lw = normWords(legal);
      if (
        RE_LEGAL.test(legal.toUpperCase()) && lw.length > words.length &&
        words.every((w, j) => lw[j] === w) && RE_LEGAL.test(lw.slice(words.length).join(' '))
      ) {
        text = legal;
        lines.push(k);
        break;
      }
    }
  }
  if (!text) return null;
  text = fixVendorWords(text);
  const confidence = Math.max(0.1, Math.min(0.95, 0.45 + best.s * 0.06)) * (0.5 + best.l.conf / 2);
  return { value: text, confidence, lines };
}

function normWords(s: string): string[] {
  return s.toUpperCase().replace(/[^A-Z0-9/]+/g, ' ').trim().split(' ').filter(Boolean);
}

function pickAddress(ls: Line[], vendorLines: number[]): Choice<string> | null {
  const start = vendorLines.length ? Math.max(...vendorLines) + 1 : 0;
  const limit = Math.min(ls.length, start + 10);
  let first = -1;
  for (let k = start; k < limit; k++) {
    const l = ls[k];
    if (RE_ADDRESS_STOP.test(l.compact) && !isAddressLine(l)) {
      if (first >= 0) break;
      continue;
    }
    // ("G.23 & G.22, Plaza …" reads as an amount, but is a unit number on an address line.)
    const addressLike = RE_ADDRESS.test(l.upper.replace(/[,.]/g, ' ')) &&
      !RE_REGISTRATION.test(l.compact) && letterRatio(l.text) >= 0.5;
    if (findDates(l).length > 0 || (l.amounts.length > 0 && !addressLike)) continue;
    // Branch names in parentheses and registration numbers sit between name and address.
    if (/^[(（].*[)）]$/.test(l.text.trim()) || RE_REGISTRATION.test(l.compact)) continue;
    if (isAddressLine(l)) {
      first = k;
      // A short house-number line just above ("No. 2,") belongs to the address.
      const prev = ls[k - 1];
      if (
        prev && k - 1 >= start &&
        /^(NO|LOT|UNIT|BLK|BLOCK)?\.?\s?[\dA-Z][\dA-Z-/&,. ]{0,12}$/.test(prev.upper) &&
        /\d/.test(prev.upper) && !RE_REGISTRATION.test(prev.compact) && findDates(prev).length === 0
      ) first = k - 1;
      break;
    }
  }
  if (first < 0) return null;
  const parts: Line[] = [];
  for (let k = first; k < limit; k++) {
    const l = ls[k];
    if (RE_ADDRESS_STOP.test(l.compact)) {
      // "…, 81300 Skudai, Johor. Tel: 07-…" — keep the part before the stop word.
      const cut = l.text.search(/\b(TEL|PHONE|FAX|H\/P|EMAIL|GST)\b/i);
      if (cut > 5) parts.push({ ...l, text: l.text.slice(0, cut) });
      break;
    }
    if (findDates(l).length > 0 || (l.amounts.length > 0 && !isAddressLine(l))) break;
    if (parts.length > 0 && !isAddressLine(l) && letterRatio(l.text) < 0.5) break;
    parts.push(l);
    if (parts.length >= 5) break;
    // A state or country after the postcode ends the address.
    if (
      parts.some((p) => RE_POSTCODE.test(fixAddressText(p.upper))) &&
      RE_ADDRESS_END.test(fixAddressText(l.upper))
    ) break;
    // A line with a postcode usually ends the address, unless the next line names a state/country.
    if (RE_POSTCODE.test(l.upper)) {
      const nx = ls[k + 1];
      if (
        !nx || RE_ADDRESS_STOP.test(nx.compact) ||
        !/^[A-Z .,]+$/.test(nx.upper) || nx.upper.length > 30
      ) break;
    }
  }
  if (parts.length === 0) return null;
  const text = fixAddressText(fixOcrLetters(parts.map((p) => p.text.trim()).join(' ')))
    .replace(/\s+/g, ' ').replace(/[\s,]+$/, '').trim();
  const conf = parts.reduce((a, p) => a + p.conf, 0) / parts.length;
  const hasPost = parts.some((p) => RE_POSTCODE.test(p.upper));
  return {
    value: text,
    confidence: (hasPost ? 0.75 : 0.55) * (0.5 + conf / 2),
    lines: parts.map((p) => p.i),
  };
}

// ---------------------------------------------------------------- currency, payment, items

function currencyForCountry(text: string): string | null {
  const u = text.toUpperCase();
  if (/MALAYSIA|SDN\.?\s?BHD|\+60|\bGST\s?ID|SELANGOR|KUALA LUMPUR|JOHOR/.test(u)) return 'MYR';
  if (/SINGAPORE|PTE\.?\s?LTD|\+65/.test(u)) return 'SGD';
  if (/AUSTRALIA|PTY\.?\s?LTD|\bABN\b|\+61/.test(u)) return 'AUD';
  if (/CANADA|\+1\s?\(?[2-9]\d{2}\)?.*\b(ON|BC|QC|AB)\b/.test(u)) return 'CAD';
  if (/NEW ZEALAND|\+64/.test(u)) return 'NZD';
  if (/HONG KONG|\+852/.test(u)) return 'HKD';
  return null;
}

function pickCurrency(ls: Line[], locale: string | undefined): Choice<string> | null {
  const text = ls.map((l) => l.text).join('\n');
  const found = detectCurrencies(text);
  const dollars = found.get('$') ?? 0;
  found.delete('$');
  const ranked = [...found.entries()].sort((a, b) => b[1] - a[1]);
  if (ranked.length > 0) {
    return { value: ranked[0][0], confidence: ranked.length === 1 ? 0.9 : 0.7, lines: [] };
  }
  if (dollars > 0) {
    const byCountry = currencyForCountry(text);
    if (byCountry) return { value: byCountry, confidence: 0.7, lines: [] };
    const region = locale?.split(/[-_]/)[1]?.toUpperCase();
    const byRegion: Record<string, string> = {
      US: 'USD',
      MY: 'MYR',
      SG: 'SGD',
      AU: 'AUD',
      CA: 'CAD',
      NZ: 'NZD',
      HK: 'HKD',
    };
    if (region && byRegion[region]) return { value: byRegion[region], confidence: 0.6, lines: [] };
    return { value: 'USD', confidence: 0.4, lines: [] };
  }
  const byCountry = currencyForCountry(text);
  if (byCountry) return { value: byCountry, confidence: 0.5, lines: [] };
  return null;
}

function pickPayment(ls: Line[]): Choice<string> | null {
  const rules: [RegExp, string][] = [
    [/VISA/, 'visa'],
    [/MASTERCARD|MASTER CARD|\bMASTER\b/, 'mastercard'],
    [/AMEX|AMERICAN EXPRESS/, 'amex'],
    [/UNIONPAY/, 'unionpay'],
    [/DEBIT|MEPS|EFTPOS|MAESTRO/, 'debit'],
    [/GRABPAY|BOOST|TOUCH\s?N\s?GO|TNG|E-?WALLET|ALIPAY|WECHAT|APPLE PAY|GOOGLE PAY/, 'ewallet'],
    [/CREDIT CARD|CREDITCARD|\bCARD\b|\bKAD\b/, 'card'],
    [/CHEQUE|CHECK NO/, 'cheque'],
    [/VOUCHER/, 'voucher'],
    [/\bCASH\b|TUNAI|CASH(?=\d)/, 'cash'],
  ];
  for (const [re, name] of rules) {
    const l = ls.find((x) =>
      re.test(x.upper) && !/CASH\s?SALES?\b|CASHIER|CASH BILL/.test(x.upper)
    );
    if (l) return { value: name, confidence: 0.7 * (0.5 + l.conf / 2), lines: [l.i] };
  }
  return null;
}

interface LineItems {
  items: ParsedLineItem[];
  /** every line used (descriptions too) */
  lines: number[];
  /** the line each item's amount was read from */
  amountLines: number[];
}

function pickLineItems(ls: Line[], stopAt: number): LineItems {
  const start = headerEnd(ls);
  const items: ParsedLineItem[] = [];
  const used: number[] = [];
  const amountLines: number[] = [];
  for (let k = start; k < stopAt; k++) {
    const l = ls[k];
    if (l.amounts.length === 0) continue;
    if (RE_SUBTOTAL.test(l.key) || RE_TOTAL_WEAK.test(l.key) || RE_TAX.test(l.key)) {
      continue;
    }
    if (RE_NOT_TOTAL.test(l.key)) continue;
    const last = l.amounts[l.amounts.length - 1];
    if (last.cents <= 0n) continue;
    let desc = l.text.slice(0, l.amounts[0].index).replace(/[\s:*xX@]+$/, '').trim();
    let quantity: string | null = null;
    let unit: string | null = null;
    const qm = /(?<![\d.])(\d{1,3}(?:\.\d{1,3})?)\s?[xX*@]\s?(?=\d)/.exec(fixOcrDigits(l.text));
    if (qm) quantity = qm[1];
    if (l.amounts.length >= 2) {
      const u = l.amounts[l.amounts.length - 2].cents;
      if (u > 0n && u <= last.cents) unit = formatCents(u);
    }
    if (desc.replace(/[^A-Za-z]/g, '').length < 2) {
      const prev = ls[k - 1];
      if (prev && prev.amounts.length === 0 && k - 1 >= start) {
        desc = prev.text;
        used.push(prev.i);
      }
    }
    desc = desc.replace(/^\d{6,}\s*/, '').replace(/^\d{1,3}\s?[xX*@]\s+/, '').replace(
      /\s+\d+(\.\d+)?\s?[xX*@]?$/,
      '',
    ).trim();
    if (desc.replace(/[^A-Za-z]/g, '').length < 2) continue;
    if (quantity === null && unit !== null) {
      const q = Number(last.cents) / Number(parseMoney(unit) ?? 1n);
      if (Number.isInteger(q) && q > 0 && q < 1000) quantity = String(q);
    }
    items.push({ description: desc, quantity, unit_price: unit, amount: formatCents(last.cents) });
    used.push(l.i);
    amountLines.push(l.i);
  }
  return { items, lines: used, amountLines };
}

// ---------------------------------------------------------------- misread totals

/** Tax rates (percent) printed on the receipt ("GST @6%", "SR(6%)"); 6 % where GST/SST is named. */
function printedRates(ls: Line[]): number[] {
  const rates = new Set<number>();
  for (const l of ls) {
    for (const m of fixOcrDigits(l.text).matchAll(/(\d{1,2}(?:\.\d{1,2})?)\s?%/g)) {
      const r = Number(m[1]);
      if (r > 0 && r <= 25) rates.add(r);
    }
    if (/GST|SST/.test(l.key)) rates.add(6);
  }
  return [...rates];
}

/** Signed rounding adjustment printed on lines from..to, or 0. */
function roundingBetween(ls: Line[], from: number, to: number): Cents {
  const adj = roundingAdjustments(labelledAmounts(ls.slice(from, to + 1)));
  return adj.at(-1)?.cents ?? 0n;
}

/** True when every non-zero amount on lines from..to is one of `allowed` (nothing else is added). */
function onlyAmounts(ls: Line[], from: number, to: number, allowed: Cents[]): boolean {
  for (let k = from; k <= to; k++) {
    for (const a of ls[k].amounts) {
      const abs = a.cents < 0n ? -a.cents : a.cents;
      if (a.cents !== 0n && !allowed.includes(a.cents) && !allowed.includes(abs)) return false;
    }
  }
  return true;
}

/** Tendered − change, when a non-zero change is printed: what the till says was due. */
function paidLessChange(ls: Line[]): Cents[] {
  const items = labelledAmounts(ls);
  const tendered = items.filter(({ label }) => RE_CASH.test(label) && !RE_CHANGE.test(label));
  const changes = items.filter(({ label, amount }) => RE_CHANGE.test(label) && amount.cents !== 0n);
  return tendered.flatMap((t) =>
    changes.map((c) => t.amount.cents - (c.amount.cents < 0n ? -c.amount.cents : c.amount.cents))
  );
}

/** The line of `c` nearest to line `near`. */
function nearestLine(c: Choice<Cents>, near: number): number {
  return c.lines.reduce((a, b) => (Math.abs(b - near) < Math.abs(a - near) ? b : a));
}

interface Repair {
  total: Cents;
  subtotal: Cents | null;
  rule: 'taxed-subtotal' | 'item-sum';
}

/**
 * The total read with one digit wrong where the subtotal and the tax, which agree with each other
 * at a printed tax rate, add up to the same figure with that digit right ("Amt Paid excl. GST 73.87",
 * "GST AMT 4.43" = 6 % of it, "AMT PAID incl. GST 76.30" printed 78.30). Not when anything else is
 * printed among them (a discount, voucher or charge would explain the difference), the change
 * given confirms the reading, or the differing digit is the last one (cash rounding).
 */
function repairFromTaxedSubtotal(
  ls: Line[],
  total: Choice<Cents>,
  subtotal: Choice<Cents>,
  tax: Choice<Cents>,
  itemSum: Cents | null,
): Repair | null {
  const sub = subtotal.value, vat = tax.value, read = total.value;
  if (!taxAtRate(sub, vat, printedRates(ls))) return null;
  const at = [subtotal.lines[0], tax.lines[0]];
  const totalLine = nearestLine(total, Math.min(...at));
  const from = Math.min(...at, totalLine), to = Math.max(...at, totalLine);
  const due = sub + vat + roundingBetween(ls, from, to);
  if (read === due || itemSum === read) return null;
  const swap = confusableSwap(read, due);
  if (!swap || swap.place === 0) return null;
  if (!onlyAmounts(ls, from, to, [sub, vat, read, due, due - sub - vat])) return null;
  const paid = paidLessChange(ls);
  if (paid.includes(read) || (paid.length > 0 && !paid.includes(due))) return null;
  return { total: due, subtotal: null, rule: 'taxed-subtotal' };
}

/**
 * Subtotal and total read with the same digit wrong, where several line items, each read
 * consistently, add up to the subtotal with that digit right, and the total is the misread
 * subtotal plus tax (the misreading carried through: items 25.00 + 25.00 + 42.50 = 92.50,
 * "SUB-TOTAL 82.50", "GST 1.50", total "84.00" printed 94.00). Only when another engine read that
 * digit of the subtotal or total as the items say, nothing but items is printed above the
 * subtotal, and the change given does not confirm the reading.
 */
function repairFromItemSum(
  ls: Line[],
  total: Choice<Cents>,
  subtotal: Choice<Cents>,
  tax: Choice<Cents> | null,
  items: LineItems,
  alternatives: Line[][],
): Repair | null {
  if (items.items.length < 3) return null;
  let itemSum = 0n;
  for (const [k, it] of items.items.entries()) {
    const amount = parseMoney(it.amount ?? '') ?? 0n;
    const line = ls[items.amountLines[k]];
    if (amount <= 0n || line.conf < 0.85 || !itemAddsUp(line, it, amount)) return null;
    itemSum += amount;
  }
  const subLine = subtotal.lines[0];
  if (subLine <= (items.amountLines.at(-1) ?? 0)) return null;
  // Every amount between the header and the subtotal belongs to an item line.
  for (let k = headerEnd(ls); k < subLine; k++) {
    if (!items.amountLines.includes(k) && ls[k].amounts.some((a) => a.cents !== 0n)) return null;
  }
  const subSwap = confusableSwap(subtotal.value, itemSum);
  if (!subSwap || subSwap.place === 0) return null;
  const vat = tax?.value ?? 0n;
  const totalLine = nearestLine(total, subLine);
  const rounding = roundingBetween(ls, subLine, totalLine);
  if (total.value !== subtotal.value + vat + rounding) return null;
  const due = itemSum + vat + rounding;
  const totalSwap = confusableSwap(total.value, due);
  if (!totalSwap || !sameSwap(subSwap, totalSwap)) return null;
  const paid = paidLessChange(ls);
  if (paid.includes(total.value) || (paid.length > 0 && !paid.includes(due))) return null;
  if (!otherEngineReads(alternatives, [itemSum, due], subSwap.place)) return null;
  return { total: due, subtotal: itemSum, rule: 'item-sum' };
}

/** Quantity × unit price is the amount, with the quantity printed on the item's line. */
function itemAddsUp(line: Line, item: ParsedLineItem, amount: Cents): boolean {
  const unit = item.unit_price === null ? null : parseMoney(item.unit_price);
  if (unit === null || unit === amount) return true;
  const q = item.quantity;
  if (q === null || multiplyMoney(unit, q) !== amount) return false;
  const printed = new RegExp(`(?<![\\d.,])${q.replace('.', '\\.')}(?![.,]?\\d)`);
  return printed.test(fixOcrDigits(line.text));
}

/**
 * True when another engine's reading has, on a subtotal or total line, an amount that reads the
 * digit at `place` as in one of `values` and otherwise differs from it in at most one digit (it is
 * a reading of the same printed figure).
 */
function otherEngineReads(alternatives: Line[][], values: Cents[], place: number): boolean {
  for (const alt of alternatives) {
    for (const l of alt) {
      if (!RE_SUBTOTAL.test(l.key) && !RE_TOTAL_WEAK.test(l.key)) continue;
      for (const a of l.amounts) {
        for (const v of values) {
          const x = formatCents(a.cents), y = formatCents(v);
          if (x.length !== y.length || digitAt(a.cents, place) !== digitAt(v, place)) continue;
          let diff = 0;
          for (let k = 0; k < x.length; k++) if (x[k] !== y[k]) diff++;
          if (diff <= 1) return true;
        }
      }
    }
  }
  return false;
}

/** Arithmetic repair of a total (and subtotal) read with one confusable digit wrong, or null. */
function repairMisreadTotal(
  ls: Line[],
  total: Choice<Cents> | null,
  subtotal: Choice<Cents> | null,
  tax: Choice<Cents> | null,
  items: LineItems,
  alternatives: Line[][],
): Repair | null {
  if (!total || !subtotal) return null;
  const itemSum = items.items.length > 0
    ? items.items.reduce((a, it) => a + (parseMoney(it.amount ?? '0') ?? 0n), 0n)
    : null;
  return (tax && repairFromTaxedSubtotal(ls, total, subtotal, tax, itemSum)) ||
    repairFromItemSum(ls, total, subtotal, tax, items, alternatives);
}

// ---------------------------------------------------------------- public API

function emptyConfidence(): Record<ReceiptField, number> {
  return Object.fromEntries(RECEIPT_FIELDS.map((f) => [f, 0])) as Record<ReceiptField, number>;
}

/** Parses OCR lines (reading order) of one receipt into normalised fields. */
export function parseReceipt(lines: OcrLine[], opts: ParseOptions = {}): ParsedReceipt {
  return parseLines(lines, opts, []).parsed;
}

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
  const date = pickDate(ls, opts.locale);
  const time = pickTime(ls);
  const vendor = pickVendor(ls);
  const address = pickAddress(ls, vendor?.lines ?? []);
  const currency = pickCurrency(ls, opts.locale);
  const payment = pickPayment(ls);
  const taxIdHit = findTaxId(lines);
  const taxId = taxIdHit &&
    { value: taxIdHit.value, confidence: taxIdHit.confidence, lines: [taxIdHit.line] };
  const firstTotalLine = Math.min(
    ...[subtotal, total].filter((c): c is Choice<Cents> => c !== null).map((c) =>
      Math.min(...c.lines)
    ),
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
  const repair = repairMisreadTotal(ls, total, subtotal, tax, items, alternatives.map(toLines));
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
];

function normKey(v: string): string {
  return v.toUpperCase().replace(/[^A-Z0-9]+/g, '');
}

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
    const votes = new Map<string, { value: string; score: number; best: number }>();
    for (const { r, w } of readings) {
      const raw = r[f];
      if (raw === null) continue;
      const v = printedFor(f, raw);
      const key = normKey(v);
      const c = r.confidence[f] * w;
      const prev = votes.get(key);
      if (prev) {
        prev.score += c;
        prev.best = Math.max(prev.best, c);
      } else votes.set(key, { value: v, score: c, best: c });
    }
    const ranked = [...votes.values()].sort((a, b) => b.score - a.score);
    if (ranked.length === 0) continue;
    const win = ranked[0];
    // Keep the primary's exact spelling when it agrees (it has the best spacing/characters).
    const pv = primary[f];
    out[f] = pv !== null && normKey(pv) === normKey(win.value) ? pv : win.value;
    const agree = ranked.length === 1 ? 0.1 : 0;
    out.confidence[f] = Math.min(0.99, Math.round((win.best + agree) * 1000) / 1000);
  }
  return out;
}

// ---------------------------------------------------------------- Textract mapping

type TextractGeometry = Geometry;

function geometryOf(b: BBox): TextractGeometry {
  return {
    BoundingBox: { Width: b.width, Height: b.height, Left: b.left, Top: b.top },
    Polygon: [
      { X: b.left, Y: b.top },
      { X: b.left + b.width, Y: b.top },
      { X: b.left + b.width, Y: b.top + b.height },
      { X: b.left, Y: b.top + b.height },
    ],
  };
}

function bboxOf(g: Geometry | undefined): BBox {
  const b = g?.BoundingBox;
  return b
    ? { left: b.Left, top: b.Top, width: b.Width, height: b.Height }
    : { left: 0, top: 0, width: 0, height: 0 };
}

/** LINE blocks of a Textract document as OcrLines (for fallback parsing). */
export function linesFromBlocks(doc: ExpenseDocument): OcrLine[] {
  const blocks = doc.Blocks ?? [];
  const byId = new Map(blocks.map((b) => [b.Id, b]));
  return blocks
    .filter((b) => b.BlockType === 'LINE' && typeof b.Text === 'string')
    .map((b) => {
      const childIds = (b.Relationships ?? []).filter((r) => r.Type === 'CHILD').flatMap((r) =>
        r.Ids
      );
      const words = childIds.map((id) => byId.get(id)).filter((w) => w?.BlockType === 'WORD').map((
        w,
      ) => ({
        text: w?.Text ?? '',
        confidence: w?.Confidence ?? 0,
        bbox: bboxOf(w?.Geometry),
      }));
      return {
        text: b.Text ?? '',
        confidence: b.Confidence ?? 0,
        bbox: bboxOf(b.Geometry),
        words,
      };
    })
    .sort((a, b) => a.bbox.top - b.bbox.top || a.bbox.left - b.bbox.left);
}

function fieldType(f: ExpenseField): string {
  return (f.Type?.Text ?? '').toUpperCase();
}

function fieldConf(f: ExpenseField): number {
  const v = f.ValueDetection?.Confidence ?? 0;
  const t = f.Type?.Confidence ?? v;
  return Math.max(0, Math.min(1, Math.min(v, t) / 100));
}

/** Threshold below which a Textract summary field is treated as unsure (0..1). */
const TEXTRACT_MIN_CONFIDENCE = 0.6;

/**
 * Maps AWS Textract AnalyzeExpense output to a ParsedReceipt (first ExpenseDocument). Fields that
 * Textract leaves out or is unsure of are filled from parsing its LINE blocks.
 */
export function fromAnalyzeExpense(
  resp: AnalyzeExpenseResponse,
  opts: ParseOptions = {},
): ParsedReceipt {
  const doc = resp.ExpenseDocuments?.[0];
  const lines = doc ? linesFromBlocks(doc) : [];
  const fallback = parseReceipt(lines, opts);
  if (!doc) return fallback;
  const summary = doc.SummaryFields ?? [];
  const best = (...types: string[]): { text: string; conf: number; field: ExpenseField } | null => {
    for (const t of types) {
      const fs = summary
        .filter((f) => fieldType(f) === t && (f.ValueDetection?.Text ?? '').trim() !== '')
        .sort((a, b) => fieldConf(b) - fieldConf(a));
      if (fs.length > 0) {
        return {
          text: (fs[0].ValueDetection?.Text ?? '').trim(),
          conf: fieldConf(fs[0]),
          field: fs[0],
        };
      }
    }
    return null;
  };
  const out: ParsedReceipt = { ...fallback, confidence: { ...fallback.confidence }, sources: {} };
  const take = (
    f: Exclude<ReceiptField, 'line_items'>,
    raw: { text: string; conf: number } | null,
    normalise: (s: string) => string | null,
  ) => {
    if (!raw) return;
    const v = normalise(raw.text);
    if (v === null) return;
    // Textract wins unless it is unsure and our own reading is more confident.
    if (
      raw.conf < TEXTRACT_MIN_CONFIDENCE && fallback[f] !== null &&
      fallback.confidence[f] > raw.conf
    ) {
      return;
    }
    out[f] = v;
    out.confidence[f] = Math.round(raw.conf * 1000) / 1000;
  };
  const money = (s: string) => {
    const c = findAmounts(s).at(-1)?.cents ?? parseMoney(s);
    return c === null || c === undefined ? null : formatCents(c);
  };
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').replace(/\s+/g, ' ').trim() || null;
  take('vendor', best('VENDOR_NAME', 'NAME'), oneLine);
  take('address', best('VENDOR_ADDRESS', 'ADDRESS', 'ADDRESS_BLOCK'), (s) => {
    const v = oneLine(s);
    return v === null ? null : fixAddressText(v);
  });
  take('date', best('INVOICE_RECEIPT_DATE', 'ORDER_DATE'), (s) => {
    const d = pickDate(
      toLines([{ text: s, confidence: 100, bbox: bboxOf(undefined), words: [] }]),
      opts.locale,
    );
    return d?.value ?? null;
  });
  take('total', best('TOTAL', 'AMOUNT_PAID', 'AMOUNT_DUE'), money);
  take('subtotal', best('SUBTOTAL'), money);
  take('tax', best('TAX'), money);
  // Textract's TAX_PAYER_ID value is the number; its label names the scheme.
  const payer = best('TAX_PAYER_ID');
  take(
    'tax_id',
    payer && { ...payer, text: `${payer.field.LabelDetection?.Text ?? 'TIN'} ${payer.text}` },
    (s) => findTaxId([{ text: s }])?.value ?? findTaxId([{ text: `TIN ${s}` }])?.value ?? null,
  );
  const cur = summary.find((f) =>
    f.Currency?.Code && ['TOTAL', 'AMOUNT_PAID', 'SUBTOTAL'].includes(fieldType(f))
  );
  if (cur?.Currency?.Code) {
    out.currency = cur.Currency.Code.toUpperCase();
    out.confidence.currency = Math.round((cur.Currency.Confidence ?? 80) / 10) / 10;
  }
  const items = (doc.LineItemGroups ?? []).flatMap((g: LineItemGroup) => g.LineItems ?? []).map(
    (li) => {
      const fs = li.LineItemExpenseFields ?? [];
      const get = (t: string) =>
        fs.find((f) => fieldType(f) === t)?.ValueDetection?.Text?.trim() ?? null;
      const amount = get('PRICE');
      const unit = get('UNIT_PRICE');
      const qty = get('QUANTITY');
      return {
        description: get('ITEM') ?? get('EXPENSE_ROW'),
        quantity: qty ? (fixOcrDigits(qty).match(/\d+(?:\.\d+)?/)?.[0] ?? null) : null,
        unit_price: unit ? money(unit) : null,
        amount: amount ? money(amount) : null,
      };
    },
  ).filter((it) => it.description !== null || it.amount !== null);
  if (items.length > 0) {
    out.line_items = items;
    out.confidence.line_items = 0.8;
  }
  return out;
}

// ---------------------------------------------------------------- ParsedReceipt → Textract

function detection(text: string, b: BBox, conf01: number): ExpenseDetection {
  return {
    Text: text,
    Geometry: geometryOf(b),
    Confidence: Math.round(conf01 * 100 * 1000) / 1000,
  };
}

const LABEL_RE: Partial<Record<ReceiptField, RegExp>> = {
  total: /(GRAND\s*TOTAL|NETT?\s*TOTAL|TOTAL[A-Za-z\s().]*|AMOUNT\s*DUE|JUMLAH)/i,
  subtotal: /(SUB\s*-?\s*TOTAL|TOTAL[A-Za-z\s().]*EXCL[A-Za-z\s().]*)/i,
  tax: /(TOTAL\s*GST|GST[A-Za-z\s()]*|TAX[A-Za-z\s()]*|VAT[A-Za-z\s()]*|SST[A-Za-z\s()]*)/i,
  date: /(DATE|TARIKH)/i,
  tax_id:
    /(GST|SST|VAT|TIN|ABN|UEN|CO\.?\s*REG|REG(ISTRATION)?\.?\s*NO|COMPANY\s*NO)[A-Za-z\s.#]*/i,
};

const TEXTRACT_TYPE: Record<
  Exclude<ReceiptField, 'line_items' | 'currency' | 'payment_method'>,
  string
> = {
  vendor: 'VENDOR_NAME',
  address: 'ADDRESS',
  date: 'INVOICE_RECEIPT_DATE',
  time: 'OTHER',
  total: 'TOTAL',
  subtotal: 'SUBTOTAL',
  tax: 'TAX',
  tax_id: 'TAX_PAYER_ID',
};

/**
 * Builds a Textract ExpenseDocument (SummaryFields with Type/LabelDetection/ValueDetection,
 * Geometry and 0–100 confidences; LineItemGroups) from a parsed receipt and the lines it came from.
 */
export function toExpenseDocument(
  parsed: ParsedReceipt,
  lines: OcrLine[],
  expenseIndex = 1,
): ExpenseDocument {
  const linesBox = (idx: number[] | undefined): BBox =>
    idx && idx.length > 0
      ? unionBBox(idx.map((i) => lines[i]?.bbox).filter((b): b is BBox => !!b))
      : {
        left: 0,
        top: 0,
        width: 0,
        height: 0,
      };
  const summary: ExpenseField[] = [];
  for (const f of Object.keys(TEXTRACT_TYPE) as (keyof typeof TEXTRACT_TYPE)[]) {
    const value = parsed[f];
    if (value === null) continue;
    const conf = parsed.confidence[f] ?? 0;
    const idx = parsed.sources?.[f];
    const src = idx && idx.length > 0 ? lines[idx[idx.length - 1]] : undefined;
    // The printed value (not our normalised one), from the words of the source line.
    let valueText = value;
    let valueBox = linesBox(idx);
    let label: ExpenseDetection | undefined;
    if (src && ['total', 'subtotal', 'tax'].includes(f)) {
      const a = findAmounts(src.text).filter((x) => formatCents(x.cents) === value).at(-1);
      if (a) {
        valueText = a.text;
        const w = src.words.find((w) => w.text.includes(a.text.replace(/^-/, '')));
        if (w) valueBox = w.bbox;
      }
    }
    const re = LABEL_RE[f];
    if (src && re) {
      const m = re.exec(src.text);
      if (m) {
        const words = src.words.filter((w) => m[0].includes(w.text));
        label = detection(
          m[0].trim(),
          words.length ? unionBBox(words.map((w) => w.bbox)) : src.bbox,
          src.confidence / 100,
        );
      }
    }
    const field: ExpenseField = {
      Type: { Text: TEXTRACT_TYPE[f], Confidence: Math.round(conf * 100 * 1000) / 1000 },
      ValueDetection: detection(valueText, valueBox, conf),
      PageNumber: 1,
    };
    if (label) field.LabelDetection = label;
    if (['total', 'subtotal', 'tax'].includes(f) && parsed.currency) {
      field.Currency = {
        Code: parsed.currency,
        Confidence: Math.round(parsed.confidence.currency * 100),
      };
    }
    if (f === 'vendor' || f === 'address') {
      field.GroupProperties = [{ Types: ['VENDOR'], Id: 'vendor-1' }];
    }
    summary.push(field);
  }
  const itemLines = parsed.sources?.line_items ?? [];
  const groups: LineItemGroup[] = parsed.line_items.length === 0 ? [] : [{
    LineItemGroupIndex: 1,
    LineItems: parsed.line_items.map((it, k) => {
      const src = lines[
        itemLines.filter((i) => lines[i]?.text && findAmounts(lines[i].text).length > 0)[k] ?? -1
      ];
      const box = src?.bbox ?? { left: 0, top: 0, width: 0, height: 0 };
      const c = parsed.confidence.line_items;
      const fields: ExpenseField[] = [];
      const push = (t: string, v: string | null) => {
        if (v !== null) {
          fields.push({
            Type: { Text: t, Confidence: Math.round(c * 100 * 1000) / 1000 },
            ValueDetection: detection(v, box, c),
            PageNumber: 1,
          });
        }
      };
      push('ITEM', it.description);
      push('QUANTITY', it.quantity);
      push('UNIT_PRICE', it.unit_price);
      push('PRICE', it.amount);
      if (src) {
        push('EXPENSE_ROW', src.text);
      }
      return { LineItemExpenseFields: fields };
    }),
  }];
  return { ExpenseIndex: expenseIndex, SummaryFields: summary, LineItemGroups: groups };
}
