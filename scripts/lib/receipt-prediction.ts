// One receipt → one prediction: OCR (cached by image hash and engine) + parse. Shared by
// scripts/eval-receipts.ts and anything else that needs the same figures.
//
// Cache: .tallyq/cache/ocr/<sha256>-<engine>.json holds a single engine's OcrPage; `combined` is
// rebuilt from the cached tesseract and paddle pages, so combine/parse changes need no new OCR.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import type {
  OcrEngineName,
  OcrPage,
} from '../../supabase/functions/_shared/receipts/parser/ocr-types.ts';
import {
  fromAnalyzeExpense,
  parseReceiptPage,
  toExpenseDocument,
} from '../../supabase/functions/_shared/receipts/parser/parse.ts';
import type { ParsedReceipt } from '../../supabase/functions/_shared/receipts/parser/parse.ts';
import { toBlocks } from '../../supabase/local/textract/blocks.ts';
import {
  type RecognizeOptions,
  recognizePaddle,
  recognizeTesseract,
  withReadings,
} from '../../supabase/local/textract/ocr/engine.ts';
import { combinePages } from '../../supabase/local/textract/ocr/combine.ts';
import { defaultTesseractModels } from '../../supabase/local/textract/ocr/tessdata.ts';
import { readingsDisagree } from '../../supabase/functions/_shared/receipts/parser/agreement.ts';
import { sha256Hex } from '../../supabase/functions/_shared/crypto/sha256.ts';

/** Thrown with `cachedOnly` when a reading is not in the cache yet. */
export class NotCached extends Error {
  constructor(engine: string) {
    super(`no cached ${engine} reading`);
  }
}

export interface PredictOptions {
  engine: OcrEngineName;
  /** Directory for the OCR cache; null disables it (the --no-cache figure). */
  cacheDir: string | null;
  locale?: string;
  /**
   * Engine tuning (tesseract psm, downscale width; non-default values get their own cache key);
   * cachedOnly: never run OCR (or only never Paddle's), throw NotCached instead.
   */
  ocr?: RecognizeOptions & { cachedOnly?: boolean | 'paddle' };
  /**
   * `extract` (default): what `npm run extract` and the worker compute — the endpoint's
   * ExpenseDocument (SummaryFields + Blocks, through JSON) read back by fromAnalyzeExpense;
   * `page`: parseReceiptPage's own result.
   */
  path?: 'extract' | 'page';
}

export interface Prediction {
  id: string;
  file: string;
  vendor: string | null;
  date: string | null;
  total: string | null;
  address: string | null;
  currency: string | null;
  parsed: ParsedReceipt;
  /** Seconds spent in OCR for this image (0 when served from cache). */
  ocr_seconds: number;
  /** Each reading's text (the page's lines, then each engine's), for classifying misses. */
  texts: string[];
}

async function cached(
  sha: string,
  engine: 'tesseract' | 'paddle',
  image: Uint8Array,
  cacheDir: string | null,
  ocr: RecognizeOptions & { cachedOnly?: boolean | 'paddle' } = {},
): Promise<{ page: OcrPage; seconds: number }> {
  // Tesseract's model choice is its own: Paddle's cached reading is shared across them.
  // (The system's fast model keeps the plain key; the best model reads `.best`.)
  const tessModel = (ocr.tesseractModels ?? defaultTesseractModels())[0];
  const model = engine !== 'tesseract'
    ? ''
    : ocr.lang || ocr.tessdataDir
    ? `${ocr.lang ?? 'eng'}${ocr.tessdataDir ? `@${basename(ocr.tessdataDir)}` : ''}`
      .replace(/[^A-Za-z0-9+@_-]/g, '_')
    : tessModel === 'best'
    ? 'best'
    : '';
  const tuning = [ocr.psm ? `psm${ocr.psm}` : '', ocr.maxWidth ? `w${ocr.maxWidth}` : '', model]
    .filter(Boolean).map((t) => `.${t}`).join('');
  const file = cacheDir ? join(cacheDir, `${sha}-${engine}${tuning}.json`) : null;
  if (file) {
    try {
      return { page: JSON.parse(await readFile(file, 'utf8')) as OcrPage, seconds: 0 };
    } catch {
      // not cached yet
    }
  }
  if (ocr.cachedOnly === true || ocr.cachedOnly === engine) throw new NotCached(engine);
  const t0 = performance.now();
  const page = engine === 'tesseract'
    ? await recognizeTesseract(image, ocr)
    : await recognizePaddle(image, { maxWidth: ocr.maxWidth });
  const seconds = (performance.now() - t0) / 1000;
  if (file) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(page));
  }
  return { page, seconds };
}

/** Pages read a third time (their first two readings disagreed), for the harness's report. */
export let rereads = 0;

/** OCR page for an image with the given engine (cached single-engine pages underneath). */
export async function ocrPage(
  image: Uint8Array,
  engine: OcrEngineName,
  cacheDir: string | null,
  ocr: RecognizeOptions & { cachedOnly?: boolean | 'paddle' } = {},
): Promise<{ page: OcrPage; seconds: number }> {
  const sha = sha256Hex(image);
  if (engine !== 'combined') return await cached(sha, engine, image, cacheDir, ocr);
  // As recognize() does: the first tesseract model merged with Paddle, the others as readings made
  // only where the first two disagree on the total or the date.
  const [first, ...more] = ocr.tesseractModels ?? defaultTesseractModels();
  const [t, p] = await Promise.all([
    cached(sha, 'tesseract', image, cacheDir, { ...ocr, tesseractModels: [first] }),
    cached(sha, 'paddle', image, cacheDir, ocr),
  ]);
  const page = combinePages(p.page, t.page);
  if (more.length === 0 || !readingsDisagree(page)) return { page, seconds: t.seconds + p.seconds };
  rereads++;
  const extra = await Promise.all(
    more.map((m) => cached(sha, 'tesseract', image, cacheDir, { ...ocr, tesseractModels: [m] })),
  );
  return {
    page: withReadings(page, extra.map((e) => e.page)),
    seconds: [t, p, ...extra].reduce((a, r) => a + r.seconds, 0),
  };
}

/** Recognises and parses one receipt image file. */
export async function predictReceipt(file: string, opts: PredictOptions): Promise<Prediction> {
  const image = new Uint8Array(await readFile(file));
  const { page, seconds } = await ocrPage(image, opts.engine, opts.cacheDir, opts.ocr);
  const texts = [page, ...(page.alternatives ?? [])].map((p) =>
    p.lines.map((l) => l.text).join('\n')
  );
  const parsed = (opts.path ?? 'extract') === 'extract'
    ? parseAsExtract(page, opts.locale)
    : parseReceiptPage(page, { locale: opts.locale });
  return {
    id: basename(file, extname(file)),
    file,
    vendor: parsed.vendor,
    date: parsed.date,
    total: parsed.total,
    address: parsed.address,
    currency: parsed.currency,
    parsed,
    ocr_seconds: seconds,
    texts,
  };
}

/**
 * The receipt as the worker and `npm run extract` see it: the local endpoint's AnalyzeExpense
 * answer (ExpenseDocument with SummaryFields, LineItemGroups and Blocks, through JSON as over
 * HTTP), read back by fromAnalyzeExpense.
 */
export function parseAsExtract(page: OcrPage, locale?: string): ParsedReceipt {
  const doc = {
    ...toExpenseDocument(parseReceiptPage(page), page.lines),
    Blocks: toBlocks([page]),
  };
  const resp = JSON.parse(JSON.stringify({ ExpenseDocuments: [doc] }));
  return fromAnalyzeExpense(resp, { locale });
}
