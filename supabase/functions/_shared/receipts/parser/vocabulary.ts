// Repair of OCR misreadings against general vocabularies (address words, kinds of business): a
// token that is a plausible misreading of exactly one known word becomes that word. Pure; used by
// the receipt parser for addresses and vendor names. Shop names never go into these vocabularies.

/**
 * General address vocabulary (Malay and English street words, Malaysian states, federal
 * territories and large towns, countries): OCR readings one or two letters away from one of these
 * are read as that word. Shop names never go here.
 */
const ADDRESS_WORDS = new Set(
  (
    'JALAN LORONG TAMAN PERSIARAN LEBUH LEBUHRAYA LINGKARAN KAMPUNG BANDAR PUSAT KOMPLEKS WISMA ' +
    'MENARA PLAZA BANGUNAN KAWASAN PERINDUSTRIAN PERUSAHAAN PERDAGANGAN SEKSYEN TINGKAT ARAS BLOK ' +
    'MUKIM DAERAH SIMPANG BATU DESA INDAH UTAMA UTARA SELATAN TIMUR BARAT TENGAH BARU JAYA PERMAI ' +
    'SERI BUKIT SUNGAI KUALA LUMPUR PETALING DAMANSARA SUBANG KLANG PUCHONG CHERAS KAJANG AMPANG ' +
    'KEPONG SKUDAI BAHRU SERDANG KEMBANGAN RAWANG SEREMBAN IPOH BANGSAR SETAPAK SENTUL SEMENYIH ' +
    'BANGI SEPANG CYBERJAYA GOMBAK SELAYANG MASAI PASIR GUDANG TEBRAU MUAR BATU PAHAT KLUANG ' +
    'MELAKA MALACCA GEORGETOWN BUTTERWORTH KUANTAN KOTA KINABALU KUCHING MIRI ALOR SETAR SHAH ALAM ' +
    'SELANGOR JOHOR KEDAH KELANTAN NEGERI SEMBILAN PAHANG PERAK PERLIS PENANG PINANG PULAU SABAH ' +
    'SARAWAK TERENGGANU PUTRAJAYA LABUAN WILAYAH PERSEKUTUAN DARUL EHSAN TAKZIM MALAYSIA SINGAPORE ' +
    'ROAD STREET AVENUE LANE DRIVE BOULEVARD HIGHWAY FLOOR GROUND LEVEL SUITE BUILDING CENTRE ' +
    'CENTER INDUSTRIAL PARK SQUARE MALL BLOCK UNIT TOWER COMPLEX'
  ).split(' '),
);
/** Abbreviated street words that hold an L (the letter OCR most often reads as I). */
const ADDRESS_ABBREVIATIONS = new Set(['JLN', 'BLK', 'LRG']);

/** Letter pairs OCR confuses on receipts (either direction). */
const CONFUSABLE = new Set(
  [
    ...['IL', 'IJ', 'LJ', 'IT', 'OD', 'OQ', 'DQ', 'OU', 'CG', 'CO', 'EF', 'MW', 'NH', 'UV', 'KR'],
    ...['BE', 'PF', 'RP', 'MH', 'MN'],
  ]
    .flatMap((p) => [p, p[1] + p[0]]),
);

/**
 * Differences between an OCR token and a word when every difference is a plausible misreading:
 * confusable letters, a digit inside letters, or one letter lost at either end (cut at the edge
 * of the print). Infinity when some difference is not.
 */
export function misreadDistance(tok: string, word: string): number {
  const same = (a: string, b: string) => {
    let d = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      if (/\d/.test(a[i]) || CONFUSABLE.has(a[i] + b[i])) d++;
      else return Infinity;
    }
    return d;
  };
  if (tok.length === word.length) return same(tok, word);
  if (word.length === tok.length + 1) {
    return 1 + Math.min(same(tok, word.slice(1)), same(tok, word.slice(0, -1)));
  }
  return Infinity;
}

const LETTER_AS_DIGIT: Record<string, string> = { O: '0', Q: '0', D: '0', I: '1', L: '1', S: '5' };

/**
 * The vocabulary word an OCR token stands for, or null ("JAIAN" → JALAN, "SELANGO1" → SELANGOR):
 * the nearest word by misreadDistance, when it is the only one that near.
 */
function vocabularyWord(
  token: string,
  vocabulary: ReadonlySet<string>,
  minLength = 4,
): string | null {
  const u = token.toUpperCase();
  if (u.length < minLength || !/^[A-Z][A-Z0-9]*$|^[A-Z0-9]*[A-Z]$/.test(u) || vocabulary.has(u)) {
    return null;
  }
  const maxD = u.length >= 7 ? 2 : 1;
  let best: string | null = null, bestD = Infinity, ties = 0;
  for (const w of vocabulary) {
    const dist = misreadDistance(u, w);
    if (dist < bestD) {
      best = w;
      bestD = dist;
      ties = 0;
    } else if (dist === bestD) ties++;
  }
  return best !== null && bestD <= maxD && ties === 0 ? best : null;
}

