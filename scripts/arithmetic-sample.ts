// Usage: node_modules/.bin/deno run -A scripts/arithmetic-sample.ts [DIR]
// How many receipts of the labelled sample (default ../shared/data/receipts/sample) the worker's
// arithmetic checks send to review, and whether their labelled total was read right anyway. Uses
// the OCR cache in .tallyq/cache/ocr (filled by the first run, like bench:parser).
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReceiptPage } from '../supabase/functions/_shared/receipts/parser/parse.ts';
import { arithmeticIssues } from '../supabase/functions/_shared/receipts/worker/arithmetic.ts';
import { closeEngines } from '../supabase/local/textract/ocr/engine.ts';
import { ocrPage } from './lib/receipt-prediction.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(Deno.args[0] ?? join(root, '../shared/data/receipts/sample'));
const labels = (await readFile(join(dir, 'labels.jsonl'), 'utf8')).trim().split('\n')
  .map((l) => JSON.parse(l) as { file: string; total: string });
const money = (s: string | null) => s === null ? null : Number(s.replace(/[^\d.]/g, '')).toFixed(2);
let flagged = 0;
let flaggedTotalRight = 0;
for (const l of labels) {
  const image = new Uint8Array(await readFile(join(dir, l.file)));
  const parsed = parseReceiptPage(
    (await ocrPage(image, 'combined', join(root, '.tallyq/cache/ocr'))).page,
  );
  const issues = arithmeticIssues(parsed);
  if (issues.length === 0) continue;
  flagged++;
  const right = money(parsed.total) === money(l.total);
  if (right) flaggedTotalRight++;
  console.log(`${l.file} ${issues.map((i) => i.code).join(',')} total_read_right=${right}`);
}
closeEngines();
console.log(
  `receipts=${labels.length} sent_to_review_by_arithmetic=${flagged} of_which_total_right=${flaggedTotalRight}`,
);
Deno.exit(0);
