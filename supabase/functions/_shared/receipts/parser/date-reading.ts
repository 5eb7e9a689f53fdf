// Reading the dates printed on one line: numeric and month-name forms, OCR-damaged digits, and
// separators OCR dropped or misread.

import type { Line } from './lines.ts';

const MONTHS: Record<string, number> = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  SEPT: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
  JANUARY: 1,
  FEBRUARY: 2,
  MARCH: 3,
  APRIL: 4,
  JUNE: 6,
  JULY: 7,
  AUGUST: 8,
  SEPTEMBER: 9,
  OCTOBER: 10,
  NOVEMBER: 11,
  DECEMBER: 12,
  // Malay / German / French / Spanish short forms that differ from English
  MEI: 5,
  OGOS: 8,
  OKT: 10,
  DIS: 12,
  MAI: 5,
  DEZ: 12,
  MRZ: 3,
  JANV: 1,
  FEVR: 2,
  AVR: 4,
  JUIN: 6,
  JUIL: 7,
  AOUT: 8,
  ENE: 1,
  ABR: 4,
  AGO: 8,
  DIC: 12,
};

export interface DateHit {
  y: number;
  /** first and second numeric fields for numeric dates (order unresolved), or resolved m/d */
  a: number;
  b: number;
  /** 'ymd' | 'named' are resolved (a = month, b = day); 'num' needs day/month order */
  kind: 'resolved' | 'num';
  line: number;
  /** on a line with a date label ("DATE:", "TARIKH") and not qualified as some other date */
  labelled: boolean;
  /** qualified as another date than the sale's: due, expiry, validity, birth, membership */
  other: boolean;
  /** qualified as a print date: the sale's day on most receipts, but not on a reprint */
  printed: boolean;
  /** read by re-inserting separators that OCR dropped or misread: less sure than a clean read */
  repaired: boolean;
}

type DateReading = Pick<DateHit, 'y' | 'a' | 'b' | 'kind'>;

const RE_DATE_LABEL = /DATE|TARIKH|DATUM|FECHA|\bDT\b|INVOICEDATE|BILLDATE/;

/** Words that make the date after them another date than the sale's. */
const RE_OTHER_DATE =
  /\b(?:DUE|EXP|EXPIRY|EXPIRES|EXPIRED|EXPIRATION|VALID|UNTIL|THRU|BEST BEFORE|USE BY|BIRTH|DOB|SINCE|JOINED|LUPUT|SEHINGGA)\b/;

const RE_PRINT_DATE = /PRINT/;

/** Years a receipt date can plausibly carry; repairs and fuzzy month names must land in it. */
export function plausibleYear(y: number): boolean {
  return y >= 2000 && y <= 2035;
}

function fullYear(y: string): number {
  const n = Number(y);
  return y.length === 2 ? 2000 + n : n;
}

