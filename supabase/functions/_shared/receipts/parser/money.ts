// Exact money arithmetic for receipts: amounts are bigint minor units (cents) internally and
// decimal strings ("12.30") at the edges. Never floats. Pure; used by the receipt parser.

/** Amount in minor units (cents). */
export type Cents = bigint;

/**
 * Fixes the usual OCR confusions inside something that should be a number:
 * O/o/D/Q → 0, S/s → 5, l/I/i/|/! → 1, B → 8, Z → 2, G → 6. Only runs of such characters that
 * contain a real digit and are not glued to a preceding word (currency prefixes excepted) change,
 * so "NO.59" and "TOTAL" stay as they are while "5O.00", "RM1O.5O" and "O.95" are repaired.
 */
export function fixOcrDigits(token: string): string {
  const map: Record<string, string> = {
    O: '0',
    o: '0',
    D: '0',
    Q: '0',
    S: '5',
    s: '5',
    l: '1',
    I: '1',
    i: '1',
    '|': '1',
    '!': '1',
    B: '8',
    Z: '2',
    G: '6',
  };
  return token.replace(/[0-9OoDQSsIil|!BZG.,]+/g, (run, offset: number) => {
    if (!/[0-9]/.test(run) || !/[^0-9.,]/.test(run)) return run;
    const before = token.slice(0, offset);
    if (/[A-Za-z]$/.test(before) && !/(?:^|[^A-Za-z])(?:RM|MYR|USD|SGD|EUR|GBP|S)$/i.test(before)) {
      return run;
    }
    // A tax code glued to a price with its two decimals ("5.20s", "24.95Z") stays a letter.
    const code = /\d[.,]\d{2}[SsZz]$/.test(run) ? run.slice(-1) : '';
    if (code) return fixOcrDigits(run.slice(0, -1)) + code;
    // Letters at the edges of the run stay letters unless they touch a digit or separator.
    const chars = [...run];
    const near = (x: string | undefined) => x !== undefined && /[0-9.,]/.test(x);
    for (let changed = true; changed;) {
      changed = false;
      chars.forEach((c, i) => {
        const m = map[c];
        if (m !== undefined && (near(chars[i - 1]) || near(chars[i + 1]))) {
          chars[i] = m;
          changed = true;
        }
      });
    }
    return chars.join('');
  });
}

/**
 * Parses a money string into cents: "12.30", "1,234.50", "1.234,50", "12,30", "RM 12.30",
 * "-3.00", "3.00-", "(3.00)". Integers ("12") are whole units. Returns null when not money.
 */
export function parseMoney(input: string): Cents | null {
  let s = fixOcrDigits(input.trim());
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1);
  }
  s = s.replace(/\s+/g, '');
  if (/^-|-$/.test(s)) negative = true;
  s = s.replace(/^[^0-9.,-]+/, '').replace(/[^0-9.,-]+$/, '').replace(/-/g, '');
  if (!/^[0-9][0-9.,]*$/.test(s) && !/^[.,][0-9]{2}$/.test(s)) return null;
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  let intPart: string;
  let fracPart = '';
  const decimalAt = (() => {
    if (lastDot >= 0 && lastComma >= 0) return Math.max(lastDot, lastComma);
    const sep = Math.max(lastDot, lastComma);
    if (sep < 0) return -1;
    const count = s.split(s[sep]).length - 1;
    const after = s.length - sep - 1;
    if (count > 1) return -1; // "1.234.567", "1,234,567"
    if (after === 3 && !s.startsWith('0')) return -1; // "1,234" thousands; "0.500" stays decimal
    return sep;
  })();
  if (decimalAt >= 0) {
    intPart = s.slice(0, decimalAt).replace(/[.,]/g, '');
    fracPart = s.slice(decimalAt + 1);
    if (!/^[0-9]*$/.test(fracPart) || fracPart.length > 4) return null;
  } else {
    // Thousands groups must be 3 digits.
    if (/[.,]/.test(s) && !/^[0-9]{1,3}([.,][0-9]{3})+$/.test(s)) return null;
    intPart = s.replace(/[.,]/g, '');
  }
  if (intPart === '') intPart = '0';
  if (!/^[0-9]+$/.test(intPart)) return null;
  // Round half up to cents when more than 2 decimals are printed (e.g. unit prices "1.0000").
  const frac = (fracPart + '000').slice(0, 3);
  let cents = BigInt(intPart) * 100n + BigInt(frac.slice(0, 2));
  if (Number(frac[2]) >= 5) cents += 1n;
  return negative ? -cents : cents;
}

