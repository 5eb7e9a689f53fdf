// Accuracy harness: recognise + parse every receipt in a folder, write predictions JSONL and score
// them with shared/bench/score_receipts.mjs.
//
// Usage: npx deno run -A scripts/eval-receipts.ts [--engine tesseract|paddle|combined]
//          [--dir ../shared/data/receipts/sample] [--out .tallyq/eval/predictions.jsonl]
//          [--no-cache] [--no-directory] [--details] [--parallel 2] [--psm 6] [--max-width 1600] [--locale en-MY]
//          [--only <id substring>]
// (npm run eval:receipts -- --engine paddle). --no-cache re-runs OCR from scratch, which is how the
// reported figure is reproduced; the cache lives in .tallyq/cache/ocr/. The folder is read as one
// organisation's receipts, so the vendor directory applies across them as it does in the database
// (a shop's receipts share the most confident reading of its name, keyed by tax id);
// --no-directory scores each receipt on its own.

import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { OcrEngineName } from '../supabase/functions/_shared/receipts/parser/ocr-types.ts';
import { closeEngines } from '../supabase/local/textract/ocr/engine.ts';
import { type Prediction, predictReceipt } from './lib/receipt-prediction.ts';
import { applyVendorDirectory } from './lib/vendor-directory-model.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  args: Deno.args,
  options: {
    engine: { type: 'string', default: 'combined' },
    dir: { type: 'string', default: join(root, '../shared/data/receipts/sample') },
    out: { type: 'string', default: join(root, '.tallyq/eval/predictions.jsonl') },
    'no-cache': { type: 'boolean', default: false },
    details: { type: 'boolean', default: false },
    'no-directory': { type: 'boolean', default: false },
    parallel: { type: 'string', default: '2' },
    only: { type: 'string' },
    psm: { type: 'string' },
    'max-width': { type: 'string' },
    locale: { type: 'string' },
  },
});

const engine = values.engine as OcrEngineName;
if (!['tesseract', 'paddle', 'combined'].includes(engine)) {
  console.error('--engine must be tesseract, paddle or combined');
  Deno.exit(2);
}
const dir = resolve(values.dir);
const cacheDir = values['no-cache'] ? null : join(root, '.tallyq/cache/ocr');
const files = (await readdir(dir))
  .filter((f) => /\.(jpe?g|png|tiff?)$/i.test(f))
  .filter((f) => !values.only || f.includes(values.only))
  .sort()
  .map((f) => join(dir, f));

const results: Prediction[] = new Array(files.length);
let next = 0;
const started = performance.now();
async function worker() {
  while (next < files.length) {
    const i = next++;
    try {
      results[i] = await predictReceipt(files[i], {
        engine,
        cacheDir,
        locale: values.locale,
        ocr: {
          psm: values.psm ? Number(values.psm) : undefined,
          maxWidth: values['max-width'] ? Number(values['max-width']) : undefined,
        },
      });
    } catch (e) {
      console.error(`${files[i]}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
const parallel = Math.max(1, Number(values.parallel) || 2);
await Promise.all(Array.from({ length: parallel }, worker));
const wall = (performance.now() - started) / 1000;
closeEngines();

const read = results.filter(Boolean);
const done = values['no-directory'] ? read : applyVendorDirectory(
  read.map((p) => ({
    ...p,
    vendorConfidence: p.parsed.confidence.vendor,
    taxId: p.parsed.tax_id,
  })),
);
const renamed = done.filter((p, i) => p.vendor !== read[i].vendor).length;
await mkdir(dirname(values.out), { recursive: true });
await writeFile(
  values.out,
  done.map((p) =>
    JSON.stringify({
      id: p.id,
      vendor: p.vendor,
      date: p.date,
      total: p.total,
      address: p.address,
      currency: p.currency,
    })
  ).join('\n') + '\n',
);
const ocrTotal = done.reduce((a, p) => a + p.ocr_seconds, 0);
const fresh = done.filter((p) => p.ocr_seconds > 0).length;
console.log(
  `engine=${engine} receipts=${done.length} wall_s=${wall.toFixed(1)} ` +
    (fresh > 0
      ? `ocr_s_per_receipt=${(ocrTotal / fresh).toFixed(2)} wall_s_per_receipt=${
        (wall / done.length).toFixed(2)
      } (parallel=${parallel}, ${fresh} OCRed)`
      : '(all OCR from cache)') +
    (values['no-directory'] ? ' directory=off' : ` directory=on (${renamed} renamed)`),
);
const scorer = join(root, '../shared/bench/score_receipts.mjs');
const args = [scorer, join(dir, 'labels.jsonl'), values.out];
if (values.details) args.push('--details');
const res = spawnSync('node', args, { encoding: 'utf8' });
Deno.stdout.writeSync(new TextEncoder().encode(res.stdout));
if (res.status !== 0) {
  console.error(res.stderr);
  Deno.exit(res.status ?? 1);
}
