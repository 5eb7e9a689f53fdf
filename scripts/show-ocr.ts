// Usage: node_modules/.bin/deno run -A scripts/show-ocr.ts <image> [--engine combined]
// Prints the cached OCR lines of one receipt (each reading: combined, then each engine's), with
// confidence and box top, and what the parser makes of it — for looking at a miss.

import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OcrEngineName } from '../supabase/functions/_shared/receipts/parser/ocr-types.ts';
import { ocrPage, parseAsExtract } from './lib/receipt-prediction.ts';
import { closeEngines } from '../supabase/local/textract/ocr/engine.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values, positionals } = parseArgs({
  args: Deno.args,
  options: { engine: { type: 'string', default: 'combined' }, all: { type: 'boolean' } },
  allowPositionals: true,
});
for (const file of positionals) {
  const image = new Uint8Array(await readFile(file));
  const { page } = await ocrPage(
    image,
    values.engine as OcrEngineName,
    join(root, '.tallyq/cache/ocr'),
  );
  const readings = values.all ? [page, ...(page.alternatives ?? [])] : [page];
  for (const p of readings) {
    console.log(`--- ${file} ${p.engine ?? ''}`);
    p.lines.forEach((l, i) =>
      console.log(
        `${String(i).padStart(3)} ${l.confidence.toFixed(0).padStart(3)} ${
          l.bbox.top.toFixed(3)
        } ${l.text}`,
      )
    );
  }
  const r = parseAsExtract(page);
  console.log(JSON.stringify({ ...r, sources: undefined, line_items: r.line_items.length }));
}
closeEngines();
