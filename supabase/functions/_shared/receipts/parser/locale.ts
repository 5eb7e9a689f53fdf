// Where a receipt was issued, guessed from what it prints: currency symbols and codes, legal-form
// suffixes, tax words, the shape of its address (a US state + ZIP, a Canadian or UK postcode) and
// phone numbers. The guess decides the day/month order of an ambiguous numeric date ("12/07/2019"
// is 7 December on a US receipt, 12 July on a Malaysian one) and is returned with its confidence.
// General conventions only: no shop, street or place from any data set.

import type { Choice, Line } from './lines.ts';

/** Regions whose numeric dates are month-first. */
const MONTH_FIRST = new Set(['US', 'PH']);

const US_STATES =
  'AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY';
const CA_PROVINCES = 'AB|BC|MB|NB|NL|NS|NT|NU|ON|PE|QC|SK|YT';

/** [pattern, region, weight]: each line that matches adds its weight once. */
const SIGNALS: [RegExp, string, number][] = [
  // United States: "Springfield, IL 62704", "(217) 555-0142", "$", sales tax.
  // (City, comma, state: "JALAN OR 43000" is no US address.)
  [new RegExp(`[A-Z.],\\s?(?:${US_STATES})\\.?\\s+\\d{5}(?:-\\d{4})?(?!\\d)`), 'US', 3],
  [/\bU\.?S\.?A\b|UNITED STATES|\bUSD\b|\bUS\$/, 'US', 3],
  [/\(\d{3}\)\s?\d{3}[-.\s]\d{4}\b|(?<![\d-])\d{3}-\d{3}-\d{4}(?![\d-])/, 'US', 1],
  [/SALES\s?TAX/, 'US', 1],
  [/(?<![A-Z])\$\s?\d/, 'US', 0.5],
  [/\bLLC\b|\bINC\b\.?|\bCORP\b/, 'US', 0.5],
  // Philippines: pesos, "VAT REG TIN", the country.
  [/₱|\bPHP\b|PHILIPPINES/, 'PH', 3],
  [/VAT\s?REG\.?\s?TIN|\bTIN\s?:?\s?\d{3}-\d{3}-\d{3}/, 'PH', 2],
  [/(?<![A-Z0-9])P\s?\d{1,3}(?:,\d{3})*\.\d{2}(?!\d)/, 'PH', 0.5],
  // Malaysia: ringgit, Sdn Bhd, GST/SST ids, the country.
  [/\bRM\s?\d|\bMYR\b|MALAYSIA/, 'MY', 2],
  [/SDN\.?\s?BHD|\bBERHAD\b|\(M\)\s*SDN/, 'MY', 2],
  [/\b(?:GST|SST)\s?(?:ID|REG)/, 'MY', 1],
  // Singapore.
  [/\bS\$|\bSGD\b|SINGAPORE/, 'SG', 3],
  [/PTE\.?\s?LTD/, 'SG', 2],
  // United Kingdom: pounds, VAT registration, postcodes ("BS1 4RN").
  [/£|\bGBP\b|UNITED KINGDOM|\bU\.?K\.?\b/, 'GB', 3],
  [/\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b/, 'GB', 1.5],
  [/VAT\s?REG(?:ISTRATION)?\s?(?:NO|NUMBER)/, 'GB', 1],
  // Canada: dollars, HST/PST/QST, "Toronto, ON M5V 1P7".
  [/\bCAD\b|\bC\$|CANADA/, 'CA', 3],
  [new RegExp(`[A-Z.],?\\s(?:${CA_PROVINCES})\\s+[A-Z]\\d[A-Z]\\s?\\d[A-Z]\\d\\b`), 'CA', 3],
  [/\b(?:HST|PST|QST)\b/, 'CA', 1],
  // Australia.
  [/\bAUD\b|\bA\$|AUSTRALIA|\bABN\b|PTY\.?\s?LTD/, 'AU', 2],
  // Euro area.
  [/€|\bEUR\b|\bMWST\b|\bUST\b|\bTVA\b|\bIVA\b|\bBTW\b/, 'EU', 2],
];

const LOCALE_OF: Record<string, string> = {
  US: 'en-US',
  PH: 'en-PH',
  MY: 'en-MY',
  SG: 'en-SG',
  GB: 'en-GB',
  CA: 'en-CA',
  AU: 'en-AU',
  EU: 'en-150',
};

/**
 * The region a receipt's own text points to, as a BCP 47 locale with confidence: the winner's
 * share of all evidence, damped while there is little of it. Null with nothing to go on.
 */
export function guessLocale(ls: Line[]): Choice<string> | null {
  const score = new Map<string, number>();
  const lines = new Map<string, number[]>();
  // One test over the whole page first: most signals are absent, and then no line is read.
  const page = ls.map((l) => l.upper).join('\n');
  for (const [re, region, w] of SIGNALS) {
    if (!re.test(page)) continue;
    for (const l of ls) {
      if (!re.test(l.upper)) continue;
      score.set(region, (score.get(region) ?? 0) + w);
      lines.set(region, [...(lines.get(region) ?? []), l.i]);
    }
  }
  const ranked = [...score.entries()].sort((a, b) => b[1] - a[1]);
  if (ranked.length === 0) return null;
  const [region, win] = ranked[0];
  const all = ranked.reduce((a, [, s]) => a + s, 0);
  if (ranked.length > 1 && ranked[1][1] === win) return null;
  const confidence = Math.round((win / all) * Math.min(1, win / 4) * 1000) / 1000;
  return { value: LOCALE_OF[region], confidence, lines: [...new Set(lines.get(region))] };
}

/** Month-first (true), day-first (false) or unknown (null) numeric dates for a locale. */
export function monthFirstLocale(locale: string | undefined | null): boolean | null {
  if (!locale) return null;
  const region = locale.split(/[-_]/)[1]?.toUpperCase();
  if (
    region &&
    (MONTH_FIRST.has(region) || ['FM', 'MH', 'PW', 'GU', 'AS', 'PR', 'VI', 'UM'].includes(region))
  ) {
    return true;
  }
  // Canada prints both orders (and ISO): no default either way.
  if (region === 'CA') return null;
  if (!region && /^en$/i.test(locale)) return null;
  return false;
}

/**
 * The day/month order to read ambiguous dates in: the receipt's own region when the evidence for
 * it is fair (≥ 0.5), else the caller's locale; null when neither says.
 */
export function dateOrderLocale(
  guessed: Choice<string> | null,
  callerLocale: string | undefined,
): string | undefined {
  if (guessed && guessed.confidence >= 0.5 && monthFirstLocale(guessed.value) !== null) {
    return guessed.value;
  }
  return callerLocale;
}
