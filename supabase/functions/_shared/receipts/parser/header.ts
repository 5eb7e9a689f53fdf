// The receipt's header: where it starts (after a previous receipt's tail) and ends (at the first
// date, amount or document title), and the patterns for name-like and non-name lines in it.

import { findDates } from './date-reading.ts';
import { findAmounts, letterRatio, type Line } from './lines.ts';
import { labelKey } from './label-key.ts';

export const RE_COMPANY =
  /\b(SDN\.?\s?BHD|BHD|BERHAD|ENTERPRISE|ENTERPRISES|TRADING|PTE\.?\s?LTD|PTY\.?\s?LTD|LTD|LIMITED|LLC|L\.L\.C|INC|CORP|CORPORATION|CO\.|COMPANY|GMBH|AG|S\.?A\.?R\.?L|SARL|S\.?A\.?|B\.?V\.?|PLC|RESTAURANT|RESTORAN|CAFE|KEDAI|MART|MARKET|SUPERMARKET|HYPERMARKET|STORE|STORES|SHOP|BOOKSTORE|BAKERY|PHARMACY|FARMASI|HARDWARE|STATIONERY|FOOD|TRADING|HOLDINGS|INDUSTRIES|SERVICES|CENTRE|CENTER|HOTEL|STATION|MINI\s?MARKET|ELECTRICAL|MACHINERY|GROCER|GROCERY|KITCHEN|BISTRO|BAR|GRILL|PIZZA|SUSHI|BURGER|COFFEE|TEA|NASI|MAMAK)\b/;

export const RE_NOT_VENDOR =
  /TAXINVOICE|INVOICE|RECEIPT|RESIT|CASHSALE|CASHBILL|SIMPLIFIED|OFFICIALRECEIPT|WELCOME|THANKYOU|TEL|PHONE|FAX|EMAIL|E-MAIL|WWW\.|HTTP|\.COM|GSTID|GSTREG|GSTNO|SSTID|COREG|COMPANYREG|REG\.?NO|BRANCH|OUTLET|CASHIER|DATE|TABLE|ORDER|MEMBER|COPY|DUPLICATE|REPRINT|OPENINGHOURS|HOTLINE|CUSTOMER|FEEDBACK|PLEASECALL|CALLUS|WHATSAPP|FOLLOWUS|FACEBOOK|INSTAGRAM/;

/** Closing phrases printed at the foot of a receipt. */
const RE_FOOTER =
  /THANKYOU|THANKS|VISITUSAGAIN|VISITAGAIN|COMEAGAIN|SEEYOUAGAIN|HAVEANICEDAY|GOODSSOLD|NOTREFUNDABLE|NONREFUNDABLE|NOTRETURNABLE|NOTEXCHANGEABLE|RETURNABLEOREXCHANGEABLE|TERIMAKASIH|BARANGYANGTELAHDIBELI/;

/**
 * Where this receipt's header starts. A photo of a receipt cut from a roll often shows the foot of
 * the previous receipt above the header ("THANK YOU", "GOODS SOLD ARE NOT RETURNABLE", cashier,
 * date): the header starts after that tail.
 */
export function headerStart(ls: Line[]): number {
  let footer = -1;
  for (let k = 0; k < Math.min(ls.length, 10); k++) {
    if (RE_FOOTER.test(ls[k].compact)) footer = k;
  }
  if (footer < 0) return 0;
  // A company name above the closing phrase means this is the header itself ("ABC MART / THANK
  // YOU FOR SHOPPING"), not a previous receipt's tail.
  if (ls.slice(0, footer).some((l) => RE_COMPANY.test(l.upper) && letterRatio(l.text) > 0.6)) {
    return 0;
  }
  let k = footer + 1;
  // The tail's own cashier/date/amount lines and scraps.
  while (
    k < ls.length && k <= footer + 4 &&
    (findDates(ls[k]).length > 0 || ls[k].amounts.length > 0 || RE_NOT_VENDOR.test(ls[k].compact) ||
      ls[k].compact.replace(/[^A-Z]/g, '').length < 3 || RE_FOOTER.test(ls[k].compact))
  ) k++;
  // Only when a header plausibly follows (a few lines of text).
  const rest = ls.slice(k, k + 6).filter((l) => letterRatio(l.text) > 0.5).length;
  return rest >= 3 ? k : 0;
}