/** Formats cents as a plain decimal string: 1230n → "12.30", -5n → "-0.05". */
export function formatCents(c: Cents): string {
  const neg = c < 0n;
  const abs = neg ? -c : c;
  const units = abs / 100n;
  const frac = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${units}.${frac}`;
}

/** Normalises a money string to "12.30" form, or null. */
export function normaliseMoney(input: string): string | null {
  const c = parseMoney(input);
  return c === null ? null : formatCents(c);
}

/** Adds decimal money strings exactly; null if any is not money. */
export function addMoney(...amounts: string[]): string | null {
  let sum = 0n;
  for (const a of amounts) {
    const c = parseMoney(a);
    if (c === null) return null;
    sum += c;
  }
  return formatCents(sum);
}

/** Compares two money strings: -1, 0, 1; null if either is not money. */
export function compareMoney(a: string, b: string): -1 | 0 | 1 | null {
  const x = parseMoney(a);
  const y = parseMoney(b);
  if (x === null || y === null) return null;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** True when |a - b| ≤ tolerance cents (default 0: exact). */
export function moneyNear(a: Cents, b: Cents, tolerance: Cents = 0n): boolean {
  const d = a - b;
  return (d < 0n ? -d : d) <= tolerance;
}

/** Multiplies cents by a decimal quantity string exactly, rounding half up to cents. */
export function multiplyMoney(unit: Cents, quantity: string): Cents | null {
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(quantity.trim());
  if (!m) return null;
  const scale = 10n ** BigInt((m[2] ?? '').length);
  const q = BigInt(m[1] + (m[2] ?? ''));
  const raw = unit * q;
  const half = scale / 2n;
  return raw >= 0n ? (raw + half) / scale : -((-raw + half) / scale);
}

const SYMBOLS: [RegExp, string][] = [
  [/\bMYR\b|\bRM\b|(?:^|[^A-Z]|TOTAL|AMT|AMOUNT|PAID|CASH|DUE|CHANGE)RM(?=\s?\d)/i, 'MYR'],
  [/\bSGD\b|\bS\$/i, 'SGD'],
  [/\bAUD\b|\bA\$/i, 'AUD'],
  [/\bCAD\b|\bC\$/i, 'CAD'],
  [/\bHKD\b|\bHK\$/i, 'HKD'],
  [/\bUSD\b|\bUS\$/i, 'USD'],
  [/€|\bEUR\b/i, 'EUR'],
  [/£|\bGBP\b/i, 'GBP'],
  [/\bJPY\b|円/i, 'JPY'],
  [/\bCNY\b|\bRMB\b|元/i, 'CNY'],
  [/₹|\bINR\b|\bRs\.?\s?\d/i, 'INR'],
  [/\bIDR\b|\bRp\.?\s?\d/i, 'IDR'],
  [/\bTHB\b|฿/i, 'THB'],
  [/\bPHP\b|₱/i, 'PHP'],
  [/\bCHF\b/i, 'CHF'],
  [/\bNZD\b|\bNZ\$/i, 'NZD'],
  [/₩|\bKRW\b/i, 'KRW'],
];

/** Currency codes that a text mentions, with counts (explicit codes and unambiguous symbols). */
export function detectCurrencies(text: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const [re, code] of SYMBOLS) {
    const g = new RegExp(re.source, 'gi');
    const n = [...text.matchAll(g)].length;
    if (n > 0) found.set(code, (found.get(code) ?? 0) + n);
  }
  const yen = [...text.matchAll(/¥/g)].length;
  if (yen > 0) found.set('JPY', (found.get('JPY') ?? 0) + yen);
  const dollars = [...text.matchAll(/(?<![A-Z])\$/gi)].length;
  if (dollars > 0) found.set('$', dollars);
  return found;
}
