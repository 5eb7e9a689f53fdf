// The seller's address: address-like lines below the vendor name, up to the postcode and state.

import { fixAddressText } from './vocabulary.ts';
import { findDates } from './date-reading.ts';
import { type Choice, fixOcrLetters, letterRatio, type Line } from './lines.ts';
import { buyerBlockLines, leftColumnLine } from './header.ts';

const RE_ADDRESS =
  /\b(JALAN|JLN|LORONG|LRG|TAMAN|TMN|PERSIARAN|BANGUNAN|KAWASAN|MUKIM|SIMPANG|LEBUH|LEBUHRAYA|KAMPUNG|KG|BANDAR|BDR|PUSAT|KOMPLEKS|WISMA|MENARA|PLAZA|BLOK|BLOCK|BLK|LOT|UNIT|LEVEL|FLOOR|TINGKAT|ARAS|SEKSYEN|SECTION|SS\d+|USJ|PJU|PJS|ROAD|RD|STREET|ST|AVENUE|AVE|LANE|DRIVE|DR|BOULEVARD|BLVD|HIGHWAY|HWY|SUITE|STE|BUILDING|BLDG|CENTRE|CENTER|MALL|PARK|INDUSTRIAL|PERINDUSTRIAN|SQUARE|STRASSE|STRAßE|STR\.|PLATZ|RUE|AVENIDA|CALLE|VIA|KUALA\s?LUMPUR|SELANGOR|JOHOR|PENANG|PULAU\s?PINANG|PERAK|KEDAH|MELAKA|MALACCA|PAHANG|SABAH|SARAWAK|KELANTAN|TERENGGANU|NEGERI\s?SEMBILAN|PERLIS|PUTRAJAYA|LABUAN|MALAYSIA|SINGAPORE|DARUL\s?EHSAN|DARUL\s?TAKZIM|SHAH\s?ALAM|PETALING\s?JAYA|SUBANG|KLANG|PUCHONG|CHERAS|KAJANG|AMPANG|SERI\s?KEMBANGAN|SKUDAI|SETIA\s?ALAM|RAWANG|SEREMBAN)\b/;
// (A lot number is no postcode: "LOT 26151", "PT 1961 JALAN …".)
const RE_POSTCODE =
  /(?<![\d-])(?<!\b(?:LOT|PT|NO)\.?\s?)\d{5}(?![\d-])|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|(?<!\d)(?<!\b(?:LOT|PT|NO)\.?\s?)\d{4}(?!\d)\s+(?!(?:JALAN|JLN|LORONG|ROAD|STREET|AVENUE)\b)[A-Z]{3,}/;
// Tested on the compact line (no spaces), so tax words need an edge: "KING STREET" holds "GST".
const RE_ADDRESS_STOP =
  /TAXIN|(?<!HO)TEL|PHONE|\bH\/?P\b|FAX|EMAIL|E-MAIL|WWW|HTTP|\.COM|(?<![A-Z])(?:GST|SST|VAT)|(?:GST|SST|VAT)(?:ID|NO|REG|:|\d)|TAXINVOICE|INVOICE|RECEIPT|RESIT|CASHIER|DATE|TIME(?![A-Z])|TABLE|BILL|ORDER|OPENINGHOURS|HOTLINE|DOC(UMENT)?NO|SALESPERSON|MEMBER|COUNTER|SERVER|STAFF|TERMINAL|POS\b|SLIP|TRANS/;

/** A house number and a street, whose number is no postcode: "2210 ELM STREET", "88 HARBOR BLVD". */
const RE_HOUSE_NUMBER =
  /^\d{1,5}[A-Z]?\s+(?:[A-Z]\.?\s+)?(?:[A-Z]+\s+){0,3}(?:STREET|ST|ROAD|RD|AVENUE|AVE|BOULEVARD|BLVD|LANE|LN|DRIVE|DR|WAY|COURT|CT|PLACE|PL|HIGHWAY|HWY|PARKWAY|PKWY)\b\.?(?:\s+(?:NORTH|SOUTH|EAST|WEST|[NSEW]))?\s*,?\s*$/;

