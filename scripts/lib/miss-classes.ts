// Why a field missed, in the failure classes issue 13 names, so the harness can list misses per
// class: a reading limit (the label is not in any engine's text) is told apart from a parser choice
// (wrong line, cut short, extra words, OCR slip, rounding, cash/change, item line, day/month order).
// Also: which shop fold a receipt belongs to, for cross-validation that holds out whole shops.

import { normDate, normText, normTotal, tokenF1 } from './receipt-score.ts';
import type { LabelRow, PredRow } from './receipt-score.ts';

export type Field = 'total' | 'date' | 'vendor' | 'address';

function compact(s: string | null | undefined): string {
  return normText(s).replace(/ /g, '');
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

function tokens(s: string | null | undefined): string[] {
  return normText(s).split(' ').filter(Boolean);
}

/** Share of `part`'s tokens found in `whole` (with multiplicity). */
function contained(part: string[], whole: string[]): number {
  if (part.length === 0) return 0;
  const left = [...whole];
  let hit = 0;
  for (const t of part) {
    const k = left.indexOf(t);
    if (k >= 0) {
      hit++;
      left.splice(k, 1);
    }
  }
  return hit / part.length;
}

/** Amounts in OCR text as cents (digits with a 2-digit decimal part). */
function amountsIn(text: string): Set<number> {
  const out = new Set<number>();
  for (const m of text.matchAll(/(\d{1,3}(?:,\d{3})+|\d+)[.,](\d{2})(?!\d)/g)) {
    out.add(Number(m[1].replace(/,/g, '')) * 100 + Number(m[2]));
  }
  return out;
}

/**
 * The class of one missed field. `texts` are every reading of the page (each engine's lines
 * joined), so "not in text" means no engine read it.
 */
export function missClass(field: Field, l: LabelRow, p: PredRow, texts: string[]): string {
  const all = texts.join('\n');
  if (field === 'total') {
    const lt = normTotal(l.total);
    const pt = normTotal(p.total);
    if (lt === null) return 'expected-null';
    if (pt === null) return 'null';
    const lc = Math.round(lt * 100);
    const pc = Math.round(pt * 100);
    if (!amountsIn(all).has(lc)) return 'not-in-text';
    if (Math.abs(lc - pc) <= 4) return 'rounding';
    const payLine = all.split('\n').find((line) =>
      amountsIn(line).has(pc) &&
      /CASH|TENDER|CHANGE|TUNAI|BAKI|KEMBALI|RECEIVED|PAID|CHG/i.test(line)
    );
    if (payLine) return 'cash-or-change';
    const ls = String(lc), ps = String(pc);
    if (ls.length === ps.length && [...ls].filter((c, i) => c !== ps[i]).length === 1) {
      return 'digit-misread';
    }
    return pc < lc ? 'item-or-subtotal' : 'larger-amount';
  }
  if (field === 'date') {
    const ld = normDate(l.date);
    const pd = p.date;
    if (ld === null) return 'expected-null';
    if (pd === null) return 'null';
    const [y, m, d] = ld.split('-');
    if (pd === `${y}-${d}-${m}`) return 'day-month-order';
    return 'other-date';
  }
  if (field === 'vendor') {
    if (l.vendor === null) return 'expected-null';
    if (p.vendor === null) return 'null';
    const lc = compact(l.vendor), pc = compact(p.vendor);
    if (levenshtein(lc, pc) <= Math.max(2, Math.floor(lc.length / 10))) return 'ocr-slip';
    const inText = compact(all).includes(lc);
    const lt = tokens(l.vendor), pt = tokens(p.vendor);
    if (contained(pt, lt) === 1) return inText ? 'cut-short' : 'cut-short(not-in-text)';
    if (contained(lt, pt) === 1) return 'extra-words';
    if (!inText) return tokenF1(p.vendor, l.vendor) > 0.3 ? 'garbled(not-in-text)' : 'not-in-text';
    return tokenF1(p.vendor, l.vendor) > 0.3 ? 'partly-wrong-line' : 'wrong-line';
  }
  if (l.address === null) return 'expected-null';
  if (p.address === null) return 'null';
  const lt = tokens(l.address), pt = tokens(p.address);
  const recall = contained(lt, pt), precision = contained(pt, lt);
  if (!compact(all).includes(compact(l.address).slice(0, 12))) return 'not-in-text';
  if (precision >= 0.9 && recall < 0.8) return 'lines-missing';
  if (recall >= 0.9 && precision < 0.8) return 'extra-lines';
  return 'ocr-slips-or-other';
}

/** A shop's fold (0..k-1): FNV-1a of the labelled vendor folded to letters and digits. */
export function shopFold(vendorLabel: string | null, id: string, k: number): number {
  const key = compact(vendorLabel) || id;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % k;
}
