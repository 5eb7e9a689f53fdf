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