export function validDate(y: number, m: number, d: number): boolean {
  if (!(y >= 1990 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31)) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

export function iso(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${
    String(d).padStart(2, '0')
  }`;
}

/**
 * Repairs OCR confusions inside date-like runs ("O2/O6/2018", "2O18", "20l7"). Each field keeps a
 * digit and the run starts a word, so a word's last letter is left alone ("TOTAL. 25.85").
 */
function fixDateText(s: string): string {
  return s.replace(
    /(?<![A-Z])[0-9OolLIS|]{1,4}(?:\s?[-/.]\s?[0-9OolLIS|]{1,4}){2}/g,
    (m) =>
      m.split(/[-/.]/).every((f) => /\d/.test(f))
        ? m.replace(/[Oo]/g, '0').replace(/[lLI|]/g, '1').replace(/S/g, '5')
        : m,
  );
}

/** Letter groups thermal-print OCR confuses within a month name ("NOY" for NOV, "JUI" for JUL). */
const MONTH_LETTER_CONFUSIONS = ['VYU', 'ODQ', 'CG', 'IL', 'NHM', 'EF', 'PF'];

function confusable(x: string, y: string): boolean {
  return MONTH_LETTER_CONFUSIONS.some((g) => g.includes(x) && g.includes(y));
}

/** The month of a three-letter name with one commonly misread letter, when only one fits. */
function fuzzyMonth(word: string): number | null {
  if (word.length !== 3) return null;
  const near = new Set<number>();
  for (const [name, month] of Object.entries(MONTHS)) {
    if (name.length !== 3) continue;
    const diffs = [...name].filter((c, i) => c !== word[i]);
    if (diffs.length === 1 && [...name].every((c, i) => c === word[i] || confusable(c, word[i]))) {
      near.add(month);
    }
  }
  return near.size === 1 ? [...near][0] : null;
}

/** Characters a printed date separator ("/", "-", ".") comes out as, misread ones included. */
const SEPARATOR_READS = new Set(['/', '-', '.', ',', '\\', '1', '7', 'I', 'L', '|']);
const DIGIT_READS: Record<string, string> = { O: '0', I: '1', L: '1', '|': '1' };

/**
 * The one date a run of digits can be once the separators OCR dropped or turned into digits are
 * put back ("250412017" is 25/04/2017 with the first "/" lost and the second read as "1"). Fields
 * must be zero-padded (dd mm yyyy, mm dd yyyy or yyyy mm dd) with at most one character between
 * them; null unless exactly one reading is a valid date in a plausible year.
 */
function readMangledDate(token: string): DateReading | null {
  const readings = new Map<string, DateReading>();
  const digitsAt = (at: number, width: number): number | null => {
    const f = [...token.slice(at, at + width)].map((c) => DIGIT_READS[c] ?? c).join('');
    return f.length === width && /^\d+$/.test(f) ? Number(f) : null;
  };
  for (const widths of [[2, 2, 4], [4, 2, 2]]) {
    for (const gaps of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
      if (token.length !== 8 + gaps[0] + gaps[1]) continue;
      const fields: number[] = [];
      let at = 0;
      for (let k = 0; k < 3; k++) {
        if (k > 0 && gaps[k - 1] === 1 && !SEPARATOR_READS.has(token[at++])) break;
        const f = digitsAt(at, widths[k]);
        if (f === null) break;
        fields.push(f);
        at += widths[k];
      }
      if (fields.length !== 3) continue;
      const r: DateReading = widths[0] === 4
        ? { y: fields[0], a: fields[1], b: fields[2], kind: 'resolved' }
        : { y: fields[2], a: fields[0], b: fields[1], kind: 'num' };
      const valid = r.kind === 'resolved'
        ? validDate(r.y, r.a, r.b)
        : validDate(r.y, r.a, r.b) || validDate(r.y, r.b, r.a);
      if (valid && plausibleYear(r.y)) readings.set(`${r.kind}:${r.y}:${r.a}:${r.b}`, r);
    }
  }
  return readings.size === 1 ? [...readings.values()][0] : null;
}

/**
 * The date in a run of characters that may end in a glued hour ("25041201710" before ":30"):
 * separators around spaces are closed up and a space left between digits stands for a separator.
 */
function readMangledRun(run: string, gluedHour: boolean): DateReading[] {
  const words = run.trim().replace(/\s*([/\\.,-])\s*/g, '$1').split(/\s+/);
  const candidates: string[] = [];
  for (let n = 1; n <= Math.min(words.length, 4); n++) {
    const c = words.slice(0, n).join('/');
    candidates.push(c);
    if (gluedHour && n === words.length) candidates.push(c.slice(0, -1), c.slice(0, -2));
  }
  const found = new Map<string, DateReading>();
  for (const c of candidates) {
    const r = readMangledDate(c.replace(/^[/\\.,-]+|[/\\.,-]+$/g, ''));
    if (r) found.set(`${r.kind}:${r.y}:${r.a}:${r.b}`, r);
  }
  return found.size === 1 ? [...found.values()] : [];
}

/**
 * Dates whose separators OCR lost, on a line where no clean date was found. Only where the shape
 * cannot be an id: straight after a date label, or before a clock time with a separator left.
 */
function mangledDates(s: string): { r: DateReading; index: number }[] {
  const out: { r: DateReading; index: number }[] = [];
  const afterLabel =
    /(?:DATE|TARIKH|DATUM|FECHA)(?:\s?[/&]\s?TIME)?\s?[:：;.#=+*-]*\s?([0-9OIL|/\\.,\- ]+)/g;
  for (const m of s.matchAll(afterLabel)) {
    const index = (m.index ?? 0) + m[0].length - m[1].length;
    for (const r of readMangledRun(m[1], s[index + m[1].length] === ':')) out.push({ r, index });
  }
  if (out.length > 0) return out;
  const beforeTime =
    /(?<![\w/.,-])([0-9OIL|/\\.,-]{8,12})(?=\s?(?:[01]?\d|2[0-3]):[0-5]\d|:[0-5]\d)/g;
  for (const m of s.matchAll(beforeTime)) {
    if (!/\d[-/.]\d/.test(m[1])) continue;
    const index = m.index ?? 0;
    for (const r of readMangledRun(m[1], s[index + m[1].length] === ':')) out.push({ r, index });
  }
  return out;
}

/** The words just before a date on its line, back to any earlier date (at most 24 characters). */
function textBefore(s: string, index: number): string {
  const w = s.slice(Math.max(0, index - 24), index);
  const earlierDate = /.*\d\s?[-/.]\s?\d{1,2}\s?[-/.]\s?\d{2}/.exec(w);
  return earlierDate ? w.slice(earlierDate[0].length) : w;
}

export function findDates(l: Line): DateHit[] {
  const hits: DateHit[] = [];
  const s = fixDateText(l.upper)
    // Dates glued to times ("25-03-201809:42:19", "11 APR 201818:13") get a space before the time.
    .replace(/(\d{1,2}\s?[-/.]\s?\d{1,2}\s?[-/.]\s?(?:\d{4}|\d{2}))(?=\d{1,2}:\d{2})/g, '$1 ')
    .replace(/(?<!\d)(20\d{2})(?=(?:[01]?\d|2[0-3]):[0-5]\d)/g, '$1 ')
    // A comma for a dot in a dotted date ("25,04.2017").
    .replace(
      /(?<![\d.,])(\d{1,2})\s?([.,])\s?(\d{1,2})\s?([.,])\s?(20\d{2})(?!\d)/g,
      (m, d, s1, mo, s2, y) => s1 === ',' || s2 === ',' ? `${d}.${mo}.${y}` : m,
    )
    .replace(/(?<=[A-Z])0(?=[A-Z])|(?<=\b)0(?=[A-Z]{2}\b)/g, 'O');
  const lineLabelled = RE_DATE_LABEL.test(l.compact);
  const add = (r: DateReading, index: number, repaired = false) => {
    const before = textBefore(s, index);
    const other = RE_OTHER_DATE.test(before);
    hits.push({
      ...r,
      line: l.i,
      labelled: lineLabelled && !other,
      other,
      printed: !other && RE_PRINT_DATE.test(before),
      repaired,
    });
  };
  let m: RegExpExecArray | null;
  // yyyy-mm-dd / yyyy/mm/dd / yyyy.mm.dd
  const reYmd = /(?<!\d)(\d{4})\s?[-/.]\s?(\d{1,2})\s?[-/.]\s?(\d{1,2})(?!\d)/g;
  while ((m = reYmd.exec(s))) {
    const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    if (validDate(y, mo, d)) add({ y, a: mo, b: d, kind: 'resolved' }, m.index);
  }
  // dd/mm/yyyy, mm/dd/yyyy, dd-mm-yy, dd.mm.yy
  const reNum = /(?<![\d.,])(\d{1,2})\s?([-/.])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d.,]?\d)/g;
  while ((m = reNum.exec(s))) {
    const a = Number(m[1]), b = Number(m[3]), y = fullYear(m[4]);
    // A two-digit-year pattern glued to letters is an article code ("HC03-7-15"), not a date.
    if (m[4].length === 2 && /[A-Z]$/.test(s.slice(0, m.index))) continue;
    if (validDate(y, b, a) || validDate(y, a, b)) add({ y, a, b, kind: 'num' }, m.index);
  }
  // dd Mon yyyy, dd-Mon-yy, dd/Mon/yyyy, ddMonyyyy
  const reDmy = /(?<!\d)(\d{1,2})\s?[-/. ]?\s?([A-Z]{3,9})\.?\s?[-/., ]?\s?(\d{4}|\d{2})(?!\d)/g;
  while ((m = reDmy.exec(s))) {
    const d = Number(m[1]), y = fullYear(m[3]);
    const mo = MONTHS[m[2]] ?? (plausibleYear(y) ? fuzzyMonth(m[2]) : null);
    if (mo && validDate(y, mo, d)) add({ y, a: mo, b: d, kind: 'resolved' }, m.index);
  }
  // Mon dd, yyyy
  const reMdy = /(?<![A-Z])([A-Z]{3,9})\.?\s?(\d{1,2})(?:ST|ND|RD|TH)?\s?[.,]?\s?(\d{4})(?!\d)/g;
  while ((m = reMdy.exec(s))) {
    const d = Number(m[2]), y = Number(m[3]);
    const mo = MONTHS[m[1]] ?? (plausibleYear(y) ? fuzzyMonth(m[1]) : null);
    if (mo && validDate(y, mo, d)) add({ y, a: mo, b: d, kind: 'resolved' }, m.index);
  }
  // yyyymmdd only next to a date label (8-digit numbers are usually ids)
  if (lineLabelled) {
    const re8 = /(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)/g;
    while ((m = re8.exec(s))) {
      const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
      if (validDate(y, mo, d)) add({ y, a: mo, b: d, kind: 'resolved' }, m.index);
    }
  }
  // Eight digits right before a clock time ("25032018 13:11:54"): a date printed without
  // separators, day first (or year first), when exactly one reading is a valid date.
  if (hits.length === 0) {
    const reGlued = /(?<![\d.,])(\d{8})(?=\s+(?:[01]?\d|2[0-3]):[0-5]\d)/g;
    while ((m = reGlued.exec(s))) {
      const t = m[1];
      const ymd = { y: Number(t.slice(0, 4)), a: Number(t.slice(4, 6)), b: Number(t.slice(6)) };
      const dmy = { y: Number(t.slice(4)), a: Number(t.slice(2, 4)), b: Number(t.slice(0, 2)) };
      const ok = [ymd, dmy].filter((r) => plausibleYear(r.y) && validDate(r.y, r.a, r.b));
      if (ok.length === 1) add({ ...ok[0], kind: 'resolved' }, m.index, true);
    }
  }
  if (hits.length === 0) {
    for (const { r, index } of mangledDates(s)) add(r, index, true);
  }
  return hits;
}
