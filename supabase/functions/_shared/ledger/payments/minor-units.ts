// Decimal amounts as providers print them ("600", "10.5") to integer minor units of their ISO 4217
// currency, by string arithmetic only: a float never touches money.

/** ISO 4217 minor-unit exponents that are not 2. */
const EXPONENTS: Record<string, number> = Object.fromEntries([
  ...['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND']
    .map((c) => [c, 0]),
  ...['VUV', 'XAF', 'XOF', 'XPF'].map((c) => [c, 0]),
  ...['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'].map((c) => [c, 3]),
  ['CLF', 4],
  ['UYW', 4],
]);

export function minorUnitExponent(currency: string): number {
  return EXPONENTS[currency.toUpperCase()] ?? 2;
}

export class InvalidAmount extends Error {
  override name = 'InvalidAmount';
}

/**
 * "12.30" EUR → 1230; "600" UGX → 600; "-4.5" → -450. Refuses more decimals than the currency
 * has (a sub-minor amount is an error, not something to round) and amounts beyond 2^53.
 */
export function toMinorUnits(amount: string | number, currency: string): number {
  // A JSON number is turned back into the shortest decimal that prints it, never computed with.
  const text = typeof amount === 'number' ? String(amount) : amount.trim();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new InvalidAmount(`Amount ${JSON.stringify(amount)} is not a decimal number`);
  const exponent = minorUnitExponent(currency);
  const fraction = (m[3] ?? '').replace(/0+$/, '');
  if (fraction.length > exponent) {
    throw new InvalidAmount(`Amount ${text} has more decimals than ${currency} allows`);
  }
  const digits = BigInt(m[2] + fraction.padEnd(exponent, '0'));
  if (digits > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new InvalidAmount(`Amount ${text} is too large`);
  }
  const value = Number(digits);
  return m[1] === '-' && value !== 0 ? -value : value;
}
