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

export function pickCurrency(ls: Line[], locale: string | undefined): Choice<string> | null {
  const text = ls.map((l) => l.text).join('\n');
  const found = detectCurrencies(text);
  const dollars = found.get('$') ?? 0;
  found.delete('$');
  const ranked = [...found.entries()].sort((a, b) => b[1] - a[1]);
  if (ranked.length > 0) {
    return { value: ranked[0][0], confidence: ranked.length === 1 ? 0.9 : 0.7, lines: [] };
  }
  if (dollars > 0) {
    const byCountry = currencyForCountry(text);
    if (byCountry) return { value: byCountry, confidence: 0.7, lines: [] };
    const region = locale?.split(/[-_]/)[1]?.toUpperCase();
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
