// The vendor: the header line that names the business, cleaned of registration numbers and OCR
// slips, with a legal suffix printed on the line above or below.

import { fixVendorWords, onlyBusinessWords } from './vocabulary.ts';
import { isAddressLine } from './address.ts';
import { findDates } from './date-reading.ts';
import {
  buyerBlockLines,
  fromBlockLine,
  headerEnd,
  headerStart,
  leftColumn,
  plausibleName,
  RE_COMPANY,
  RE_NOT_VENDOR,
} from './header.ts';
import { type Choice, fixOcrLetters, letterRatio, type Line } from './lines.ts';

const RE_COMPANY_COMPACT =
  /SDNBHD|SDN\.BHD|BERHAD|ENTERPRISE|TRADING|PTELTD|PTYLTD|RESTAURANT|RESTORAN|SUPERMARKET|HYPERMARKET|STATIONERY|HARDWARE|PHARMACY|FARMASI|BOOKSTORE|MINIMARKET|MACHINERY|ELECTRICAL|GROCER/;

function cleanVendor(s: string): string {
  return fixOcrLetters(s)
    .replace(/^[\s|!.,:;*_~=-]+/, '') // the paper's edge read as "|" ahead of the name
    .replace(/^\s*(?:(?:OWNED|OWN|OPERATED|MANAGED)\s*BY|DIMILIKI(?:\s*OLEH)?)\s*:?\s*/i, '')
    // "SON BHD", "SIN BHD", "SLI BHD": SDN with a letter or two misread.
    .replace(
      /\b(S)(?!DN)([A-Z0-9])([A-Z0-9])(\.?\s?)(BHD|BERHAD)\b/gi,
      (_m, s: string, _d: string, n: string, sep: string, b: string) =>
        s === 's'
          ? `sdn${sep || ' '}${b}`
          : `${s}${n === n.toLowerCase() ? 'dn' : 'DN'}${sep || ' '}${b}`,
    )
    .replace(
      /(?<=[A-Z])(SDN\.?BHD|PTE\.?LTD|PTY\.?LTD)$/i,
      (m) => ` ${m.slice(0, 3)} ${m.slice(-3)}`,
    )
    // A legal suffix split or misread by OCR: "B HD", "BH D", "S DN", "BIID" (H read as II).
    .replace(/\b(?:B\s+HD|BH\s+D)\b/g, 'BHD')
    .replace(/\bS\s+DN\b/g, 'SDN')
    .replace(/\b(SDN\.?\s?)(?:[B8](?:H|II|IH|HI)[D0O]|[E8B]H[D0O])\b/g, '$1BHD')
    .replace(/\s*[(（][^()（）]*\d{4,}[^()（）]*(?:[)）]|$)/g, '') // (1135772-K), （759705-H）
    .replace(/\s+\S*\d{5,}-?[A-Z]?\)?\s*$/i, '') // unbalanced "S19537-X)"
    // "(CO. REG. NO: 1135772-K)"; a parenthesis without digits is part of the name
    // ("TESCO STORES (MALAYSIA) SDN BHD", "MR. D.I.Y. (KUCHAI) SDN BHD").
    .replace(/\((?:CO\.?\s*)?(?:REG\.?\s*)?(?:NO\.?)?\s*:?\s*(?=[A-Z-]*\d)[\dA-Z-]{5,}\)/gi, '')
    // Speckle read after the legal suffix ("SDN. BHD. L", "SDN BHD (I", "SDN BHD（I"): the suffix
    // ends the name.
    .replace(/\b((?:SDN\.?\s?)?(?:BHD|BERHAD))(\.?)(?:\s+[(（]?|\s*[(（])[A-Z]{1,2}$/i, '$1$2')
    .replace(/\b(?:CO\.?\s*REG\.?\s*NO\.?|COMPANY\s*NO\.?|ROC)\s*:?\s*[\dA-Z-]+$/i, '')
    .replace(/^\W*(?:WELCOME\s+TO\s+)?/i, '')
    // One stray letter after a name of several words is speckle ("FUYI MINIMARKET T").
    .replace(/^(\S+(?:\s+\S+)+?)\s+[A-Z]$/, '$1')
    .replace(/[\s.,:;|*_~-]+$/g, '')
    .replace(/^[\s.,:;|*_~-]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A line that is only a company registration number: "(1365663-P)", "CO REG NO: 210038-K". */
const RE_REG_NO_LINE =
  /^[(（<]?\s*(?:(?:CO(?:MPANY)?\.?\s*)?(?:REG(?:ISTRATION)?\.?\s*)?(?:NO\.?)?\s*[:.]?\s*)?\d{5,}\s?-?\s?[A-Z]\s*[)）>]?$/;

/** Legal-entity suffixes: the line naming the company that issued the receipt. */
const RE_LEGAL =
  /\b(SDN\.?\s?BHD|S\/B|BHD|BERHAD|PTE\.?\s?LTD|PTY\.?\s?LTD|LTD|LIMITED|LLC|L\.L\.C|INC|CORP|CORPORATION|GMBH|PLC|ENTERPRISES?|TRADING)\b\.?/;

/** A line that only finishes a company name: an optional place or "(M)" and the legal suffix. */
const RE_SUFFIX_LINE =
  /^(?:[(（][^()（）\d]{1,30}[)）]\s*)?(SDN\.?\s?BHD|BHD|BERHAD|PTE\.?\s?LTD|LTD|LIMITED|INC|LLC)\b/;

export function pickVendor(ls: Line[]): Choice<string> | null {
  // An invoice names its issuer under "FROM" (its title and logo sit above, the buyer's block
  // beside or below).
  const from = fromBlockLine(ls);
  if (from >= 0) {
    const name = cleanVendor(leftColumn(ls[from].text));
    if (name) {
      return {
        value: fixVendorWords(name),
        confidence: 0.8 * (0.5 + ls[from].conf / 2),
        lines: [from],
      };
    }
  }
  const start = headerStart(ls);
  const end = headerEnd(ls, start);
  if (end === start) return null;
  // A page that starts with priced lines is the middle or foot of a receipt: its header, and the
  // shop's name with it, is not on the page.
  if (ls[start].amounts.length > 0 && !isAddressLine(ls[start])) return null;
  const buyer = buyerBlockLines(ls);
  const heights = ls.slice(start, end).map((l) => l.bbox.height).filter((h) => h > 0).sort();
  const medianH = heights[Math.floor(heights.length / 2)] || 0;
  let best: { l: Line; s: number } | null = null;
  let firstAddress = start;
  while (firstAddress < end && !isAddressLine(ls[firstAddress])) firstAddress++;
  for (let k = start; k < end; k++) {
    const l = ls[k];
    const letters = l.compact.replace(/[^A-Z]/g, '').length;
    if (letters < 3 || buyer.has(k)) continue;
    let s = 0;
    const name = cleanVendor(l.text);
    const company = RE_COMPANY.test(l.upper) || RE_COMPANY_COMPACT.test(l.compact);
    if (company) s += 4;
    // A legal name is what the receipt is issued by: preferred over a brand line beside it.
    if (RE_LEGAL.test(name.toUpperCase())) s += 2;
    if (RE_NOT_VENDOR.test(l.compact)) s -= 6;
    // A business word does not clear a line with a street or a number ("LOT 3, … SHOPPING
    // CENTRE"); a town alone in a name ("PETROL STATION SUBANG") it does.
    if (isAddressLine(l) && !RE_LEGAL.test(name.toUpperCase())) {
      const street = /\d|JALAN|JLN|ROAD|STREET|LOT\b|NO\./.test(l.upper);
      if (street) s -= 3;
      else if (!company) s -= 1;
    }
    // Judged on the name without its registration number ("(728515-H)").
    s += (letterRatio(name || l.text) - 0.7) * 6;
    if (l.text === l.upper) s += 0.5;
    if (medianH > 0 && l.bbox.height > medianH * 1.25) s += 1.5;
    s -= (k - start) * 0.6; // earlier is better
    if (l.conf < 0.6) s -= 3;
    // The company's registration number printed alone under it ("(1365663-P)") marks the name
    // (above the address: below it, an operator's name may carry one too).
    if (k < firstAddress && ls[k + 1] && RE_REG_NO_LINE.test(ls[k + 1].upper.trim())) s += 2;
    if (letters < 5) s -= 2;
    if (!best || s > best.s) best = { l, s };
  }
  if (!best) return null;
  let text = cleanVendor(best.l.text);
  const lines = [best.l.i];
  // A bare company suffix ("Sdn Bhd") continues the name on the line above.
  const above = ls[best.l.i - 1];
  if (
    above && new RegExp(`^${RE_SUFFIX_LINE.source}\\.?$`).test(best.l.upper.trim()) &&
    above.amounts.length === 0 && letterRatio(above.text) > 0.6
  ) {
    text = cleanVendor(`${above.text} ${best.l.text}`);
    lines.unshift(above.i);
  } else if (above && above.i >= start && continuesAbove(text, above, best.l)) {
    // "SERI MURNI" / "TRADING SDN BHD": a legal name of one own word, or of business words only,
    // is the second half of the name printed on the line above.
    text = cleanVendor(`${above.text} ${best.l.text}`);
    lines.unshift(above.i);
  }
  // A company suffix printed alone on the next line ("SDN BHD", "(M) SDN BHD", "(SETIA ALAM) SDN
  // BHD") belongs to the name.
  const next = ls[best.l.i + 1];
  if (
    next && RE_SUFFIX_LINE.test(next.upper) &&
    !/\b(BHD|BERHAD|LTD|LIMITED|INC|LLC)\.?$/.test(text.toUpperCase())
  ) {
    text = cleanVendor(`${text} ${next.text}`);
    lines.push(next.i);
  }
  // Generic words alone ("SYARIKAT PERNIAGAAN", "KEDAI RUNCIT") are not yet a name: the shop's own
  // words follow on the next line.
  const following = ls[lines[lines.length - 1] + 1];
  if (
    following && onlyBusinessWords(text) && plausibleName(following) &&
    !isAddressLine(following) && following.amounts.length === 0 &&
    findDates(following).length === 0
  ) {
    text = cleanVendor(`${text} ${following.text}`);
    lines.push(following.i);
  }
  // A brand line whose words begin a legal name in the header ("Banh Mi Cafe" / "Owned by: Banh
  // Mi Cafe Sdn Bhd") is that legal name.
  if (!RE_LEGAL.test(text.toUpperCase())) {
    const words = normWords(text);
    for (let k = start; k < end && words.length > 0; k++) {
      if (k === best.l.i) continue;
      const legal = cleanVendor(ls[k].text);
      const lw = normWords(legal);
      if (
        RE_LEGAL.test(legal.toUpperCase()) && lw.length > words.length &&
        words.every((w, j) => lw[j] === w) && RE_LEGAL.test(lw.slice(words.length).join(' '))
      ) {
        text = legal;
        lines.push(k);
        break;
      }
    }
  }
  if (!text) return null;
  text = fixVendorWords(text);
  const confidence = Math.max(0.1, Math.min(0.95, 0.45 + best.s * 0.06)) * (0.5 + best.l.conf / 2);
  return { value: text, confidence, lines };
}

/** Whether `name` (read from `line`) is the second half of a name begun on `above`. */
function continuesAbove(name: string, above: Line, line: Line): boolean {
  const upper = name.toUpperCase();
  const m = RE_LEGAL.exec(upper);
  if (!m) return false;
  const own = upper.slice(0, m.index).match(/[A-Z]+/g) ?? [];
  if (own.length > 1 && !onlyBusinessWords(own.join(' '))) return false;
  return plausibleName(above) && !RE_LEGAL.test(above.upper) &&
    (!RE_COMPANY.test(above.upper) || onlyBusinessWords(above.text)) &&
    !isAddressLine(above) && above.amounts.length === 0 && findDates(above).length === 0 &&
    !/\d/.test(above.text) && (above.text === above.upper) === (line.text === line.upper);
}

function normWords(s: string): string[] {
  return s.toUpperCase().replace(/[^A-Z0-9/]+/g, ' ').trim().split(' ').filter(Boolean);
}
