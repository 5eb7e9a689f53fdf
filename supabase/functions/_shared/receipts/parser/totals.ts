// Total, subtotal and tax: the total-section label patterns, labelled amounts, the GST/tax summary
// table, cash rounding and the scoring that picks the amount paid.

import { labelKey } from './label-key.ts';
import { type Cents, fixOcrDigits } from './money.ts';
import type { Amount, Choice, Line } from './lines.ts';

export const RE_SUBTOTAL =
  /SUB-?TOTAL|SUBTTL|TOTAL(SALES)?\(?(EXCL|EXCLUDING|BEFORE|W\/OGST|WITHOUTGST|NETT?OFGST)|AMOUNTEXCL|EXCL(UDING|\.)?(GST|TAX|VAT|SST)|BEFORETAX|NETSALES|TOTALEXGST/;
const RE_TOTAL_STRONG =
  /GRANDTOTAL|NETTT?OTAL|NETTOTAL|TOTALAMOUNT|TOTALAMT|AMOUNTDUE|TOTALDUE|BALANCEDUE|TOTALPAYABLE|AMOUNTPAYABLE|PAYABLE|ROUNDEDTOTAL|TOTALROUNDED|AFTERROUNDING|AFTERDISC|AFTER(GST|TAX|SST)|TOTAL\(?INCL|TOTALSALES\(?INCL|INCL(USIVE|\.)?(OF)?(GST|TAX|VAT|SST)|JUMLAH|TOTALRM|TOTAL:?RM|TOTALMYR|TOTALSALE|TOTALTOPAY|AMOUNTTOPAY|BALANCETOPAY|TOTALINVOICE|INVOICETOTAL|GESAMT|SUMME|MONTANT|TOTALTTC/;
export const RE_TOTAL_WEAK = /TOTAL|TOTL|TTL|AMOUNT|AMT|BALANCE|NETT|\bNET\b|DUE|SUM|BAYAR/;
export const RE_NOT_TOTAL =
  /TOTAL(QTY|QUANTITY|ITEM|NO|UNIT|PCS|SAV|DISC|POINT|WEIGHT|TAX|GST|VAT|SST)|QTY|ITEMS?:|SAVING|DISCOUNT|DISC\b|POINTS?|GSTAMOUNT|TAXAMOUNT|VATAMOUNT|GSTSUMMARY|TAXSUMMARY|ANALYSIS|CHANGE|CHG|BAKI|KEMBALI|CASH|TUNAI|TENDER|ROUND(ING)?ADJ|ROUNDING|ADJUSTMENT|DEPOSIT|VOUCHER|PREVIOUS|TIPS?\b|GRATUITY/;
export const RE_CASH = /CASH|TUNAI|TENDER|RECEIVED|ACCEPTED|PAYMENT|BAYARAN|PAID(AMOUNT|AMT)|^PAID/;
export const RE_CHANGE = /CHANGE|CHG|BAKI|KEMBALI|BALANCE(RETURN|CHANGE)/;
const RE_CARD =
  /VISA|MASTER|AMEX|CARD|DEBIT|CREDIT|KAD|EFTPOS|MAESTRO|UNIONPAY|GRABPAY|BOOST|TOUCHNGO|TNG|EWALLET|E-WALLET|PAYWAVE/;
const RE_ROUNDING = /ROUND/;
// (Keys have no spaces: "Sales Tax 6.25%" is SALESTAX6.25%, where TAX has no word boundary.)
export const RE_TAX =
  /GST|\bTAX|TAX\b|SALESTAX|^(?:HST|PST|QST)|VAT|SST|SERVICECHARGE|SVC|MWST|TVA|IVA/;
const RE_TAX_ID = /(GST|TAX|VAT|SST)(ID|REG|NO|#|:?\d{6,})|REG\.?NO|COMPANY|CO\.?REG/;

/** Words that label a total or a payment, as whole words. */
const RE_TOTAL_WORD =
  /TOTAL|(?<![A-Z])(?:TTL|TOT|AMOUNT|AMT|BALANCE|DUE|NETT?|SUM|JUMLAH|BAYAR|CASH|TUNAI|CHANGE|PAID|TENDER(?:ED)?|GRAND|PAYABLE|VISA|MASTERCARD|CARD|DEBIT|CREDIT)(?![A-Z])/;

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
export function labelledAmounts(ls: Line[]): LabelledAmount[] {
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
      if (label === l && l.amounts.length === 1 && /QTY|QUANTITY|ITEM|PCS/.test(l.key)) {
        // "TOTAL QTY: 2  TOTAL 24.40": the words after the count, not the count's label, name
        // the amount.
        const afterCount = /\d\s*([^\d]*)$/.exec(l.text.slice(0, a.index))?.[1] ?? '';
        if (afterCount.replace(RE_CURRENCY_TOKEN, '').replace(/[^A-Za-z]/g, '').length >= 2) {
          key = labelKey(afterCount);
        }
      }
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
export function taxTableLines(ls: Line[]): Set<number> {
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

/** Same number of digits, exactly one different. */
function oneDigitApart(a: Cents, b: Cents): boolean {
  const x = a.toString(), y = b.toString();
  return x.length === y.length && [...x].filter((c, i) => c !== y[i]).length === 1;
}

/** The amount rounded to the nearest 5 sen (Malaysian cash rounding). */
function roundTo5(c: Cents): Cents {
  const r = ((c % 5n) + 5n) % 5n;
  return r <= 2n ? c - r : c + (5n - r);
}

/** Signed rounding adjustments ("Rounding Adj -0.01", "(0.02)", OCR "~0.01"). */
export function roundingAdjustments(items: LabelledAmount[]): { cents: Cents; line: number }[] {
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

export function pickTotal(
  ls: Line[],
  subtotal: Cents | null,
  tax: Cents | null,
  taxTable: Set<number>,
): Choice<Cents> | null {
  const items = labelledAmounts(ls);
  if (items.length === 0) return null;
  if (!labelsAnyTotal(ls)) return null;
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
  best = asPaid(ls, best, scores, items, tendered, changes);
  const margin = best.score - (second === -Infinity ? 0 : second);
  const base = best.score >= 10 ? 0.75 : best.score >= 7 ? 0.6 : 0.35;
  const confLine = ls[best.lines[best.lines.length - 1]]?.conf ?? 0.8;
  const confidence = Math.min(0.99, (base + Math.min(0.2, margin * 0.03)) * (0.5 + confLine / 2));
  return { value: best.cents, confidence, lines: best.lines };
}

/**
 * A page with no total, subtotal or payment label anywhere shows priced lines only (the middle of
 * a long receipt): any amount picked there would be a price, not the total. (Words, not the
 * compact key, where a short label hides inside item names: "BOTTLED" has TTL.)
 */
function labelsAnyTotal(ls: Line[]): boolean {
  return ls.some((l) =>
    RE_TOTAL_STRONG.test(l.key) || RE_SUBTOTAL.test(l.key) || RE_TOTAL_WORD.test(l.upper)
  );
}

type Pick = { cents: Cents; score: number; lines: number[]; pos: number };

/**
 * The chosen total, corrected by what was paid:
 * - a look-alike digit ("83.80" for 63.80): another labelled total one digit away that the card
 *   was charged, or that tendered − change gives, when the chosen one is neither;
 * - cash rounding: the same total rounded to 5 sen printed just below it, or shown only by
 *   tendered − change ("SUBTOTAL 33.92 / CASH 50.00 / CHANGE 16.10" was paid as 33.90).
 */
function asPaid(
  ls: Line[],
  chosen: Pick,
  scores: Map<string, { score: number; lines: number[]; pos: number }>,
  items: LabelledAmount[],
  tendered: Cents[],
  changes: Cents[],
): Pick {
  let best = chosen;
  const cashDue = (c: Cents) => tendered.some((t) => changes.some((x) => t - x === c));
  const paidBy = (c: Cents) =>
    cashDue(c) ||
    items.some(({ label, amount }) =>
      RE_CARD.test(label) && !RE_CASH.test(label) && !RE_CHANGE.test(label) && amount.cents === c
    );
  if (!paidBy(best.cents)) {
    for (const [key, v] of scores) {
      const cents = BigInt(key);
      if (v.score >= 7 && oneDigitApart(cents, best.cents) && paidBy(cents)) {
        best = { cents, score: v.score, lines: v.lines, pos: v.pos };
        break;
      }
    }
  }
  const rounded = roundedBelow(ls, scores, best);
  if (rounded) return rounded;
  const due = roundTo5(best.cents);
  return due !== best.cents && cashDue(due) ? { ...best, cents: due } : best;
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

export function pickLabelled(
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

export function pickTax(ls: Line[], taxTable: Set<number>): Choice<Cents> | null {
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
