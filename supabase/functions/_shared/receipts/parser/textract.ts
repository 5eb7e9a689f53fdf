// AWS Textract AnalyzeExpense mapping, both ways: Textract output → ParsedReceipt (with our own
// parse of its LINE blocks as fallback), and ParsedReceipt → ExpenseDocument for the local endpoint.

import type { BBox, OcrLine } from './ocr-types.ts';
import { unionBBox } from './ocr-types.ts';
import { fixOcrDigits, formatCents, parseMoney } from './money.ts';
import { findTaxId } from './tax-id.ts';
import { fixAddressText } from './vocabulary.ts';
import type {
  AnalyzeExpenseResponse,
  ExpenseDetection,
  ExpenseDocument,
  ExpenseField,
  Geometry,
  LineItemGroup,
} from '../../textract/types.ts';
import { pickDate } from './dates.ts';
import { dateOrderLocale } from './locale.ts';
import { findAmounts, toLines } from './lines.ts';
import type { ParsedReceipt, ParseOptions, ReceiptField } from './types.ts';

type TextractGeometry = Geometry;

function geometryOf(b: BBox): TextractGeometry {
  return {
    BoundingBox: { Width: b.width, Height: b.height, Left: b.left, Top: b.top },
    Polygon: [
      { X: b.left, Y: b.top },
      { X: b.left + b.width, Y: b.top },
      { X: b.left + b.width, Y: b.top + b.height },
      { X: b.left, Y: b.top + b.height },
    ],
  };
}

function bboxOf(g: Geometry | undefined): BBox {
  const b = g?.BoundingBox;
  return b
    ? { left: b.Left, top: b.Top, width: b.Width, height: b.Height }
    : { left: 0, top: 0, width: 0, height: 0 };
}

/** LINE blocks of a Textract document as OcrLines (for fallback parsing). */
export function linesFromBlocks(doc: ExpenseDocument): OcrLine[] {
  const blocks = doc.Blocks ?? [];
  const byId = new Map(blocks.map((b) => [b.Id, b]));
  return blocks
    .filter((b) => b.BlockType === 'LINE' && typeof b.Text === 'string')
    .map((b) => {
      const childIds = (b.Relationships ?? []).filter((r) => r.Type === 'CHILD').flatMap((r) =>
        r.Ids
      );
      const words = childIds.map((id) => byId.get(id)).filter((w) => w?.BlockType === 'WORD').map((
        w,
      ) => ({
        text: w?.Text ?? '',
        confidence: w?.Confidence ?? 0,
        bbox: bboxOf(w?.Geometry),
      }));
      return {
        text: b.Text ?? '',
        confidence: b.Confidence ?? 0,
        bbox: bboxOf(b.Geometry),
        words,
      };
    })
    .sort((a, b) => a.bbox.top - b.bbox.top || a.bbox.left - b.bbox.left);
}

function fieldType(f: ExpenseField): string {
  return (f.Type?.Text ?? '').toUpperCase();
}

function fieldConf(f: ExpenseField): number {
  const v = f.ValueDetection?.Confidence ?? 0;
  const t = f.Type?.Confidence ?? v;
  return Math.max(0, Math.min(1, Math.min(v, t) / 100));
}

/** Threshold below which a Textract summary field is treated as unsure (0..1). */
const TEXTRACT_MIN_CONFIDENCE = 0.6;

/**
 * Maps AWS Textract AnalyzeExpense output to a ParsedReceipt (first ExpenseDocument). Fields that
 * Textract leaves out or is unsure of are filled from parsing its LINE blocks with `parseReceipt`
 * (passed in by parse.ts, which exports this as fromAnalyzeExpense: importing it would be a cycle).
 */