const RE_REGISTRATION =
  /REG(ISTRATION)?\.?(NO|#|:)|CO\.?-?REG|CO\.?NO|COMPANYNO|ROC\b|\(?\d{5,}-[A-Z]\)?|BUSINESSNO|ABN|\bVAT\s?NO/;

/** The last word of a complete address: a state or country. */
const RE_ADDRESS_END =
  /\b(SELANGOR|JOHOR|KEDAH|KELANTAN|MELAKA|MALACCA|SEMBILAN|PAHANG|PERAK|PERLIS|PENANG|PINANG|SABAH|SARAWAK|TERENGGANU|PUTRAJAYA|LABUAN|MALAYSIA|SINGAPORE|EHSAN|TAKZIM)\W*$/;

export function isAddressLine(l: Line): boolean {
  // Paddle drops spaces: "JALANPERMASUTARA1" is JALAN PERMAS UTARA 1.
  const u = l.upper.replace(/([A-Z])(?=JALAN|JLN|TAMAN)/g, '$1 ')
    .replace(/^(JALAN|JLN|TAMAN|LORONG)(?=[A-Z]{3})/, '$1 ');
  if (RE_REGISTRATION.test(l.compact) && !RE_ADDRESS.test(u)) return false;
  return RE_ADDRESS.test(u) || RE_ADDRESS.test(l.upper.replace(/[,.]/g, ' ')) ||
    RE_POSTCODE.test(l.upper) ||
    // "NO. 12", "LOT 5", and unit codes: "NO.J-G-02", "UNIT A-3-1".
    /^(NO|LOT|UNIT|BLK|BLOCK)\b\.?\s*(?:\d|[A-Z0-9]{1,4}(?:-[A-Z0-9]{1,4}){1,3}\b)|^\d+[A-Z]?(?:[-/,&]\s?\d+[A-Z]?)*[,\s]+[A-Z]/
      .test(l.upper);
}

export function pickAddress(all: Line[], vendorLines: number[]): Choice<string> | null {
  // Invoices print two columns: the seller's address is the left one; the buyer's block is not it.
  const buyer = buyerBlockLines(all);
  const stop = [...buyer].filter((k) => k > Math.max(-1, ...vendorLines)).sort((a, b) => a - b)[0];
  const start = vendorLines.length ? Math.max(...vendorLines) + 1 : 0;
  const ls = all.slice(0, Math.min(stop ?? all.length, start + 11))
    .map((l, k) => (k >= start - 1 ? leftColumnLine(l) : l));
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
    // A number alone ("58244") may end an address, but does not start one.
    if (isAddressLine(l) && l.compact.replace(/[^A-Z]/g, '').length >= 3) {
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
    // A line ending in a price is an item ("22241 MS CUT SCISSORS 18.00"), even if its article
    // number looks like a postcode.
    if (parts.length > 0 && l.amounts.length > 0 && /\d[.,]\d{2}\s*[A-Z*]?$/.test(l.upper)) break;
    if (parts.length > 0 && !isAddressLine(l) && letterRatio(l.text) < 0.5) break;
    parts.push(l);
    if (parts.length >= 5) break;
    // A state or country after the postcode ends the address.
    if (
      parts.some((p) => RE_POSTCODE.test(fixAddressText(p.upper))) &&
      RE_ADDRESS_END.test(fixAddressText(l.upper))
    ) break;
    // A line with a postcode usually ends the address, unless the next line names a state/country.
    // ("2210 Elm Street" is a house number and a street, not a 4-digit postcode and a town.)
    if (RE_POSTCODE.test(l.upper) && !RE_HOUSE_NUMBER.test(l.upper)) {
      const nx = ls[k + 1];
      // (A town and state may run longer: "PETALING JAYA, SELANGOR DARUL EHSAN.")
      if (
        !nx || RE_ADDRESS_STOP.test(nx.compact) || !/^[A-Z .,]+$/.test(nx.upper) ||
        (nx.upper.length > 30 && !RE_ADDRESS_END.test(fixAddressText(nx.upper)))
      ) break;
    }
  }
  if (parts.length === 0) return null;
  const text = fixAddressText(fixOcrLetters(parts.map((p) => p.text.trim()).join(' ')))
    // Paddle drops the space after a street word: "JALANPJU 1A", "JalanAstaka".
    .replace(
      /\b(JALAN|Jalan|TAMAN|Taman|LORONG|Lorong|PERSIARAN|Persiaran)(?=[A-Z][A-Za-z])/g,
      '$1 ',
    )
    .replace(/\s+/g, ' ').replace(/[\s,]+$/, '').trim();
  const conf = parts.reduce((a, p) => a + p.conf, 0) / parts.length;
  const hasPost = parts.some((p) => RE_POSTCODE.test(p.upper));
  return {
    value: text,
    confidence: (hasPost ? 0.75 : 0.55) * (0.5 + conf / 2),
    lines: parts.map((p) => p.i),
  };
}
