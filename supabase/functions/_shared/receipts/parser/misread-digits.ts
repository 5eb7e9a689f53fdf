// Digit misreadings in receipt amounts, for the parser's arithmetic repairs. Thermal and dot-matrix
// receipt fonts make a few digit pairs look alike once print fades: 8 shares its strokes with 0, 3,
// 5, 6 and 9; 5 and 6 differ by one stroke; 1 and 7 by the top bar. The sample shows 9→8
// ("SUB-TOTAL 92.50" read "82.50") and 8→6 ("RM78.30" read "76.30"). Pure; used by parse.ts.

import { type Cents, formatCents } from './money.ts';

const CONFUSABLE = new Set(['0-8', '3-8', '5-8', '6-8', '8-9', '5-6', '1-7']);

export function confusableDigits(a: string, b: string): boolean {
  return CONFUSABLE.has(a < b ? `${a}-${b}` : `${b}-${a}`);
}

/** One digit read wrongly: its place (10^place cents) and the digit read / printed there. */
export interface DigitSwap {
  place: number;
  read: string;
  printed: string;
}

/**
 * How `read` differs from `printed` when they differ in exactly one digit and that digit pair is
 * easily confused; null otherwise (several digits, different lengths, or an unlikely pair).
 */
export function confusableSwap(read: Cents, printed: Cents): DigitSwap | null {
  if (read <= 0n || printed <= 0n || read === printed) return null;
  const a = formatCents(read).replace('.', '');
  const b = formatCents(printed).replace('.', '');
  if (a.length !== b.length) return null;
  let swap: DigitSwap | null = null;
  for (let k = 0; k < a.length; k++) {
    if (a[k] === b[k]) continue;
    if (swap || !confusableDigits(a[k], b[k])) return null;
    swap = { place: a.length - 1 - k, read: a[k], printed: b[k] };
  }
  return swap;
}

export function sameSwap(x: DigitSwap, y: DigitSwap): boolean {
  return x.place === y.place && x.read === y.read && x.printed === y.printed;
}

/** The digit of `c` at 10^place cents. */
export function digitAt(c: Cents, place: number): string {
  const s = formatCents(c < 0n ? -c : c).replace('.', '');
  return s[s.length - 1 - place] ?? '0';
}

/** True when `tax` is `base` × one of the rates (percent), rounded half up to the cent. */
export function taxAtRate(base: Cents, tax: Cents, ratesPercent: number[]): boolean {
  if (base <= 0n || tax <= 0n) return false;
  return ratesPercent.some((r) => {
    const bp = BigInt(Math.round(r * 100)); // basis points
    return (base * bp + 5000n) / 10000n === tax;
  });
}
