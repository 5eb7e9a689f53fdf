// Line items: the amount lines between the header and the totals, with description, quantity and
// unit price.

import { fixOcrDigits, formatCents, parseMoney } from './money.ts';
import { headerEnd } from './header.ts';
import { findDates } from './date-reading.ts';
import type { Line } from './lines.ts';
import { RE_NOT_TOTAL, RE_SUBTOTAL, RE_TAX, RE_TOTAL_WEAK } from './totals.ts';
import type { ParsedLineItem } from './types.ts';

export interface LineItems {
  items: ParsedLineItem[];
  /** every line used (descriptions too) */
  lines: number[];
  /** the line each item's amount was read from */
  amountLines: number[];
}

/**
 * Lines between header and totals that carry an amount but sell nothing: a table's column heads
 * ("Qty S/Price Amount"), document fields ("Invoice number: …"), counts ("Total Qty 9").
 */
const RE_NOT_ITEM =
  /^(?:ITEM|QTY|DESC(?:RIPTION)?|CODE)\b.*\b(?:PRICE|AMOUNT|AMT|TOTAL|QTY|RM)\b|(?:INVOICE|RECEIPT|BILL|DOC(?:UMENT)?|ORDER|TRANS(?:ACTION)?|REF(?:ERENCE)?)\s*(?:NO|NUMBER|NUNBER|#)\b|^TOTAL\s*(?:QTY|QUANTITY|ITEMS?|O[I1L]Y)\b/;

/** Words of an item table's column heads, as OCR reads them. */
const RE_COLUMN_HEAD =
  /\b(?:ITE[MH]S?|QTY|QUANTITY|U\/?[PF]|UNIT|DISC%?|DISCOUNT|A[MH][O0]UNT|AMT|PRICE|DESC(?:RIPTION)?|TOTAL)(?![A-Z])/g;

/** Text ahead of a price that only says "at": "@RM", "@ $", "@". */
const RE_UNIT_PRICE_ONLY = /^\s*@\s*(?:RM|\$|MYR)?\s*$/i;
/**
 * Text ahead of a price that is only a currency (RH: RM misread), nothing, or a quantity ("2 X RM
 * 2.45"): the line prices the item above.
 */
const RE_PRICE_ONLY = /^\s*(?:\d{1,3}\s?[X*]\s?)?(?:RM|R\s?H|R\s?M|MYR|\$)?\s*$/i;

export function pickLineItems(ls: Line[], stopAt: number): LineItems {
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
    if (RE_NOT_TOTAL.test(l.key) || RE_NOT_ITEM.test(l.upper)) continue;
    // Column heads read with slips ("ITEH QTY U/F DISC% AHOUNT"), and a date or time line.
    if ((l.upper.match(RE_COLUMN_HEAD) ?? []).length >= 3 || findDates(l).length > 0) continue;
    const last = l.amounts[l.amounts.length - 1];
    if (last.cents <= 0n) continue;
    const before = l.text.slice(0, l.amounts[0].index);
    // A price alone under an item belongs to it: "@RM 18.90" is its unit price; a bare "RM 5.60"
    // is its unit price or its line total, whichever the arithmetic says (a whole multiple).
    const prev = amountLines.at(-1) === k - 1 ? items.at(-1) : undefined;
    if (
      (l.amounts.length === 1 && RE_UNIT_PRICE_ONLY.test(before)) || RE_PRICE_ONLY.test(before)
    ) {
      const p = prev ? parseMoney(prev.amount ?? '') : null;
      const at = RE_UNIT_PRICE_ONLY.test(before);
      if (prev && p !== null && p > 0n && prev.unit_price === null) {
        const [small, big] = last.cents < p ? [last.cents, p] : [p, last.cents];
        const q = big % small === 0n ? Number(big / small) : 0;
        if (at || (q >= 2 && q < 1000)) {
          prev.unit_price = formatCents(small);
          prev.amount = formatCents(at ? p : big);
          if (prev.quantity === null && q >= 1) prev.quantity = String(q);
          used.push(l.i);
          continue;
        }
      }
      // Neither: a price without a description of its own is no item either.
      if (at || prev) continue;
    }
    let desc = before.replace(/[\s:*xX@]+$/, '')
      // A currency printed before the price column ("CENDOL RM 5.30", "RIBENA R M 5.90").
      .replace(/\s+(?:RM|R\sM|MYR|\$)$/i, '').trim();
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
