// Accuracy harness: recognise + parse every labelled receipt, score per field and per set, cross-
// validate by shop (k folds by vendor, one held out), list the misses per failure class, and count
// the receipts whose line items add up.
//
// Usage: npm run eval:receipts [-- --set sample,dev,world] [--dir DIR] [--engine combined]
//          [--path extract|page] [--folds 5] [--holdout 0] [--show-holdout] [--misses] [--items]
//          [--details] [--no-cache] [--cached-only] [--parallel 2] [--psm 6] [--max-width 1600] [--locale en-MY]
//          [--only <id substring>] [--fold N] [--lang eng+msa] [--tessdata DIR] [--out .tallyq/eval]
//          [--tesseract-models fast,best] (default TALLYQ_TESSERACT_MODELS, see ocr/tessdata.ts;
//          `fast` alone is the engine configuration before issue 13)
//
// Sets: sample/ and dev/ (../shared/data/receipts, SROIE), world (tests/fixtures/receipts-world:
// our own drawn invoices and non-Malaysian receipts, see its README). --dir scores one folder
// instead. OCR is cached per image and engine in .tallyq/cache/ocr/ (--no-cache re-runs it).
//
// --path extract (default) scores what `npm run extract` and the worker return: the endpoint's
// AnalyzeExpense answer read back by fromAnalyzeExpense; --path page scores parseReceiptPage.
// Every receipt is scored alone, as on a new user's first upload; the "+directory" row applies the
// vendor directory across each folder as one organisation's receipts (the database does this on
// settle, keyed by tax id).
//
// Cross-validation: each SROIE shop (labelled vendor) falls in one of --folds folds by a hash of its
// name. Fold --holdout is held out: its misses are not printed (unless --show-holdout), so rules
// are written while looking at the other folds only, and the held-out row says how they carry to
// shops nobody looked at. Each fold's own figure is printed too, so the spread between shops shows.

import { spawnSync } from 'node:child_process';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { OcrEngineName } from '../supabase/functions/_shared/receipts/parser/ocr-types.ts';
import { parseMoney } from '../supabase/functions/_shared/receipts/parser/money.ts';
import { closeEngines } from '../supabase/local/textract/ocr/engine.ts';
import {
  defaultTesseractModels,
  parseTesseractModels,
} from '../supabase/local/textract/ocr/tessdata.ts';
import { NotCached, type Prediction, predictReceipt, rereads } from './lib/receipt-prediction.ts';
import { applyVendorDirectory } from './lib/vendor-directory-model.ts';
import {
  type FieldScores,
  type LabelRow,
  type PredRow,
  scoreReceipt,
} from './lib/receipt-score.ts';
import { type Field, missClass, shopFold } from './lib/miss-classes.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  args: Deno.args.filter((a) => a !== '--'),
  options: {
    engine: { type: 'string', default: 'combined' },
    set: { type: 'string', default: 'sample,dev,world' },
    dir: { type: 'string' },
    out: { type: 'string', default: join(root, '.tallyq/eval') },
    path: { type: 'string', default: 'extract' },
    folds: { type: 'string', default: '5' },
    holdout: { type: 'string', default: '0' },
    'show-holdout': { type: 'boolean', default: false },
    misses: { type: 'boolean', default: false },
    items: { type: 'boolean', default: false },
    'no-cache': { type: 'boolean', default: false },
    'cached-only': { type: 'boolean', default: false },
    // an engine trial: Paddle's reading from the cache only, tesseract's (new model) run as needed
    'paddle-cached-only': { type: 'boolean', default: false },
    details: { type: 'boolean', default: false },
    parallel: { type: 'string', default: '2' },
    only: { type: 'string' },
    psm: { type: 'string' },
    'max-width': { type: 'string' },
    locale: { type: 'string' },
    lang: { type: 'string' },
    tessdata: { type: 'string' },
    'tesseract-models': { type: 'string' },
    fold: { type: 'string' },
  },
});

const engine = values.engine as OcrEngineName;
if (!['tesseract', 'paddle', 'combined'].includes(engine)) {
  console.error('--engine must be tesseract, paddle or combined');
  Deno.exit(2);
}
const path = values.path as 'extract' | 'page';
if (!['extract', 'page'].includes(path)) {
  console.error('--path must be extract or page');
  Deno.exit(2);
}
const tesseractModels = values['tesseract-models']
  ? parseTesseractModels(values['tesseract-models'])
  : defaultTesseractModels();
const k = Math.max(2, Number(values.folds) || 5);
const holdout = Number(values.holdout) || 0;
const cacheDir = values['no-cache'] ? null : join(root, '.tallyq/cache/ocr');
const SETS: Record<string, string> = {
  sample: join(root, '../shared/data/receipts/sample'),
  dev: join(root, '../shared/data/receipts/dev'),
  world: join(root, 'tests/fixtures/receipts-world'),
};
const dirs: { name: string; dir: string; sroie: boolean }[] = values.dir
  ? [{ name: basename(resolve(values.dir)), dir: resolve(values.dir), sroie: true }]
  : values.set.split(',').map((s) => {
    if (!SETS[s]) {
      console.error(`unknown set ${s}; sets: ${Object.keys(SETS).join(', ')}`);
      Deno.exit(2);
    }
    return { name: s, dir: SETS[s], sroie: s !== 'world' };
  });