/** A document title line ("TAX INVOICE", "SIMPLIFIED TAX INVOICE", "OFFICIAL RECEIPT"). */
const RE_TITLE = /^(SIMPLIFIED)?(TAX|CASH|OFFICIAL|SALES?)?(INVOICE|RECEIPT|BILL)|^RESIT|^INVOIS/;

/** A line that could be a business name: mostly letters, not a label or contact line. */
export function plausibleName(l: Line): boolean {
  return l.compact.replace(/[^A-Z]/g, '').length >= 5 && letterRatio(l.text) > 0.6 &&
    !RE_NOT_VENDOR.test(l.compact);
}

/** The header: lines above the first line that carries a date, an amount or an invoice title. */
export function headerEnd(ls: Line[], start = 0): number {
  const end = Math.min(ls.length, start + 14);
  for (let k = start; k < end; k++) {
    const l = ls[k];
    if (k >= start + 2 && (findDates(l).length > 0 || l.amounts.length > 0)) return k;
    // Below the document title come customer ("bill to") and transaction details.
    const letters = l.compact.replace(/[^A-Z]/g, '');
    if (
      k >= start + 2 && letters.length <= 24 && RE_TITLE.test(letters) &&
      ls.slice(start, k).some(plausibleName)
    ) return k;
  }
  return end;
}

/**
 * An invoice's two columns read as one line ("Brightline Studio LLC   Invoice Date: 05/14/2022"):
 * the left column, cut where a right-column field label begins. Text without one is returned as is.
 */
export function leftColumn(text: string): string {
  const cut = text.search(
    /\s(?:INVOICE|INV|DUE|ORDER|ISSUE|BILL|RECEIPT|P\.?O\.?|ACCOUNT|CUSTOMER)\s*(?:DATE|NO\b|NUMBER|#)\s*[:.#]?|\sDATE\s*:/i,
  );
  return cut > 0 ? text.slice(0, cut).trim() : text;
}

/** "FROM", "Bill From:", "Seller", "Issued by": the next line names who issued the invoice. */
const RE_FROM_LABEL =
  /^(?:BILL(?:ED)?\s?FROM|FROM|SELLER|SUPPLIER|VENDOR|ISSUED\s?BY|SOLD\s?BY|PAYABLE\s?TO|REMIT\s?TO)\s*:?$/;

/** "BILL TO", "Invoice To:", "Ship to", "Customer": the block below is the buyer's. */
export const RE_BUYER_LABEL =
  /^(?:BILL(?:ED)?\s?TO|INVOICE\s?TO|SHIP(?:PED)?\s?TO|SOLD\s?TO|DELIVER(?:ED)?\s?TO|CUSTOMER|CLIENT|BUYER)\b\s*:?/;

/**
 * The line naming the issuer under a "FROM"-style label (read in the left column, as the label
 * often shares its line with the invoice number), or -1 when the page has no such label.
 */
export function fromBlockLine(ls: Line[]): number {
  for (let k = 0; k < Math.min(ls.length - 1, 30); k++) {
    if (!RE_FROM_LABEL.test(leftColumn(ls[k].upper).replace(/[^A-Z: ]/g, '').trim())) continue;
    const next = ls[k + 1];
    const name = leftColumn(next.text);
    if (name.replace(/[^A-Za-z]/g, '').length >= 3 && letterRatio(name) > 0.5) return k + 1;
  }
  return -1;
}

/** Lines of buyer blocks ("BILL TO" and the lines under it up to a blank gap or the next label). */
export function buyerBlockLines(ls: Line[]): Set<number> {
  const out = new Set<number>();
  for (let k = 0; k < ls.length; k++) {
    if (!RE_BUYER_LABEL.test(ls[k].upper)) continue;
    out.add(k);
    for (let j = k + 1; j < Math.min(ls.length, k + 6); j++) {
      const gap = ls[j].bbox.top - (ls[j - 1].bbox.top + ls[j - 1].bbox.height);
      if (gap > ls[j - 1].bbox.height * 1.2 || RE_FROM_LABEL.test(ls[j].upper)) break;
      out.add(j);
    }
  }
  return out;
}

/** The line as its left column only (see leftColumn); the same object when nothing is cut. */
export function leftColumnLine(l: Line): Line {
  const text = leftColumn(l.text);
  if (text === l.text) return l;
  const upper = text.toUpperCase();
  return {
    ...l,
    text,
    upper,
    compact: upper.replace(/\s+/g, ''),
    key: labelKey(text),
    amounts: findAmounts(text),
  };
}