export function receiptFromAnalyzeExpense(
  resp: AnalyzeExpenseResponse,
  opts: ParseOptions,
  parseReceipt: (lines: OcrLine[], opts: ParseOptions) => ParsedReceipt,
): ParsedReceipt {
  const doc = resp.ExpenseDocuments?.[0];
  const lines = doc ? linesFromBlocks(doc) : [];
  const fallback = parseReceipt(lines, opts);
  if (!doc) return fallback;
  const summary = doc.SummaryFields ?? [];
  const best = (...types: string[]): { text: string; conf: number; field: ExpenseField } | null => {
    for (const t of types) {
      const fs = summary
        .filter((f) => fieldType(f) === t && (f.ValueDetection?.Text ?? '').trim() !== '')
        .sort((a, b) => fieldConf(b) - fieldConf(a));
      if (fs.length > 0) {
        return {
          text: (fs[0].ValueDetection?.Text ?? '').trim(),
          conf: fieldConf(fs[0]),
          field: fs[0],
        };
      }
    }
    return null;
  };
  const out: ParsedReceipt = { ...fallback, confidence: { ...fallback.confidence }, sources: {} };
  const take = (
    f: Exclude<ReceiptField, 'line_items'>,
    raw: { text: string; conf: number } | null,
    normalise: (s: string) => string | null,
  ) => {
    if (!raw) return;
    const v = normalise(raw.text);
    if (v === null) return;
    // Textract wins unless it is unsure and our own reading is more confident.
    if (
      raw.conf < TEXTRACT_MIN_CONFIDENCE && fallback[f] !== null &&
      fallback.confidence[f] > raw.conf
    ) {
      return;
    }
    out[f] = v;
    out.confidence[f] = Math.round(raw.conf * 1000) / 1000;
  };
  const money = (s: string) => {
    const c = findAmounts(s).at(-1)?.cents ?? parseMoney(s);
    return c === null || c === undefined ? null : formatCents(c);
  };
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').replace(/\s+/g, ' ').trim() || null;
  take('vendor', best('VENDOR_NAME', 'NAME'), oneLine);
  take('address', best('VENDOR_ADDRESS', 'ADDRESS', 'ADDRESS_BLOCK'), (s) => {
    const v = oneLine(s);
    return v === null ? null : fixAddressText(v);
  });
  // Textract's date value alone ("12/07/2019") cannot say its day/month order: the region the
  // whole document points to does (read from its LINE blocks), then the caller's locale.
  const region = fallback.locale === null
    ? null
    : { value: fallback.locale, confidence: fallback.confidence.locale, lines: [] };
  take('date', best('INVOICE_RECEIPT_DATE', 'ORDER_DATE'), (s) => {
    const d = pickDate(
      toLines([{ text: s, confidence: 100, bbox: bboxOf(undefined), words: [] }]),
      dateOrderLocale(region, opts.locale),
    );
    return d?.value ?? null;
  });
  take('total', best('TOTAL', 'AMOUNT_PAID', 'AMOUNT_DUE'), money);
  take('subtotal', best('SUBTOTAL'), money);
  take('tax', best('TAX'), money);
  // Textract's TAX_PAYER_ID value is the number; its label names the scheme.
  const payer = best('TAX_PAYER_ID');
  take(
    'tax_id',
    payer && { ...payer, text: `${payer.field.LabelDetection?.Text ?? 'TIN'} ${payer.text}` },
    (s) => findTaxId([{ text: s }])?.value ?? findTaxId([{ text: `TIN ${s}` }])?.value ?? null,
  );
  const cur = summary.find((f) =>
    f.Currency?.Code && ['TOTAL', 'AMOUNT_PAID', 'SUBTOTAL'].includes(fieldType(f))
  );
  if (cur?.Currency?.Code) {
    out.currency = cur.Currency.Code.toUpperCase();
    out.confidence.currency = Math.round((cur.Currency.Confidence ?? 80) / 10) / 10;
  }
  const items = (doc.LineItemGroups ?? []).flatMap((g: LineItemGroup) => g.LineItems ?? []).map(
    (li) => {
      const fs = li.LineItemExpenseFields ?? [];
      const get = (t: string) =>
        fs.find((f) => fieldType(f) === t)?.ValueDetection?.Text?.trim() ?? null;
      const amount = get('PRICE');
      const unit = get('UNIT_PRICE');
      const qty = get('QUANTITY');
      return {
        description: get('ITEM') ?? get('EXPENSE_ROW'),
        quantity: qty ? (fixOcrDigits(qty).match(/\d+(?:\.\d+)?/)?.[0] ?? null) : null,
        unit_price: unit ? money(unit) : null,
        amount: amount ? money(amount) : null,
      };
    },
  ).filter((it) => it.description !== null || it.amount !== null);
  if (items.length > 0) {
    out.line_items = items;
    out.confidence.line_items = 0.8;
  }
  return out;
}

// ---------------------------------------------------------------- ParsedReceipt → Textract

function detection(text: string, b: BBox, conf01: number): ExpenseDetection {
  return {
    Text: text,
    Geometry: geometryOf(b),
    Confidence: Math.round(conf01 * 100 * 1000) / 1000,
  };
}

