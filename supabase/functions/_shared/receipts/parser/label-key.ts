// Canonical spelling of the total-section labels of a receipt line, for the parser's label tests.
// OCR of thermal print garbles one letter of a label now and then ("T0TAL", "RONDING", "InCI. G5T",
// "Your Totai Sayings"). Reading those as the word they almost are matters for positive labels
// (TOTAL, INCL. GST) and negative ones alike (SAVINGS, CHANGE, ROUNDING): fixing only one side would
// turn "Totai Sayings 8.00" into a total. Pure; used by parse.ts.

/**
 * Long label words, matched one substitution away (and, from 7 letters, one dropped letter away).
 * A real word one letter from a label word is listed in NEAR_WORDS so it stays as printed.
 */
const FUZZY_WORDS = [
  'TOTAL',
  'ROUNDING',
  'ROUNDED',
  'ADJUSTMENT',
  'INCLUSIVE',
  'INCLUDING',
  'EXCLUSIVE',
  'EXCLUDING',
  'DISCOUNT',
  'SAVING',
  'QUANTITY',
  'CHANGE',
  'TENDERED',
  'PAYABLE',
  'BALANCE',
  'SUMMARY',
  'AMOUNT',
];

/** Real words (place names, shop words) one letter from a label word. */
const NEAR_WORDS = /CHARGE|CHANCE|CHANGI|MOUNT|FOUNDED|RENDERED|HAVING|PAVING|RAVING|WAVING/;

function hammingAtMostOne(s: string, at: number, word: string): boolean {
  if (at + word.length > s.length) return false;
  let diff = 0;
  for (let k = 0; k < word.length; k++) {
    if (s[at + k] !== word[k] && ++diff > 1) return false;
  }
  return true;
}

/**
 * True when s, from `at`, reads `word` with one inner letter dropped (never the first or last).
 * Without building strings: the prefix and suffix that match must meet at the dropped letter.
 */
function oneDropped(s: string, at: number, word: string): boolean {
  const n = word.length - 1;
  if (at + n > s.length) return false;
  let p = 0;
  while (p < n && s[at + p] === word[p]) p++;
  let q = n;
  while (q > 0 && s[at + q - 1] === word[q]) q--;
  return Math.max(1, q) <= Math.min(p, word.length - 2);
}

/** Replaces near-misses of `word` in a compact (space-free, upper-case) string by the word. */
function fixWord(s: string, word: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith(word, i)) {
      out += word;
      i += word.length;
      continue;
    }
    // An exact occurrence starting one later wins over a near miss overlapping it.
    const exactNext = s.startsWith(word, i + 1);
    const near = !exactNext && /[A-Z0-9]/.test(s[i]) && hammingAtMostOne(s, i, word);
    const dropped = !near && !exactNext && word.length >= 7 && oneDropped(s, i, word);
    const len = near ? word.length : dropped ? word.length - 1 : 0;
    // A near miss must share the word's first or last letter (so "NMOUNT" is not "AMOUNT") and
    // must not be a real word of its own.
    if (
      len > 0 && (s[i] === word[0] || s[i + len - 1] === word[word.length - 1]) &&
      !NEAR_WORDS.test(s.slice(Math.max(0, i - 1), i + len + 1))
    ) {
      out += word;
      i += len;
      continue;
    }
    out += s[i];
    i++;
  }
  return out;
}

/**
 * Canonical label key of a line: upper case, no whitespace, with OCR near-misses of the
 * total-section label words spelled right.
 */
export function labelKey(text: string): string {
  let s = text.toUpperCase().replace(/\s+/g, '');
  // "G5T", "6ST", "GS7" (a digit inside is never a word) and "GSI" where it stands alone or after
  // INCL/EXCL ("Excl. GSI (RM)"; not "KING SIZE").
  s = s.replace(/G[5$]T|6[S5$]T|GS7/g, 'GST').replace(
    /(?<=^|[^A-Z]|INCL|EXCL|INCI|EXCI|OF|UDING|USIVE)GS[I1](?=$|[^A-Z]|RM)/g,
    'GST',
  );
  for (const w of FUZZY_WORDS) {
    // A near miss (one letter changed, or an inner one dropped) keeps the word's first or last
    // two letters: without either, there is nothing to fix.
    if (s.includes(w.slice(0, 2)) || s.includes(w.slice(-2))) s = fixWord(s, w);
  }
  // "TOTAL OTY", "ITEM 0TY": the quantity column, not an amount.
  s = s.replace(/(?<=^|[^A-Z]|TOTAL|ITEM)[O0]TY/g, 'QTY');
  // "InCI. GST", "Ind GST", "Exci GST" — INCL/EXCL when a tax word follows.
  s = s.replace(
    /(?:[I1L|]N[CGO0(][LI1|]|IND)(?=\.?(?:USIVE|UDING)?\.?(?:OF)?[:.]?(?:GST|TAX|SST|VAT))/g,
    'INCL',
  ).replace(
    /(?:EX[CGO0(][LI1|]|EXD)(?=\.?(?:USIVE|UDING)?\.?(?:OF)?[:.]?(?:GST|TAX|SST|VAT))/g,
    'EXCL',
  );
  return s;
}
