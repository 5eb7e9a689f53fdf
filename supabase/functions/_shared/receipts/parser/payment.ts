// What the receipt was paid in and with: currency (symbols, codes, country hints, locale) and
// payment method.

import { detectCurrencies } from './money.ts';
import type { Choice, Line } from './lines.ts';

function currencyForCountry(text: string): string | null {
  const u = text.toUpperCase();
  if (/MALAYSIA|SDN\.?\s?BHD|\+60|\bGST\s?ID|SELANGOR|KUALA LUMPUR|JOHOR/.test(u)) return 'MYR';
  if (/SINGAPORE|PTE\.?\s?LTD|\+65/.test(u)) return 'SGD';
  if (/AUSTRALIA|PTY\.?\s?LTD|\bABN\b|\+61/.test(u)) return 'AUD';
  if (/CANADA|\+1\s?\(?[2-9]\d{2}\)?.*\b(ON|BC|QC|AB)\b/.test(u)) return 'CAD';
  if (/NEW ZEALAND|\+64/.test(u)) return 'NZD';
  if (/HONG KONG|\+852/.test(u)) return 'HKD';
  return null;
}

/** The currency of the region a receipt points to (locale.ts). */
const REGION_CURRENCY: Record<string, string> = {
  'en-US': 'USD',
  'en-PH': 'PHP',
  'en-MY': 'MYR',
  'en-SG': 'SGD',
  'en-GB': 'GBP',
  'en-CA': 'CAD',
  'en-AU': 'AUD',
  'en-150': 'EUR',
};

/** "P 145.00", "P50.00": the peso sign ₱ as OCR and many printers render it. */
const RE_PESO_AMOUNT = /(?<![A-Z0-9])P\s?\d{1,3}(?:,\d{3})*\.\d{2}(?!\d)/;

/**
 * The currency: symbols and codes printed, then `$` by country words, then the region the receipt
 * points to (`guessed`, see locale.ts) or the caller's locale.
 */
export function pickCurrency(
  ls: Line[],
  locale: string | undefined,
  guessed: Choice<string> | null = null,
): Choice<string> | null {
  const text = ls.map((l) => l.text).join('\n');
  const found = detectCurrencies(text);
  // Amounts behind a bare "P" on two lines or more are pesos (one could be a stray letter).
  const pesos = ls.filter((l) => RE_PESO_AMOUNT.test(l.upper)).length;
  if (pesos >= 2) found.set('PHP', (found.get('PHP') ?? 0) + pesos);
  // Yen has no minor unit: a bare ¥ before amounts with cents is another sign (yuan, or a misread
  // ₱), so it says nothing on its own.
  if (
    found.has('JPY') && !/\bJPY\b|円/i.test(text) &&
    ls.some((l) => l.amounts.some((a) => a.cents % 100n !== 0n))
  ) found.delete('JPY');
  const dollars = found.get('$') ?? 0;
  found.delete('$');
  const ranked = [...found.entries()].sort((a, b) => b[1] - a[1]);
  if (ranked.length > 0) {
    return { value: ranked[0][0], confidence: ranked.length === 1 ? 0.9 : 0.7, lines: [] };
  }
  if (dollars > 0) {
    const byCountry = currencyForCountry(text);
    if (byCountry) return { value: byCountry, confidence: 0.7, lines: [] };
    const region = (guessed && guessed.confidence >= 0.5 ? guessed.value : locale)
      ?.split(/[-_]/)[1]?.toUpperCase();
    const byRegion: Record<string, string> = {
      US: 'USD',
      MY: 'MYR',
      SG: 'SGD',
      AU: 'AUD',
      CA: 'CAD',
      NZ: 'NZD',
      HK: 'HKD',
    };
    if (region && byRegion[region]) return { value: byRegion[region], confidence: 0.6, lines: [] };
    return { value: 'USD', confidence: 0.4, lines: [] };
  }
  const byCountry = currencyForCountry(text);
  if (byCountry) return { value: byCountry, confidence: 0.5, lines: [] };
  // No money sign at all: the region's currency, as sure as the region is.
  if (guessed && guessed.confidence >= 0.5 && REGION_CURRENCY[guessed.value]) {
    const confidence = Math.round(guessed.confidence * 600) / 1000;
    return { value: REGION_CURRENCY[guessed.value], confidence, lines: [] };
  }
  return null;
}

export function pickPayment(ls: Line[]): Choice<string> | null {
  const rules: [RegExp, string][] = [
    [/VISA/, 'visa'],
    [/MASTERCARD|MASTER CARD|\bMASTER\b/, 'mastercard'],
    [/AMEX|AMERICAN EXPRESS/, 'amex'],
    [/UNIONPAY/, 'unionpay'],
    [/DEBIT|MEPS|EFTPOS|MAESTRO/, 'debit'],
    [/GRABPAY|BOOST|TOUCH\s?N\s?GO|TNG|E-?WALLET|ALIPAY|WECHAT|APPLE PAY|GOOGLE PAY/, 'ewallet'],
    [/CREDIT CARD|CREDITCARD|\bCARD\b|\bKAD\b/, 'card'],
    [/CHEQUE|CHECK NO/, 'cheque'],
    [/VOUCHER/, 'voucher'],
    [/\bCASH\b|TUNAI|CASH(?=\d)/, 'cash'],
  ];
  for (const [re, name] of rules) {
    const l = ls.find((x) =>
      re.test(x.upper) && !/CASH\s?SALES?\b|CASHIER|CASH BILL/.test(x.upper)
    );
    if (l) return { value: name, confidence: 0.7 * (0.5 + l.conf / 2), lines: [l.i] };
  }
  return null;
}