const LABEL_RE: Partial<Record<ReceiptField, RegExp>> = {
  total: /(GRAND\s*TOTAL|NETT?\s*TOTAL|TOTAL[A-Za-z\s().]*|AMOUNT\s*DUE|JUMLAH)/i,
  subtotal: /(SUB\s*-?\s*TOTAL|TOTAL[A-Za-z\s().]*EXCL[A-Za-z\s().]*)/i,
  tax: /(TOTAL\s*GST|GST[A-Za-z\s()]*|TAX[A-Za-z\s()]*|VAT[A-Za-z\s()]*|SST[A-Za-z\s()]*)/i,
  date: /(DATE|TARIKH)/i,
  tax_id:
    /(GST|SST|VAT|TIN|ABN|UEN|CO\.?\s*REG|REG(ISTRATION)?\.?\s*NO|COMPANY\s*NO)[A-Za-z\s.#]*/i,
};

const TEXTRACT_TYPE: Record<
  Exclude<ReceiptField, 'line_items' | 'currency' | 'payment_method' | 'locale'>,
  string
> = {
  vendor: 'VENDOR_NAME',
  address: 'ADDRESS',
  date: 'INVOICE_RECEIPT_DATE',
  time: 'OTHER',
  total: 'TOTAL',
  subtotal: 'SUBTOTAL',
  tax: 'TAX',
  tax_id: 'TAX_PAYER_ID',
};

/**
 * Builds a Textract ExpenseDocument (SummaryFields with Type/LabelDetection/ValueDetection,
 * Geometry and 0–100 confidences; LineItemGroups) from a parsed receipt and the lines it came from.
 */
export function toExpenseDocument(
  parsed: ParsedReceipt,
  lines: OcrLine[],
  expenseIndex = 1,
): ExpenseDocument {
  const linesBox = (idx: number[] | undefined): BBox =>
    idx && idx.length > 0
      ? unionBBox(idx.map((i) => lines[i]?.bbox).filter((b): b is BBox => !!b))
      : {
        left: 0,
        top: 0,
        width: 0,
        height: 0,
      };
  const summary: ExpenseField[] = [];
  for (const f of Object.keys(TEXTRACT_TYPE) as (keyof typeof TEXTRACT_TYPE)[]) {
    const value = parsed[f];
    if (value === null) continue;
    const conf = parsed.confidence[f] ?? 0;
    const idx = parsed.sources?.[f];
    const src = idx && idx.length > 0 ? lines[idx[idx.length - 1]] : undefined;
    // The printed value (not our normalised one), from the words of the source line.
    let valueText = value;
    let valueBox = linesBox(idx);
    let label: ExpenseDetection | undefined;
    if (src && ['total', 'subtotal', 'tax'].includes(f)) {
      const a = findAmounts(src.text).filter((x) => formatCents(x.cents) === value).at(-1);
      if (a) {
        valueText = a.text;
        const w = src.words.find((w) => w.text.includes(a.text.replace(/^-/, '')));
        if (w) valueBox = w.bbox;
      }
    }
    const re = LABEL_RE[f];
    if (src && re) {
      const m = re.exec(src.text);
      if (m) {
        const words = src.words.filter((w) => m[0].includes(w.text));
        label = detection(
          m[0].trim(),
          words.length ? unionBBox(words.map((w) => w.bbox)) : src.bbox,
          src.confidence / 100,
        );
      }
    }
    const field: ExpenseField = {
      Type: { Text: TEXTRACT_TYPE[f], Confidence: Math.round(conf * 100 * 1000) / 1000 },
      ValueDetection: detection(valueText, valueBox, conf),
      PageNumber: 1,
    };
    if (label) field.LabelDetection = label;
    if (['total', 'subtotal', 'tax'].includes(f) && parsed.currency) {
      field.Currency = {
        Code: parsed.currency,
        Confidence: Math.round(parsed.confidence.currency * 100),
      };
    }
    if (f === 'vendor' || f === 'address') {
      field.GroupProperties = [{ Types: ['VENDOR'], Id: 'vendor-1' }];
    }
    summary.push(field);
  }
  const itemLines = parsed.sources?.line_items ?? [];
  const groups: LineItemGroup[] = parsed.line_items.length === 0 ? [] : [{
    LineItemGroupIndex: 1,
    LineItems: parsed.line_items.map((it, k) => {
      const src = lines[
        itemLines.filter((i) => lines[i]?.text && findAmounts(lines[i].text).length > 0)[k] ?? -1
      ];
      const box = src?.bbox ?? { left: 0, top: 0, width: 0, height: 0 };
      const c = parsed.confidence.line_items;
      const fields: ExpenseField[] = [];
      const push = (t: string, v: string | null) => {
        if (v !== null) {
          fields.push({
            Type: { Text: t, Confidence: Math.round(c * 100 * 1000) / 1000 },
            ValueDetection: detection(v, box, c),
            PageNumber: 1,
          });
        }
      };
      push('ITEM', it.description);
      push('QUANTITY', it.quantity);
      push('UNIT_PRICE', it.unit_price);
      push('PRICE', it.amount);
      if (src) {
        push('EXPENSE_ROW', src.text);
      }
      return { LineItemExpenseFields: fields };
    }),
  }];
  return { ExpenseIndex: expenseIndex, SummaryFields: summary, LineItemGroups: groups };
}
