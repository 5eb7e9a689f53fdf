// Usage: npm run bench:parser [-- --dir DIR] [--rounds 5]
//
// Milliseconds the receipt parser takes per receipt, over the sample's OCR readings (OCR itself is
// read from .tallyq/cache/ocr, or run once to fill it), and how often the labelled vendor is in the
// OCR text at all, which bounds what any parser can extract:
//   parseReceiptPage  the combined reading plus both engines' own (what the endpoint parses)
//   parseReceipt      one reading
//   present_vendor    share of receipts whose labelled vendor appears in either engine's text
//                     (letters and digits only, case-insensitive; the held-out figure: 76 %)

import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  parseReceipt,
  parseReceiptPage,
} from '../../../supabase/functions/_shared/receipts/parser/parse.ts';
import type { OcrPage } from '../../../supabase/functions/_shared/receipts/parser/ocr-types.ts';
import { closeEngines } from '../../../supabase/local/textract/ocr/engine.ts';
import { ocrPage } from '../../lib/receipt-prediction.ts';

/** The benchmark; `ctx.args` are its command-line flags. Nothing runs at import. */
export async function run(ctx: { args: string[] }) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
  const { values } = parseArgs({
    args: ctx.args.filter((a) => a !== '--'),
    options: {
      dir: { type: 'string', default: join(root, '../shared/data/receipts/sample') },
      rounds: { type: 'string', default: '5' },
    },
  });
  const dir = resolve(values.dir);
  const labels = (await readFile(join(dir, 'labels.jsonl'), 'utf8')).trim().split('\n')
    .map((l) => JSON.parse(l) as { file: string; vendor: string });

  const pages: OcrPage[] = [];
  for (const l of labels) {
    const image = new Uint8Array(await readFile(join(dir, l.file)));
    pages.push((await ocrPage(image, 'combined', join(root, '.tallyq/cache/ocr'))).page);
  }
  closeEngines();

  const rounds = Math.max(1, Number(values.rounds) || 5);
  const perReceipt = (parse: (p: OcrPage) => unknown) => {
    for (const p of pages) parse(p); // warm up
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const p of pages) parse(p);
    return (performance.now() - t0) / (rounds * pages.length);
  };
  const pageMs = perReceipt((p) => parseReceiptPage(p));
  const lineMs = perReceipt((p) => parseReceipt(p.lines));

  const key = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
  const vendorPresent =
    labels.filter((l, k) =>
      (pages[k].alternatives ?? []).some((p) =>
        key(p.lines.map((x) => x.text).join('')).includes(key(l.vendor))
      )
    ).length / labels.length;

  console.log(
    `receipts=${pages.length} parseReceiptPage_ms=${pageMs.toFixed(2)} ` +
      `parseReceipt_ms=${lineMs.toFixed(2)} present_vendor=${vendorPresent.toFixed(3)}`,
  );
}

if (import.meta.main) {
  await run({ args: Deno.args });
  Deno.exit(0);
}
