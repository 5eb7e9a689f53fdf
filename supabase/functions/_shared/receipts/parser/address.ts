// The seller's address: address-like lines below the vendor name, up to the postcode and state.

import { fixAddressText } from './vocabulary.ts';
import { findDates } from './date-reading.ts';
import { type Choice, fixOcrLetters, letterRatio, type Line } from './lines.ts';

const RE_ADDRESS =
  /\b(JALAN|JLN|LORONG|LRG|TAMAN|TMN|PERSIARAN|BANGUNAN|KAWASAN|MUKIM|SIMPANG|LEBUH|LEBUHRAYA|KAMPUNG|KG|BANDAR|BDR|PUSAT|KOMPLEKS|WISMA|MENARA|PLAZA|BLOK|BLOCK|BLK|LOT|UNIT|LEVEL|FLOOR|TINGKAT|ARAS|SEKSYEN|SECTION|SS\d+|USJ|PJU|PJS|ROAD|RD|STREET|ST|AVENUE|AVE|LANE|DRIVE|DR|BOULEVARD|BLVD|HIGHWAY|HWY|SUITE|STE|BUILDING|BLDG|CENTRE|CENTER|MALL|PARK|INDUSTRIAL|PERINDUSTRIAN|SQUARE|STRASSE|STRAßE|STR\.|PLATZ|RUE|AVENIDA|CALLE|VIA|KUALA\s?LUMPUR|SELANGOR|JOHOR|PENANG|PULAU\s?PINANG|PERAK|KEDAH|MELAKA|MALACCA|PAHANG|SABAH|SARAWAK|KELANTAN|TERENGGANU|NEGERI\s?SEMBILAN|PERLIS|PUTRAJAYA|LABUAN|MALAYSIA|SINGAPORE|DARUL\s?EHSAN|DARUL\s?TAKZIM|SHAH\s?ALAM|PETALING\s?JAYA|SUBANG|KLANG|PUCHONG|CHERAS|KAJANG|AMPANG|SERI\s?KEMBANGAN|SKUDAI|SETIA\s?ALAM|RAWANG|SEREMBAN)\b/;
const RE_POSTCODE =
  /(?<![\d-])\d{5}(?![\d-])|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|(?<!\d)\d{4}(?!\d)\s+[A-Z]{3,}/;
const RE_ADDRESS_STOP =
  /TAXIN|TEL|PHONE|\bH\/?P\b|FAX|EMAIL|E-MAIL|WWW|HTTP|\.COM|GST|SST|VAT|TAXINVOICE|INVOICE|RECEIPT|RESIT|CASHIER|DATE|TIME|TABLE|BILL|ORDER|OPENINGHOURS|HOTLINE|DOC(UMENT)?NO|SALESPERSON|MEMBER|COUNTER|SERVER|STAFF|TERMINAL|POS\b|SLIP|TRANS/;

