// Money leaves the API in one format: integers in the currency's minor units (cents for USD,
// sen for MYR, yen for JPY, fils for BHD), with the exponent the currency defines (ISO 4217,
// through ICU). Decimal strings from the database are converted exactly, never through a float.

/** Minor-unit exponent of an ISO 4217 code (USD 2, JPY 0, BHD 3); 2 when unknown or absent. */
export function currencyExponent(currency: string | null | undefined): number {
  if (!currency || !/^[A-Za-z]{3}$/.test(currency)) return 2;
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency })
      .resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * An exact decimal string ("12.3", "-0.0450", "1,234.50" is refused) as an integer number of
 * minor units, rounded half away from zero; null for null or a malformed value.
 */
export function toMinorUnits(decimal: string | null | undefined, exponent: number): number | null {
  if (decimal === null || decimal === undefined) return null;
  const m = /^\s*([+-])?(\d+)(?:\.(\d+))?\s*$/.exec(String(decimal));
  if (!m) return null;
  const [, sign, whole, frac = ''] = m;
  const kept = (frac + '0'.repeat(exponent)).slice(0, exponent);
  let units = BigInt(whole + kept);
  if ((frac[exponent] ?? '0') >= '5') units += 1n; // half away from zero (sign applied after)
  const value = Number(sign === '-' ? -units : units);
  return Number.isSafeInteger(value) ? value : null;
}

/**
 * An integer number of minor units as an exact decimal string with `exponent` decimals
 * (1230 with 2 is "12.30", 1500 with 0 is "1500", -5 with 3 is "-0.005"); the inverse of
 * toMinorUnits for integers.
 */
export function fromMinorUnits(units: number, exponent: number): string {
  if (!Number.isSafeInteger(units)) throw new RangeError(`Not a safe integer: ${units}`);
  const digits = String(Math.abs(units)).padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const frac = exponent > 0 ? `.${digits.slice(digits.length - exponent)}` : '';
  return `${units < 0 ? '-' : ''}${whole}${frac}`;
}
