// Per-receipt scoring with the same normalisation as ../shared/bench/score_receipts.mjs (totals as
// numbers to 2 decimals, dates to yyyy-mm-dd day-first, vendor exact after case/punctuation
// folding plus token F1 ≥ 0.8, address token F1 ≥ 0.8), so the harness can score folds and classes
// itself. One extension for our own labelled set: a label field that is null expects null ("the
// evidence is not there"), and only a null prediction is right. The harness also runs the shared
// scorer on each SROIE folder and prints its line, so the two can be compared.

export interface LabelRow {
  id: string;
  file?: string;
  vendor: string | null;
  date: string | null;
  address: string | null;
  total: string | null;
  currency?: string | null;
  /** optional: which order an ambiguous numeric date is printed in, for our own set */
  locale?: string;
}

export interface PredRow {
  id: string;
  vendor: string | null;
  date: string | null;
  address: string | null;
  total: string | null;
  currency?: string | null;
}

export interface FieldScores {
  total: boolean;
  date: boolean;
  vendor: boolean;
  vendorFuzzy: boolean;
  address: boolean;
  /** only where the label names a currency (our own set); null otherwise */
  currency: boolean | null;
}

export function normTotal(v: string | null | undefined): number | null {
  let s = String(v ?? '').toUpperCase().replace(/\s+/g, '');
  s = s.replace(/[^0-9.,\-]/g, '');
  if (!/[0-9]/.test(s)) return null;
  const neg = /^-/.test(s) || /-$/.test(s);
  s = s.replace(/-/g, '');
  const lastDot = s.lastIndexOf('.');
  const lastComma = s.lastIndexOf(',');
  if (lastDot >= 0 && lastComma >= 0) {
    if (lastDot > lastComma) s = s.replace(/,/g, '');
    else s = s.replace(/\./g, '').replace(',', '.');
  } else if (lastComma >= 0) {
    const after = s.length - lastComma - 1;
    if ((s.match(/,/g) ?? []).length === 1 && (after === 1 || after === 2)) s = s.replace(',', '.');
    else s = s.replace(/,/g, '');
  } else if ((s.match(/\./g) ?? []).length > 1) {
    const parts = s.split('.');
    const last = parts.pop() as string;
    s = last.length === 3 ? parts.join('') + last : parts.join('') + '.' + last;
  }
  const n = Number(s);
  if (!Number.isFinite(n)) return null;
  return Math.round((neg ? -n : n) * 100) / 100;
}

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};

function ymd(y: number, m: number, d: number): string | null {
  if (!(m >= 1 && m <= 12 && d >= 1 && d <= 31 && y >= 1900 && y <= 2100)) return null;
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCMonth() !== m - 1) return null;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}
const year = (y: string) => Number(y) + (y.length === 2 ? 2000 : 0);

export function normDate(v: string | null | undefined): string | null {
  const s = String(v ?? '').trim().toLowerCase().replace(/[()]/g, ' ').replace(/\s+/g, ' ').trim();
  if (!s) return null;
  let m;
  if ((m = s.match(/(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/))) {
    return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
  }
  if ((m = s.match(/(?<!\d)(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{4}|\d{2})(?!\d)/))) {
    return ymd(year(m[3]), Number(m[2]), Number(m[1])) ??
      ymd(year(m[3]), Number(m[1]), Number(m[2]));
  }
  if (
    (m = s.match(
      /(?<!\d)(\d{1,2})\s*[-/. ]?\s*([a-z]{3,9})\.?\s*[-/., ]?\s*(\d{4}|\d{2})(?!\d)/,
    )) &&
    MONTHS[m[2]]
  ) return ymd(year(m[3]), MONTHS[m[2]], Number(m[1]));
  if (
    (m = s.match(
      /(?<![a-z])([a-z]{3,9})\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*,?\s*(\d{4}|\d{2})(?!\d)/,
    )) && MONTHS[m[1]]
  ) return ymd(year(m[3]), MONTHS[m[1]], Number(m[2]));
  if ((m = s.match(/(?<!\d)(\d{8})(?!\d)/))) {
    const t = m[1];
    if (/^(19|20)\d\d/.test(t)) {
      const r = ymd(Number(t.slice(0, 4)), Number(t.slice(4, 6)), Number(t.slice(6, 8)));
      if (r) return r;
    }
    return ymd(Number(t.slice(4, 8)), Number(t.slice(2, 4)), Number(t.slice(0, 2)));
  }
  return null;
}

export function normText(v: string | null | undefined): string {
  return String(v ?? '').toLowerCase().normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

export function tokenF1(a: string | null | undefined, b: string | null | undefined): number {
  const ta = normText(a).split(' ').filter(Boolean);
  const tb = normText(b).split(' ').filter(Boolean);
  if (!ta.length || !tb.length) return 0;
  const cnt = new Map<string, number>();
  for (const t of tb) cnt.set(t, (cnt.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of ta) {
    const c = cnt.get(t) ?? 0;
    if (c > 0) {
      common++;
      cnt.set(t, c - 1);
    }
  }
  if (!common) return 0;
  const p = common / ta.length;
  const r = common / tb.length;
  return (2 * p * r) / (p + r);
}

/** Scores one prediction (missing → every field wrong) against its label. */
export function scoreReceipt(l: LabelRow, p: PredRow | undefined): FieldScores {
  const q: Partial<PredRow> = p ?? {};
  const expectNull = (v: string | null) => v === null;
  const total = expectNull(l.total)
    ? !!p && q.total === null
    : normTotal(l.total) !== null && normTotal(l.total) === normTotal(q.total);
  const ld = normDate(l.date);
  const date = expectNull(l.date)
    ? !!p && q.date === null
    : ld !== null
    ? normDate(q.date) === ld
    : String(l.date).replace(/\s+/g, '').toLowerCase() ===
      String(q.date ?? '').replace(/\s+/g, '').toLowerCase();
  const vendor = expectNull(l.vendor)
    ? !!p && q.vendor === null
    : normText(l.vendor) !== '' && normText(l.vendor) === normText(q.vendor);
  const vendorFuzzy = expectNull(l.vendor) ? vendor : tokenF1(q.vendor, l.vendor) >= 0.8;
  const address = expectNull(l.address)
    ? !!p && q.address === null
    : normText(l.address) !== '' && tokenF1(q.address, l.address) >= 0.8;
  const currency = l.currency === undefined ? null : (l.currency ?? null) === (q.currency ?? null);
  return { total, date, vendor, vendorFuzzy, address, currency };
}
