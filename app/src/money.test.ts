import { describe, expect, it } from 'vitest';
import { currencyExponent, formatMinor, minorToInput, parseMinor } from './money.ts';

describe('app - money in minor units', () => {
  it('formats minor units with the currency exponent and grouping', () => {
    expect(formatMinor(123456, 2, 'EUR')).toBe('1,234.56 EUR');
    expect(formatMinor(5, 2)).toBe('0.05');
    expect(formatMinor(-1050, 2)).toBe('-10.50');
    expect(formatMinor(1500, 0, 'JPY')).toBe('1,500 JPY');
    expect(formatMinor(1234, 3, 'BHD')).toBe('1.234 BHD');
    expect(formatMinor(null, 2)).toBe('—');
  });

  it('parses typed amounts digit by digit, never through a float', () => {
    expect(parseMinor('12.30', 2)).toBe(1230);
    expect(parseMinor('12,3', 2)).toBe(1230);
    expect(parseMinor(' 0.07 ', 2)).toBe(7);
    expect(parseMinor('1500', 0)).toBe(1500);
    expect(parseMinor('0.1', 2)).toBe(10); // not 10.000000000000002
  });

  it('refuses what is not an amount', () => {
    for (const bad of ['', 'abc', '1.234', '-5', '1e3', '12.', '1,234.56']) {
      expect(parseMinor(bad, 2)).toBeNull();
    }
    expect(parseMinor('1.5', 0)).toBeNull();
  });

  it('round-trips through the input form', () => {
    expect(parseMinor(minorToInput(123456, 2), 2)).toBe(123456);
    expect(minorToInput(null, 2)).toBe('');
  });

  it('knows the exponent of zero- and three-decimal currencies', () => {
    expect([
      currencyExponent('JPY'),
      currencyExponent('kwd'),
      currencyExponent('EUR'),
      currencyExponent(null),
    ])
      .toEqual([0, 3, 2, 2]);
  });
});