const RE_REGISTRATION =
  /REG(ISTRATION)?\.?(NO|#|:)|CO\.?-?REG|CO\.?NO|COMPANYNO|ROC\b|\(?\d{5,}-[A-Z]\)?|BUSINESSNO|ABN|\bVAT\s?NO/;

/** The last word of a complete address: a state or country. */
const RE_ADDRESS_END =
  /\b(SELANGOR|JOHOR|KEDAH|KELANTAN|MELAKA|MALACCA|SEMBILAN|PAHANG|PERAK|PERLIS|PENANG|PINANG|SABAH|SARAWAK|TERENGGANU|PUTRAJAYA|LABUAN|MALAYSIA|SINGAPORE|EHSAN|TAKZIM)\W*$/;

export function isAddressLine(l: Line): boolean {
  const u = l.upper.replace(/([A-Z])(?=JALAN|JLN|TAMAN)/g, '$1 ');
  if (RE_REGISTRATION.test(l.compact) && !RE_ADDRESS.test(u)) return false;
  return RE_ADDRESS.test(u) || RE_ADDRESS.test(l.upper.replace(/[,.]/g, ' ')) ||
    RE_POSTCODE.test(l.upper) ||
    /^(NO|LOT|UNIT|BLK|BLOCK)\b\.?\s*\d|^\d+[A-Z]?(?:[-/,&]\s?\d+[A-Z]?)*[,\s]+[A-Z]/.test(l.upper);
}

export function pickAddress(ls: Line[], vendorLines: number[]): Choice<string> | null {
  const start = vendorLines.length ? Math.max(...vendorLines) + 1 : 0;
  const limit = Math.min(ls.length, start + 10);
  let first = -1;
  for (let k = start; k < limit; k++) {
    const l = ls[k];
    if (RE_ADDRESS_STOP.test(l.compact) && !isAddressLine(l)) {
      if (first >= 0) break;
      continue;
    }
    // ("G.23 & G.22, Plaza …" reads as an amount, but is a unit number on an address line.)
    const addressLike = RE_ADDRESS.test(l.upper.replace(/[,.]/g, ' ')) &&
      !RE_REGISTRATION.test(l.compact) && letterRatio(l.text) >= 0.5;
    if (findDates(l).length > 0 || (l.amounts.length > 0 && !addressLike)) continue;
    // Branch names in parentheses and registration numbers sit between name and address.
    if (/^[(（].*[)）]$/.test(l.text.trim()) || RE_REGISTRATION.test(l.compact)) continue;
    if (isAddressLine(l)) {
      first = k;
      // A short house-number line just above ("No. 2,") belongs to the address.
      const prev = ls[k - 1];
      if (
        prev && k - 1 >= start &&
        /^(NO|LOT|UNIT|BLK|BLOCK)?\.?\s?[\dA-Z][\dA-Z-/&,. ]{0,12}$/.test(prev.upper) &&
        /\d/.test(prev.upper) && !RE_REGISTRATION.test(prev.compact) && findDates(prev).length === 0
      ) first = k - 1;
      break;
    }
  }
  if (first < 0) return null;
  const parts: Line[] = [];
  for (let k = first; k < limit; k++) {
    const l = ls[k];
    if (RE_ADDRESS_STOP.test(l.compact)) {
      // "…, 81300 Skudai, Johor. Tel: 07-…" — keep the part before the stop word.
      const cut = l.text.search(/\b(TEL|PHONE|FAX|H\/P|EMAIL|GST)\b/i);
      if (cut > 5) parts.push({ ...l, text: l.text.slice(0, cut) });
      break;
    }
    if (findDates(l).length > 0 || (l.amounts.length > 0 && !isAddressLine(l))) break;
    if (parts.length > 0 && !isAddressLine(l) && letterRatio(l.text) < 0.5) break;
    parts.push(l);
    if (parts.length >= 5) break;
    // A state or country after the postcode ends the address.
    if (
      parts.some((p) => RE_POSTCODE.test(fixAddressText(p.upper))) &&
      RE_ADDRESS_END.test(fixAddressText(l.upper))
    ) break;
    // A line with a postcode usually ends the address, unless the next line names a state/country.
    if (RE_POSTCODE.test(l.upper)) {
      const nx = ls[k + 1];
      if (
        !nx || RE_ADDRESS_STOP.test(nx.compact) ||
        !/^[A-Z .,]+$/.test(nx.upper) || nx.upper.length > 30
      ) break;
    }
  }
  if (parts.length === 0) return null;
  const text = fixAddressText(fixOcrLetters(parts.map((p) => p.text.trim()).join(' ')))
    .replace(/\s+/g, ' ').replace(/[\s,]+$/, '').trim();
  const conf = parts.reduce((a, p) => a + p.conf, 0) / parts.length;
  const hasPost = parts.some((p) => RE_POSTCODE.test(p.upper));
  return {
    value: text,
    confidence: (hasPost ? 0.75 : 0.55) * (0.5 + conf / 2),
    lines: parts.map((p) => p.i),
  };
}
