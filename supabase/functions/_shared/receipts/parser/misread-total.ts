// Repair of a total (and subtotal) read with one look-alike digit wrong, where the printed
// subtotal, tax, line items, change and other engines' readings show by arithmetic what was printed.

import { type Cents, fixOcrDigits, formatCents, multiplyMoney, parseMoney } from './money.ts';
import { confusableSwap, digitAt, sameSwap, taxAtRate } from './misread-digits.ts';
import { headerEnd } from './header.ts';
import type { LineItems } from './items.ts';
import type { Choice, Line } from './lines.ts';
import {
  labelledAmounts,
  RE_CASH,
  RE_CHANGE,
  RE_SUBTOTAL,
  RE_TOTAL_WEAK,
  roundingAdjustments,
} from './totals.ts';
import type { ParsedLineItem } from './types.ts';

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
  alternatives: () => Line[][],
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
  if (!otherEngineReads(alternatives(), [itemSum, due], subSwap.place)) return null;
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
export function repairMisreadTotal(
  ls: Line[],
  total: Choice<Cents> | null,
  subtotal: Choice<Cents> | null,
  tax: Choice<Cents> | null,
  items: LineItems,
  /** other engines' readings of the page; built only when a repair gets that far */
  alternatives: () => Line[][],
): Repair | null {
  if (!total || !subtotal) return null;
  const itemSum = items.items.length > 0
    ? items.items.reduce((a, it) => a + (parseMoney(it.amount ?? '0') ?? 0n), 0n)
    : null;
  return (tax && repairFromTaxedSubtotal(ls, total, subtotal, tax, itemSum)) ||
    repairFromItemSum(ls, total, subtotal, tax, items, alternatives);
}
