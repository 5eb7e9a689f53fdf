// The line model the field pickers share: OCR lines with their amounts and label key, the Choice a
// picker returns, and small text measures and repairs used by several pickers.

import type { BBox, OcrLine } from './ocr-types.ts';
import { labelKey } from './label-key.ts';
import { type Cents, fixOcrDigits, parseMoney } from './money.ts';

export interface Amount {
  cents: Cents;
  text: string;
  /** character offset in the line's text */
  index: number;
}

export interface Line {
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

export function findAmounts(text: string): Amount[] {
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

export function toLines(lines: OcrLine[]): Line[] {
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
      amounts: totalWithoutPoint(text) ?? findAmounts(text),
    };
  });
}

/**
 * A total whose decimal point did not print or read ("NET TOTAL : 19 80"): the line's only
 * figure, two digits after a space at its end. Only on a total's line, where nothing else is
 * printed after the label.
 */
function totalWithoutPoint(text: string): Amount[] | null {
  if (!/TOTAL|JUMLAH|AMOUNT\s?DUE/i.test(text) || /QTY|QUANTITY|ITEM|PCS|UNITS/i.test(text)) {
    return null;
  }
  if (findAmounts(text).length > 0) return null;
  const m = /(?<=[:\s])(?:RM\s?)?(\d{1,5})\s(\d{2})\s*$/i.exec(text);
  if (!m || /\d[\s:]*$/.test(text.slice(0, m.index))) return null;
  return [{ cents: BigInt(m[1]) * 100n + BigInt(m[2]), text: m[0].trim(), index: m.index }];
}

export interface Choice<T> {
  value: T;
  confidence: number;
  lines: number[];
}

export function letterRatio(s: string): number {
  const letters = s.replace(/[^A-Za-z]/g, '').length;
  const visible = s.replace(/\s/g, '').length || 1;
  return letters / visible;
}

/**
 * Repairs digits that OCR put inside words ("Ja1an", "SH0PP1NG", "L0T"): a 0/1/5 between two
 * letters becomes O, l or I (by the case around it), S. Tokens such as "U1/48", "SS21" are kept.
 */
export function fixOcrLetters(text: string): string {
  // (Not inside a Canadian postcode, "M5V 1P7", whose digits sit between letters by design.)
  // A capitalised word's first letter read as a digit ("5ultan", "0cean"): S or O.
  text = text.replace(/(?<![\w.,/-])[05](?=[a-z]{3,}\b)/g, (d) => (d === '0' ? 'O' : 'S'));
  return text.replace(
    /(?<=[A-Za-z])[015](?=[A-Za-z])(?![A-Z]\s?\d[A-Z]\d\b)/g,
    (d, offset: number) => {
      const prev = text[offset - 1];
      if (d === '0') return prev === prev.toLowerCase() ? 'o' : 'O';
      if (d === '5') return prev === prev.toLowerCase() ? 's' : 'S';
      return prev === prev.toLowerCase() ? 'l' : 'I';
    },
  );
}