async function readLabels(dir: string): Promise<LabelRow[]> {
  const text = await readFile(join(dir, 'labels.jsonl'), 'utf8');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as LabelRow);
}

interface Row {
  set: string;
  sroie: boolean;
  label: LabelRow;
  pred: Prediction;
  alone: FieldScores;
  withDirectory: FieldScores;
  fold: number;
  /** line items add up to the receipt's own subtotal or total / to the right (labelled) figure */
  itemsReconcile: boolean;
  itemsMatchLabel: boolean;
  hasItems: boolean;
}

const started = performance.now();
const rows: Row[] = [];
let ocrSeconds = 0, ocrCount = 0;
for (const { name, dir, sroie } of dirs) {
  const labels = (await readLabels(dir)).filter((l) => !values.only || l.id.includes(values.only))
    // --fold N: only that shop fold's receipts (e.g. the held-out one, for an engine trial).
    .filter((l) =>
      values.fold === undefined || shopFold(l.vendor, l.id, k) === Number(values.fold)
    );
  const files = new Set(await readdir(dir));
  const preds: Prediction[] = new Array(labels.length);
  let next = 0;
  const worker = async () => {
    while (next < labels.length) {
      const i = next++;
      const l = labels[i];
      const file = l.file ?? [...files].find((f) => f.startsWith(`${l.id}.`));
      if (!file) throw new Error(`${name}: no image for ${l.id}`);
      preds[i] = await predictReceipt(join(dir, file), {
        engine,
        cacheDir,
        locale: values.locale,
        path,
        ocr: {
          psm: values.psm ? Number(values.psm) : undefined,
          maxWidth: values['max-width'] ? Number(values['max-width']) : undefined,
          cachedOnly: values['cached-only'] || (values['paddle-cached-only'] ? 'paddle' : false),
          lang: values.lang,
          tessdataDir: values.tessdata ? resolve(values.tessdata) : undefined,
          tesseractModels,
        },
      }).catch((e) => {
        if (e instanceof NotCached) return undefined as unknown as Prediction;
        throw e;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Number(values.parallel) || 2) }, worker));
  // --cached-only: receipts whose OCR is not cached yet are left out of every figure.
  for (let i = labels.length - 1; i >= 0; i--) {
    if (!preds[i]) {
      labels.splice(i, 1);
      preds.splice(i, 1);
    }
  }
  const directed = applyVendorDirectory(
    preds.map((p) => ({
      ...p,
      vendorConfidence: p.parsed.confidence.vendor,
      taxId: p.parsed.tax_id,
    })),
  );
  labels.forEach((label, i) => {
    const p = preds[i];
    ocrSeconds += p.ocr_seconds;
    if (p.ocr_seconds > 0) ocrCount++;
    const cents = (s: string | null) => (s === null ? null : parseMoney(s));
    const sum = p.parsed.line_items.reduce((a, it) => a + (cents(it.amount) ?? 0n), 0n);
    const hasItems = p.parsed.line_items.length > 0;
    const own = [cents(p.parsed.subtotal), cents(p.parsed.total)];
    const labelTotal = label.total === null
      ? null
      : parseMoney(label.total.replace(/[^\d.,-]/g, ''));
    rows.push({
      set: name,
      sroie,
      label,
      pred: p,
      alone: scoreReceipt(label, p),
      withDirectory: scoreReceipt(label, { ...p, vendor: directed[i].vendor }),
      fold: shopFold(label.vendor, label.id, k),
      hasItems,
      itemsReconcile: hasItems && own.some((c) => c !== null && c === sum),
      // Against the labelled total, or the receipt's subtotal when its total was read right.
      itemsMatchLabel: hasItems && labelTotal !== null &&
        (sum === labelTotal ||
          (sum === cents(p.parsed.subtotal) && cents(p.parsed.total) === labelTotal)),
    });
  });
  // The shared scorer's own line for the SROIE folders (the official figure).
  await mkdir(values.out, { recursive: true });
  const out = join(values.out, `${name}-predictions.jsonl`);
  await writeFile(
    out,
    preds.map((p) =>
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
  if (sroie && !values.only && !values['cached-only'] && !values['paddle-cached-only']) {
    const res = spawnSync(
      'node',
      [join(root, '../shared/bench/score_receipts.mjs'), join(dir, 'labels.jsonl'), out],
      { encoding: 'utf8' },
    );
    const last = res.stdout.trim().split('\n').at(-1);
    console.log(`${name.padEnd(7)} shared scorer: ${last}`);
  }
}
closeEngines();
const wall = (performance.now() - started) / 1000;

// ------------------------------------------------------------------------------------ report

const pct = (n: number, d: number) => (d === 0 ? '   -' : (n / d).toFixed(3));
function line(title: string, rs: Row[], dir = false): string {
  const s = (r: Row) => (dir ? r.withDirectory : r.alone);
  const n = rs.length;
  const c = (f: (x: FieldScores) => boolean) => rs.filter((r) => f(s(r))).length;
  const cur = rs.filter((r) => s(r).currency !== null);
  return `${title.padEnd(28)} n=${String(n).padStart(3)}  total ${pct(c((x) => x.total), n)}  ` +
    `date ${pct(c((x) => x.date), n)}  vendor ${pct(c((x) => x.vendor), n)} / fuzzy ${
      pct(c((x) => x.vendorFuzzy), n)
    }  address ${pct(c((x) => x.address), n)}` +
    (cur.length ? `  currency ${pct(cur.filter((r) => s(r).currency).length, cur.length)}` : '') +
    `  items ${rs.filter((r) => r.itemsMatchLabel).length}/${n}`;
}

console.log(
  `\nengine=${engine} tesseract_models=${
    tesseractModels.join(',')
  } path=${path} receipts=${rows.length} wall_s=${wall.toFixed(1)} ` +
    `reread_third=${rereads}/${rows.length} ` +
    (ocrCount > 0
      ? `ocr_s_per_receipt=${(ocrSeconds / ocrCount).toFixed(2)} (${ocrCount} OCRed)`
      : '(all OCR from cache)'),
);
console.log('\n== per set, each receipt alone (as `npm run extract`)');
for (const { name } of dirs) console.log(line(name, rows.filter((r) => r.set === name)));
const sroie = rows.filter((r) => r.sroie);
if (dirs.filter((d) => d.sroie).length > 1) console.log(line('sample+dev', sroie));
console.log('\n== per set, + vendor directory (one organisation per folder)');
for (const { name } of dirs) {
  if (name !== 'world') console.log(line(name, rows.filter((r) => r.set === name), true));
}

if (sroie.length > 0) {
  console.log(
    `\n== by-shop cross-validation (SROIE, ${k} folds by vendor, fold ${holdout} held out)`,
  );
  for (let f = 0; f < k; f++) {
    const rs = sroie.filter((r) => r.fold === f);
    const shops = new Set(rs.map((r) => r.label.vendor)).size;
    console.log(line(`fold ${f} (${shops} shops)${f === holdout ? ' HELD OUT' : ''}`, rs));
  }
  console.log(line('in-sample (folds looked at)', sroie.filter((r) => r.fold !== holdout)));
  console.log(line('held-out (never looked at)', sroie.filter((r) => r.fold === holdout)));
}

console.log('\n== line items');
const withItems = rows.filter((r) => r.hasItems);
console.log(
  `receipts with line items ${withItems.length}/${rows.length}; adding up to their own subtotal ` +
    `or total ${rows.filter((r) => r.itemsReconcile).length}; to the labelled total (or to the ` +
    `subtotal of a receipt whose total is right) ${rows.filter((r) => r.itemsMatchLabel).length}`,
);

if (values.items) {
  for (const r of rows) {
    if (r.itemsMatchLabel || (r.sroie && r.fold === holdout && !values['show-holdout'])) continue;
    const p = r.pred.parsed;
    console.log(
      `  ${r.set}/${r.label.id} label_total=${r.label.total} total=${p.total} subtotal=${p.subtotal}` +
        ` items=${JSON.stringify(p.line_items.map((i) => `${i.description}|${i.amount}`))}`,
    );
  }
}

// Misses per class (held-out fold hidden unless asked).
const visible = rows.filter((r) => !r.sroie || r.fold !== holdout || values['show-holdout']);
const classes = new Map<string, string[]>();
for (const r of visible) {
  const fields: [Field, boolean][] = [
    ['total', r.alone.total],
    ['date', r.alone.date],
    ['vendor', r.alone.vendor],
    ['address', r.alone.address],
  ];
  for (const [f, ok] of fields) {
    if (ok) continue;
    const cls = `${f}: ${missClass(f, r.label, r.pred as PredRow, r.pred.texts)}`;
    const list = classes.get(cls) ?? [];
    const pv = r.pred[f], lv = r.label[f];
    list.push(`${r.set}/${r.label.id}  label=${JSON.stringify(lv)}  got=${JSON.stringify(pv)}`);
    classes.set(cls, list);
  }
  if (r.alone.currency === false) {
    const list = classes.get('currency') ?? [];
    list.push(
      `${r.set}/${r.label.id}  label=${JSON.stringify(r.label.currency)}  got=${
        JSON.stringify(r.pred.currency)
      }`,
    );
    classes.set('currency', list);
  }
}
console.log(
  `\n== misses per class (${
    values['show-holdout'] ? 'all folds' : `held-out fold ${holdout} not shown`
  }; --misses lists them)`,
);
for (const [cls, list] of [...classes.entries()].sort()) {
  console.log(`${cls.padEnd(40)} ${list.length}`);
  if (values.misses || values.details) { for (const m of list) console.log(`    ${m}`); }
}
