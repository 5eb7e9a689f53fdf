// Money in the app: amounts are integers in minor units end to end (as the API sends them);
// strings are parsed digit by digit, never through a float.

/** 123456, 2 → "1,234.56" (grouped), with the currency code when given. */
export function formatMinor(
  minor: number | null | undefined,
  exponent = 2,
  currency?: string | null,
): string {
  if (minor === null || minor === undefined) return '—';
  const negative = minor < 0;
  const digits = String(Math.abs(Math.trunc(minor))).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = exponent > 0 ? '.' + digits.slice(digits.length - exponent) : '';
  return `${negative ? '-' : ''}${whole}${frac}${currency ? ' ' + currency : ''}`;
}

/** The same without grouping, for an input's value: 123456, 2 → "1234.56". */
export function minorToInput(minor: number | null | undefined, exponent = 2): string {
  return minor === null || minor === undefined
    ? ''
    : formatMinor(minor, exponent).replace(/,/g, '');
}

/**
 * "12.30" with exponent 2 → 1230. Accepts digits with at most `exponent` decimals (a comma or
 * point as the separator); anything else → null.
 */
export function parseMinor(text: string, exponent = 2): number | null {
  const t = text.trim().replace(/\s/g, '');
  const m = t.match(/^(\d{1,15})(?:[.,](\d+))?$/);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > exponent) return null;
  const value = Number(m[1] + frac.padEnd(exponent, '0'));
  return Number.isSafeInteger(value) ? value : null;
}

// ISO 4217 currencies whose minor unit is not 2 digits (the rest use 2, as the API does).
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
};

/** How many decimal digits a currency's minor unit has. */
export function currencyExponent(currency: string | null | undefined): number {
  return currency ? EXPONENTS[currency.toUpperCase()] ?? 2 : 2;
}
