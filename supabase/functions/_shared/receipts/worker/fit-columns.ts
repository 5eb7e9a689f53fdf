// What the database can hold, checked before settle (issue 10): an extracted value outside its
// column's domain is dropped (null, confidence 0, the receipt goes to needs_review) instead of
// failing the batch it travels in. Mirrors public.receipts (20261122000200, 20261128100100).
// Pure.

/** The fields one `done` outcome carries (see settle_receipt_batch). */
export type FieldRecord = {
  vendor: string | null;
  address: string | null;
  date: string | null;
  time: string | null;
  currency: string | null;
  subtotal: string | null;
  tax: string | null;
  total: string | null;
  payment_method: string | null;
  tax_id: string | null;
  /** The parser's guess of where the receipt is from (BCP 47); no column, kept in the fields. */
  locale?: string | null;
  line_items: LineItem[];
  confidence: Record<string, number>;
  ocr_confidence: number | null;
};

export type LineItem = {
  description: string | null;
  quantity: string | null;
  unit_price: string | null;
  amount: string | null;
};

/** Longest text kept per field; longer is not a reading of a receipt but of noise. */
export const TEXT_LIMITS = { vendor: 200, address: 500, payment_method: 64, description: 500 };
/** More line items than this are not one receipt's. */
export const MAX_LINE_ITEMS = 500;

const MONEY_FIELDS = ['subtotal', 'tax', 'total'] as const;

/**
 * Removes what Postgres text and jsonb refuse (NUL, unpaired UTF-16 surrogates), so one odd
 * character in OCR output cannot fail the whole settle payload. Deep, for any JSON value.
 */
export function cleanJson<T>(value: T): T {
  if (typeof value === 'string') return cleanText(value) as T;
  if (Array.isArray(value)) return value.map(cleanJson) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [cleanText(k), cleanJson(v)]),
    ) as T;
  }
  return value;
}

function cleanText(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/\u0000/g, '').replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '',
  );
}

/** A decimal string numeric(19,4) stores: at most 15 integer digits after rounding to 4 places. */
export function fitsMoney(value: string): boolean {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return false;
  const frac = (m[3] ?? '').padEnd(5, '0');
  let scaled = BigInt(m[2]) * 10_000n + BigInt(frac.slice(0, 4));
  if (Number(frac[4]) >= 5) scaled += 1n; // numeric rounds half away from zero
  return scaled < 10n ** 19n;
}

/** A real calendar date in years 1..9999, as yyyy-mm-dd. */
export function fitsDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false;
  const days = new Date(Date.UTC(2000, mo, 0)).getUTCDate(); // month length in a leap year
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (mo === 2 && !leap ? 28 : days);
}

export const fitsTime = (value: string) =>
  /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$/.test(value);
export const fitsCurrency = (value: string) => /^[A-Z]{3}$/.test(value);
export const fitsTaxId = (value: string) => /^[0-9A-Z]{6,24}$/.test(value);

const sign = (
  v: string | null,
) => (v === null || /^-?0*(\.0*)?$/.test(v) ? 0 : v.startsWith('-') ? -1 : 1);

/**
 * The record with every value its column cannot hold set to null (confidence 0), and the names
 * of the fields dropped. Amounts of one receipt must agree in sign (refunds are all negative):
 * a subtotal or tax against the total's sign is dropped.
 */
export function fitToColumns(input: FieldRecord): { fields: FieldRecord; dropped: string[] } {
  const f: FieldRecord = cleanJson({ ...input, line_items: [...(input.line_items ?? [])] });
  const dropped: string[] = [];
  const drop = (name: keyof FieldRecord & string) => {
    (f as Record<string, unknown>)[name] = null;
    dropped.push(name);
  };
  const text = (name: 'vendor' | 'address' | 'payment_method') => {
    const v = f[name];
    if (v === null) return;
    if (typeof v !== 'string' || v.trim() === '' || [...v].length > TEXT_LIMITS[name]) drop(name);
  };
  const check = (name: keyof FieldRecord & string, fits: (v: string) => boolean) => {
    const v = f[name];
    if (v !== null && (typeof v !== 'string' || !fits(v))) drop(name);
  };

  text('vendor');
  text('address');
  text('payment_method');
  check('date', fitsDate);
  check('time', fitsTime);
  check('currency', fitsCurrency);
  check('tax_id', fitsTaxId);
  if (f.locale !== undefined) check('locale', fitsLocale);
  for (const name of MONEY_FIELDS) check(name, fitsMoney);

  const totalSign = sign(f.total);
  const reference = totalSign !== 0 ? totalSign : sign(f.subtotal);
  for (const name of ['subtotal', 'tax'] as const) {
    const s = sign(f[name]);
    if (s !== 0 && reference !== 0 && s !== reference) drop(name);
  }

  f.line_items = fitLineItems(f.line_items);
  f.confidence = fitConfidence(f.confidence, dropped);
  const ocr = f.ocr_confidence;
  f.ocr_confidence = typeof ocr === 'number' && ocr >= 0 && ocr <= 1
    ? Math.round(ocr * 10_000) / 10_000
    : null;
  return { fields: f, dropped };
}

/** A BCP 47 tag as the parser writes them ("en-US"), never free text. */
function fitsLocale(v: string): boolean {
  return v.length <= 35 && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(v);
}

function fitLineItems(items: unknown): LineItem[] {
  if (!Array.isArray(items)) return [];
  return items.slice(0, MAX_LINE_ITEMS).filter((i) => i !== null && typeof i === 'object').map(
    (i: Record<string, unknown>) => {
      const str = (v: unknown) => (typeof v === 'string' ? v : null);
      const money = (v: unknown) => {
        const s = str(v);
        return s !== null && fitsMoney(s) ? s : null;
      };
      const description = str(i.description);
      return {
        description: description !== null && [...description].length <= TEXT_LIMITS.description
          ? description
          : null,
        quantity: money(i.quantity),
        unit_price: money(i.unit_price),
        amount: money(i.amount),
      };
    },
  );
}

function fitConfidence(
  confidence: Record<string, unknown> | null | undefined,
  dropped: string[],
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(confidence ?? {})) {
    out[k] = typeof v === 'number' && Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
  }
  for (const name of dropped) out[name] = 0;
  return out;
}