/** `word` written in the case style of the OCR token it replaces. */
function inCaseOf(tok: string, word: string): string {
  const upper = tok.replace(/[^A-Z]/g, '').length;
  const lower = tok.replace(/[^a-z]/g, '').length;
  // Mostly capitals is upper case with a misread letter ("ENTERPRlSE").
  if (upper > lower * 2) return word;
  if (upper === 0) return word.toLowerCase();
  return word[0] + word.slice(1).toLowerCase();
}

/**
 * Repairs OCR letter/digit confusions in an address by context: tokens near a general address
 * word become that word (in the token's case style), a five-character token of digits and
 * digit-like letters is a postcode ("S02OO" → 50200).
 */
export function fixAddressText(text: string): string {
  return text.replace(/[A-Za-z0-9]+/g, (tok) => {
    // Street abbreviations with an l read as I or 1: "JIn" → Jln, "BIK" → BLK.
    const abbr = tok.length === 3 && /[I1]/.test(tok)
      ? tok.toUpperCase().replace(/[I1]/g, 'L')
      : '';
    if (ADDRESS_ABBREVIATIONS.has(abbr)) return inCaseOf(tok.replace(/1/g, 'l'), abbr);
    const digits = tok.replace(/\D/g, '').length;
    if (
      tok.length === 5 && digits >= 2 && digits < 5 &&
      [...tok.toUpperCase()].every((c) => /\d/.test(c) || c in LETTER_AS_DIGIT)
    ) {
      return [...tok.toUpperCase()].map((c) => LETTER_AS_DIGIT[c] ?? c).join('');
    }
    if (digits > 1 || digits * 4 > tok.length) return tok;
    const w = vocabularyWord(tok, ADDRESS_WORDS);
    return w === null ? tok : inCaseOf(tok, w);
  });
}

/**
 * General vocabulary of business names (English and Malay words for kinds of trade and legal
 * form); like ADDRESS_WORDS, never a shop's own name.
 */
const BUSINESS_WORDS = new Set(
  (
    'BERHAD ENTERPRISE ENTERPRISES TRADING TRADERS COMPANY CORPORATION HOLDINGS INDUSTRIES ' +
    'INTERNATIONAL MARKETING SERVICES SERVICE SUPPLY SUPPLIES SUPPLIER DISTRIBUTOR DISTRIBUTION ' +
    'MANAGEMENT MALAYSIA GLOBAL RESOURCES RESTAURANT RESTAURANTS RESTORAN CAFE KOPITIAM BAKERY ' +
    'BAKERIES SEAFOOD FOOD FOODS BEVERAGE BEVERAGES CATERING KITCHEN HARDWARE TIMBER BUILDING ' +
    'MATERIALS ELECTRICAL ELECTRONICS MACHINERY ENGINEERING AUTOMOBILE MOTORS ' +
    'STATIONERY BOOKSTORE BOOKS PRINTING ADVERTISING PHARMACY FARMASI CLINIC KLINIK MEDICAL ' +
    'HYPERMARKET SUPERMARKET MINIMARKET MARKET STORE STORES KEDAI RUNCIT PERNIAGAAN SYARIKAT ' +
    'PASARAYA BORONG GALLERY FASHION TEXTILE FURNITURE HOTEL PETROL STATION TRAVEL LAUNDRY SALON ' +
    'BEAUTY OPTICAL FLORIST GROCERY FROZEN FRESH CHICKEN NOODLE NOODLES BISTRO'
  ).split(' '),
);

/** Repairs OCR misreadings of general business words in a shop name ("HARDWAPE" → HARDWARE). */
export function fixVendorWords(text: string): string {
  return text.replace(/[A-Za-z0-9]+/g, (tok) => {
    const digits = tok.replace(/\D/g, '').length;
    if (digits > 1 || digits * 4 > tok.length) return tok;
    // Six letters at least: a short word in a name is as likely a brand as a misread word.
    const w = vocabularyWord(tok, BUSINESS_WORDS, 6);
    return w === null ? tok : inCaseOf(tok, w);
  });
}

/** True when every word of a name is a general business word ("SYARIKAT PERNIAGAAN", "KEDAI"). */
export function onlyBusinessWords(name: string): boolean {
  const words = name.toUpperCase().match(/[A-Z]+/g) ?? [];
  return words.length > 0 && words.every((w) => BUSINESS_WORDS.has(w));
}
